//! Timings of the statistics core at the sizes SPEC §11 names (a million verdicts) and of the
//! leakage check at a realistic study size. Figures are printed, never asserted:
//! `cargo bench --bench stats`.

#![allow(clippy::unwrap_used, clippy::panic)]

fn main() {
    agreement_and_bootstraps_over_a_million_verdicts();
    leakage_on_a_study_of_two_hundred_chains_per_model();
}

use std::time::Instant;

use blindstep::stats::{
    BootstrapConfig, FeatureSet, LeakageConfig, Rate, SplitMix64, Units, binomial_test,
    cluster_ratio_bootstrap, cohen_kappa, krippendorff_alpha_bootstrap, leakage_auc_with,
    percent_agreement,
};

fn agreement_and_bootstraps_over_a_million_verdicts() {
    let mut rng = SplitMix64::new(1);
    // 500,000 steps judged by two reviewers = 1,000,000 step verdicts, three labels.
    let mut units = Units::new();
    let mut pairs = Vec::with_capacity(500_000);
    for _ in 0..500_000 {
        let a = rng.below(3) as u32;
        let b = if rng.below(10) < 7 {
            a
        } else {
            rng.below(3) as u32
        };
        units.push_unit([a, b]);
        pairs.push((a, b));
    }
    // 20,000 cases of 50 steps: (error steps, judged steps) per case.
    let cases: Vec<(u64, u64)> = (0..20_000).map(|_| (rng.binomial(50, 0.3), 50)).collect();

    let t = Instant::now();
    let alpha = krippendorff_alpha_bootstrap(&units, &BootstrapConfig::default()).unwrap();
    let t_alpha = t.elapsed();
    let t = Instant::now();
    let kappa = cohen_kappa(&pairs);
    let agree = percent_agreement(&units);
    let t_kappa = t.elapsed();
    let t = Instant::now();
    let ratio = cluster_ratio_bootstrap(&cases, &BootstrapConfig::default()).unwrap();
    let t_ratio = t.elapsed();
    let t = Instant::now();
    let rate = Rate::new(300_000, 1_000_000).unwrap();
    let t_rate = t.elapsed();
    let t = Instant::now();
    let p_values: Vec<f64> = (498_000..498_100)
        .map(|k| binomial_test(k, 1_000_000, 0.5).unwrap())
        .collect();
    let t_binomial = t.elapsed();
    println!(
        "krippendorff alpha + 1000 bootstrap replicates, 1e6 ratings: {t_alpha:?} ({alpha:?})"
    );
    println!("cohen kappa + percent agreement, 5e5 pairs: {t_kappa:?} ({kappa:?}, {agree:?})");
    println!("cluster ratio bootstrap, 20k cases, 1000 replicates: {t_ratio:?} ({ratio:?})");
    println!("wilson rate: {t_rate:?} ({rate})");
    println!(
        "100 exact binomial tests at n = 1e6: {t_binomial:?} (smallest p {:.3})",
        p_values.iter().copied().fold(1.0, f64::min)
    );
    let total = t_alpha + t_kappa + t_ratio + t_rate;
    println!("total: {total:?} (target: the tally over 1,000,000 verdicts within 1 s)");
}

fn leakage_on_a_study_of_two_hundred_chains_per_model() {
    let mut rng = SplitMix64::new(2);
    let vocab: Vec<String> = (0..2_000).map(|i| format!("w{i}x")).collect();
    let doc = |rng: &mut SplitMix64| {
        let lines = 20 + rng.below(30);
        (0..lines)
            .map(|_| {
                let n = 8 + rng.below(20);
                (0..n)
                    .map(|_| vocab[rng.below(2_000) as usize].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a: Vec<String> = (0..200).map(|_| doc(&mut rng)).collect();
    let b: Vec<String> = (0..200).map(|_| doc(&mut rng)).collect();
    let chars: usize = a.iter().chain(&b).map(String::len).sum();
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let t = Instant::now();
    let results = leakage_auc_with(&a, &b, &FeatureSet::EVERY, &LeakageConfig::default()).unwrap();
    let elapsed = t.elapsed();
    println!(
        "leakage, 200 vs 200 chains ({} KB), all four feature sets: {elapsed:?}",
        chars / 1024
    );
    for r in results {
        println!(
            "  {:<8} AUC {:.3} [{:.3}, {:.3}]",
            r.features.name(),
            r.auc,
            r.lo,
            r.hi
        );
    }
}
