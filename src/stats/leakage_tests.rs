//! Tests of the leakage check on synthetic chains whose answer is known.

use super::*;

/// A synthetic chain: `lines` steps of `words` words each drawn from `vocab`, with a bullet
/// on a random share of lines.
fn chain(rng: &mut SplitMix64, vocab: &[String], lines: (u64, u64), words: (u64, u64)) -> String {
    let n_lines = lines.0 + rng.below(lines.1 - lines.0 + 1);
    let mut out = Vec::new();
    for _ in 0..n_lines {
        let n_words = words.0 + rng.below(words.1 - words.0 + 1);
        let mut line: Vec<&str> = (0..n_words)
            .map(|_| vocab[rng.below(vocab.len() as u64) as usize].as_str())
            .collect();
        if rng.below(3) == 0 {
            line.insert(0, "-");
        }
        out.push(line.join(" ") + ".");
    }
    out.join("\n")
}

fn vocabulary(rng: &mut SplitMix64, size: usize, letters: &[u8]) -> Vec<String> {
    (0..size)
        .map(|_| {
            let len = 3 + rng.below(6) as usize;
            (0..len)
                .map(|_| letters[rng.below(letters.len() as u64) as usize] as char)
                .collect()
        })
        .collect()
}

fn corpus(n: usize, seed: u64, vocab: &[String], lines: (u64, u64)) -> Vec<String> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| chain(&mut rng, vocab, lines, (5, 12)))
        .collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn docs<'a>(texts: &'a [String], cases: &'a [String]) -> Vec<LeakageDoc<'a>> {
    texts
        .iter()
        .zip(cases)
        .map(|(text, case)| LeakageDoc { text, case })
        .collect()
}

fn run(a: &[String], b: &[String]) -> Vec<LeakageResult> {
    leakage_auc_with(
        &refs(a),
        &refs(b),
        &FeatureSet::EVERY,
        &LeakageConfig::default(),
    )
    .unwrap()
}

#[test]
fn identical_distributions_give_chance_auc() {
    let mut rng = SplitMix64::new(1);
    let vocab = vocabulary(&mut rng, 300, b"abcdefghijklmnopqrstuvwxyz");
    let a = corpus(100, 10, &vocab, (3, 15));
    let b = corpus(100, 20, &vocab, (3, 15));
    for r in run(&a, &b) {
        // Under the null the AUC of 100 vs 100 fixed scores has sd sqrt(201 / 120000) = 0.041;
        // 0.15 is over 3.5 sd, and cross-validation adds only a small bias below 0.5.
        assert!((r.auc - 0.5).abs() < 0.15, "{r:?}");
        assert!(r.lo < 0.5 + 0.05 && r.hi > 0.5 - 0.05, "{r:?}");
        assert_eq!((r.n_a, r.n_b, r.folds), (100, 100, 5));
    }
}

#[test]
fn disjoint_vocabularies_are_caught_by_lexical_features() {
    let mut rng = SplitMix64::new(2);
    let vocab_a = vocabulary(&mut rng, 200, b"abcdefghijklm");
    let vocab_b = vocabulary(&mut rng, 200, b"nopqrstuvwxyz");
    let a = corpus(30, 11, &vocab_a, (3, 15));
    let b = corpus(30, 21, &vocab_b, (3, 15));
    let results = run(&a, &b);
    let get = |set| results.iter().find(|r| r.features == set).unwrap();
    assert!(get(FeatureSet::Lexical).auc > 0.99, "{results:?}");
    assert!(get(FeatureSet::Lexical).lo > 0.95, "{results:?}");
    assert!(get(FeatureSet::All).auc > 0.95, "{results:?}");
    // Same line and word counts, same bullets: layout and length see nothing.
    assert!(
        (get(FeatureSet::Layout).auc - 0.5).abs() < 0.25,
        "{results:?}"
    );
    assert!(
        (get(FeatureSet::Length).auc - 0.5).abs() < 0.25,
        "{results:?}"
    );
}

