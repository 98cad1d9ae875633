//! `blindstep tally --methods`: one paragraph a paper can cite, built from the tally's own
//! settings (tie rule, α and where it came from, primary outcomes, bootstrap replicates and
//! seed, stripper versions, software version). Snapshot-tested.
//!
//! Must not: name a model (the paragraph describes the design, not the result).

use super::measures::CALIBRATION_BINS;
use super::result::Tally;
use crate::stats::MONTE_CARLO_DRAWS;

/// The methods paragraph, wrapped at no fixed width (one paragraph, then the plan's changes).
pub fn render_methods(t: &Tally) -> String {
    let m = &t.method;
    let strippers = if m.stripper_versions.is_empty() {
        "the blindstep stripper".to_string()
    } else {
        format!(
            "the blindstep stripper (version {})",
            m.stripper_versions.join(", ")
        )
    };
    let level = 100.0 * m.level;
    let mut s = format!(
        "Methods. Each model's reasoning was split into steps by {strippers}, and reviewers \
judged every step as sound, neutral or an error (with severity and error-mode tags) without \
knowing which model wrote which chain; sides were randomised per reviewer. The study had {items} \
items (one case with one chain from each of the two models) and {reviewers} reviewer(s). The \
step error rate is the number of steps labelled error divided by the number of judged steps \
(sound, neutral or error), pooled over reviewers; abstained and unmarked steps are excluded. \
Red-flag recognition is the share of the case's red flags that reviewers marked as recognised \
(the chain saw the finding) and red-flag action the share marked as acted on (the chain took or \
proposed the expected action), each pooled over reviewers. The unit of analysis for answer- and \
chain-level outcomes (answer correct, chain with an error, each error mode, each red flag \
recognised, each red flag acted on) is the item; where reviewers disagreed, the rule \
fixed at study creation applied ({rule}: {rule_text}) unless an adjudicator who had not reviewed \
the item settled the outcome blind. Rates are given with {level:.0}% Wilson score intervals; \
step- and reviewer-level rates (step error, error-mode step rates, bad splits, red-flag \
recognition and action, blinding guesses) also carry percentile cluster-bootstrap intervals resampling \
items ({reps} replicates, seed {seed}), and Krippendorff's α (nominal) is bootstrapped over \
items in the same way. Paired comparisons of the two models on the same items use exact \
McNemar tests for binary outcomes (answer correct, chain with an error, gold diagnosis ranked \
first, each error mode) and two-sided sign-flip permutation tests for per-item measures (step \
error rate, reciprocal rank of the gold diagnosis, share of must-not-miss diagnoses in the top \
five, priority inversions), exact when at most 20 items differ and otherwise {mc} Monte Carlo \
draws; the four error-mode tests form one Holm family. The significance level is α = {alpha} \
({alpha_source}); primary outcomes: {primary}; all other comparisons are secondary. Agreement \
is reported as percent agreement, Cohen's κ for every reviewer pair, Fleiss' κ over the steps \
rated by the most common number of reviewers, and Krippendorff's α, on step labels, on each \
error-mode tag and on severity. Whether reviewers could identify the student model is tested \
per reviewer with an exact binomial test against 50% and overall with an item-clustered \
sign-flip test. Style control fits logistic models of step error on model alone and on model \
plus step length, chain length, position in the chain and truncation, and of side preference \
(ties excluded) on A − B style differences, with item-clustered robust standard errors. \
Calibration of option probabilities is summarised by the expected calibration error over \
{bins} equal-width bins and the Brier score of the most probable option. Computed with {software}.",
        items = m.items,
        reviewers = m.reviewers,
        rule = t.plan.ties,
        rule_text = t.plan.ties.describe(),
        reps = m.replicates,
        seed = m.seed,
        mc = MONTE_CARLO_DRAWS,
        alpha = t.alpha,
        alpha_source = t.alpha_source,
        primary = t.plan.primary.join(", "),
        bins = CALIBRATION_BINS,
        software = m.software,
    );
    if t.plan_history.is_empty() {
        s.push_str(
            " No analysis plan was recorded when this study was created, so the defaults above apply.",
        );
    }
    let late: Vec<String> = t
        .plan_history
        .iter()
        .skip(1)
        .filter(|r| r.after_unblinding)
        .map(|r| {
            format!(
                "{} by {} (ties {}, α {}, primary {}{})",
                r.created_at,
                r.actor,
                r.plan.ties,
                r.plan.alpha,
                r.plan.primary.join(", "),
                r.reason
                    .as_ref()
                    .map_or(String::new(), |w| format!("; reason: {w}"))
            )
        })
        .collect();
    if !late.is_empty() {
        s.push_str(&format!(
            " The analysis plan was changed after unblinding: {}.",
            late.join("; ")
        ));
    }
    s.push('\n');
    s
}
