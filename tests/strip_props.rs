//! Property tests for the stripper: never panics on arbitrary Unicode,
//! idempotent, spans on char boundaries, in order and without overlap, and
//! non-empty reasoning gives at least one step.

use blindstep::domain::{Chain, RawField};
use blindstep::strip::{self, AnswerHint};
use proptest::prelude::*;

/// Text that looks like model output: words, clinical tokens, markup, fillers
/// and odd Unicode mixed.
fn outputish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Okay, ".to_string()),
        Just("so ".to_string()),
        Just("Hmm... ".to_string()),
        Just("Wait, ".to_string()),
        Just("I think ".to_string()),
        Just("let's ".to_string()),
        Just("isn't ".to_string()),
        Just("**".to_string()),
        Just("### ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("<step 2> ".to_string()),
        Just("<think>".to_string()),
        Just("</think>".to_string()),
        Just("Hb 7.2 g/dL. ".to_string()),
        Just("2.5 mg b.i.d. vs. q6h ".to_string()),
        Just("no fever ".to_string()),
        Just("“quoted” ".to_string()),
        Just("— ".to_string()),
        Just("! ".to_string()),
        Just("😊 ".to_string()),
        Just("The answer is B. ".to_string()),
        Just("Answer: C\n".to_string()),
        "[a-zA-Z]{1,8} ",
        "[.,;:?!()\"'*_#>` -]",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn check_spans(chain: &Chain, output: &str, reasoning: Option<&str>) -> Result<(), TestCaseError> {
    let mut last_end = [0usize; 2];
    for s in &chain.steps {
        prop_assert!(!s.spans.is_empty());
        for sp in s.spans.iter().chain(&s.duplicates) {
            let raw = match sp.field {
                RawField::Output => output,
                RawField::Reasoning => reasoning.unwrap_or_default(),
            };
            prop_assert!(sp.start < sp.end && sp.end <= raw.len());
            prop_assert!(raw.is_char_boundary(sp.start) && raw.is_char_boundary(sp.end));
        }
        for sp in &s.spans {
            let k = usize::from(sp.field == RawField::Reasoning);
            prop_assert!(last_end[k] <= sp.start, "spans out of order or overlapping");
            last_end[k] = sp.end;
        }
    }
    // Duplicates never overlap the kept spans.
    let mut all: Vec<_> = chain
        .steps
        .iter()
        .flat_map(|s| s.spans.iter().chain(&s.duplicates))
        .collect();
    all.sort();
    for w in all.windows(2) {
        prop_assert!(
            w[0].field != w[1].field || w[0].end <= w[1].start,
            "overlap {:?}",
            w
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn never_panics_and_spans_are_valid(out in outputish(), reasoning in proptest::option::of(outputish())) {
        let chain = strip::strip_run(&out, reasoning.as_deref(), AnswerHint::Any);
        check_spans(&chain, &out, reasoning.as_deref())?;
        let chain = strip::strip_run(&out, reasoning.as_deref(), AnswerHint::Differential);
        check_spans(&chain, &out, reasoning.as_deref())?;
        for (i, s) in chain.steps.iter().enumerate() {
            prop_assert_eq!(s.index, i);
            prop_assert!(!s.text.is_empty());
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in any::<String>()) {
        let chain = strip::strip_run(&s, Some(&s), AnswerHint::Any);
        check_spans(&chain, &s, Some(&s))?;
        let _ = strip::strip_text(&s);
    }

    #[test]
    fn strip_text_is_idempotent(s in outputish()) {
        let once = strip::strip_text(&s);
        prop_assert_eq!(strip::strip_text(&once), once.clone());
        prop_assert!(strip::find_markers(&once).is_empty(), "markers left in {:?}", once);
    }

    #[test]
    fn steps_are_fixpoints(out in outputish()) {
        let chain = strip::strip_run(&out, None, AnswerHint::Any);
        for (i, s) in chain.steps.iter().enumerate() {
            // A cut-off chain's last sentence gets no invented full stop.
            if chain.truncated && i + 1 == chain.steps.len() {
                continue;
            }
            prop_assert_eq!(strip::strip_text(&s.text), s.text.clone());
        }
    }

    #[test]
    fn non_empty_reasoning_gives_a_step(r in outputish()) {
        // The reasoning field is all chain (the output only answers).
        let chain = strip::strip_run("B", Some(&r), AnswerHint::Any);
        if !strip::strip_text(&r).is_empty() {
            prop_assert!(!chain.steps.is_empty(), "no step from {:?}", r);
        }
    }
}