#[test]
fn a_length_difference_is_caught_by_length_not_layout() {
    let mut rng = SplitMix64::new(3);
    let vocab = vocabulary(&mut rng, 300, b"abcdefghijklmnopqrstuvwxyz");
    let a = corpus(40, 12, &vocab, (3, 6));
    let b = corpus(40, 22, &vocab, (14, 20));
    let results = run(&a, &b);
    let get = |set| results.iter().find(|r| r.features == set).unwrap();
    // A's chains are shorter: its length scores are lower, so the AUC sits near 0, which is
    // as telling as near 1.
    let length = get(FeatureSet::Length).auc;
    assert!(!(0.02..=0.98).contains(&length), "{results:?}");
    assert!(
        (get(FeatureSet::Layout).auc - 0.5).abs() < 0.2,
        "{results:?}"
    );
    let all = get(FeatureSet::All).auc;
    assert!((all - 0.5).abs() > 0.4, "{results:?}");
}

#[test]
fn tiny_studies_use_fewer_folds() {
    let a = [
        "Okay, so the patient has fever.\nHmm, wait.",
        "Okay so. Hmm, let me think.",
        "Okay, hmm.",
    ];
    let b = [
        "Fever and cough.",
        "CRP is raised.",
        "Chest X-ray shows consolidation.",
    ];
    let r = leakage_auc(&a, &b, FeatureSet::All, 1).unwrap();
    assert_eq!(r.folds, 3);
    assert!(
        (0.0..=1.0).contains(&r.auc) && r.lo <= r.auc && r.auc <= r.hi,
        "{r:?}"
    );
    let r = leakage_auc(&a[..2], &b[..2], FeatureSet::All, 1).unwrap();
    assert_eq!(r.folds, 2);
    assert!((0.0..=1.0).contains(&r.auc), "{r:?}");
    assert_eq!(
        leakage_auc(&a[..1], &b, FeatureSet::Lexical, 1),
        Err(StatsError::TooFewDocuments {
            side: 'A',
            found: 1
        })
    );
    assert_eq!(
        leakage_auc(&a, &[], FeatureSet::Lexical, 1),
        Err(StatsError::TooFewDocuments {
            side: 'B',
            found: 0
        })
    );
}

#[test]
fn same_seed_same_result_and_empty_texts_are_fine() {
    let a = ["a b c", "", "d e f", "g"];
    let b = ["x y", "z", "", "w v u"];
    let first = leakage_auc(&a, &b, FeatureSet::All, 9).unwrap();
    assert_eq!(first, leakage_auc(&a, &b, FeatureSet::All, 9).unwrap());
    for set in FeatureSet::EVERY {
        let r = leakage_auc(&a, &b, set, 9).unwrap();
        assert!(
            r.auc.is_finite() && r.lo.is_finite() && r.hi.is_finite(),
            "{r:?}"
        );
    }
}

#[test]
fn grouping_by_case_removes_the_case_content_bias() {
    // Both "models" write in one style, but each case has its own vocabulary that both
    // chains of the case use: the only thing to learn is the case, not the model.
    let mut rng = SplitMix64::new(4);
    let shared = vocabulary(&mut rng, 100, b"abcdefghijklmnopqrstuvwxyz");
    let mut a = Vec::new();
    let mut b = Vec::new();
    let cases: Vec<String> = (0..30).map(|i| format!("case-{i}")).collect();
    for _ in &cases {
        let mut topic = vocabulary(&mut rng, 40, b"abcdefghijklmnopqrstuvwxyz");
        topic.extend(shared.iter().cloned());
        a.push(chain(&mut rng, &topic, (5, 10), (5, 12)));
        b.push(chain(&mut rng, &topic, (5, 10), (5, 12)));
    }
    let config = LeakageConfig::default();
    let sets = [FeatureSet::Lexical];
    let ungrouped = leakage_auc_with(&refs(&a), &refs(&b), &sets, &config).unwrap()[0];
    let grouped =
        leakage_auc_by_case(&docs(&a, &cases), &docs(&b, &cases), &sets, &config).unwrap()[0];
    // Ungrouped, the sibling chain in training pulls each test chain to the wrong side.
    assert!(ungrouped.auc < 0.2, "{ungrouped:?}");
    assert!((grouped.auc - 0.5).abs() < 0.2, "{grouped:?}");
}
