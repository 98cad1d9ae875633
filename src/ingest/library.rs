//! Checks over a whole case library rather than one file: names that collide
//! across cases, presentation variants that name a missing case, the MCQ
//! answer cues of `cases check --lint`, and the counts per cell and stage.

use super::loaded::LoadedCase;
use super::problem::Problem;
use crate::domain::{Case, Incidence, Specialty, Stage, Task};
use std::collections::{BTreeMap, HashMap};

/// Aliases that are another case's id, or that two cases both claim.
pub fn name_problems(cases: &[LoadedCase]) -> Vec<Problem> {
    let ids: HashMap<&str, &LoadedCase> = cases.iter().map(|c| (c.case.id.as_str(), c)).collect();
    let mut claimed: HashMap<&str, &LoadedCase> = HashMap::new();
    let mut out = Vec::new();
    for lc in cases {
        for (i, a) in lc.case.aliases.iter().enumerate() {
            let field = format!("aliases[{i}]");
            if let Some(other) = ids.get(a.as_str()) {
                out.push(problem(
                    lc,
                    &field,
                    format!(
                        "{a:?} is the id of another case ({}:{})",
                        other.file.display(),
                        other.line
                    ),
                ));
            } else if let Some(other) = claimed.insert(a, lc) {
                out.push(problem(
                    lc,
                    &field,
                    format!(
                        "{a:?} is also an alias of {:?} ({}:{})",
                        other.case.id.as_str(),
                        other.file.display(),
                        other.line
                    ),
                ));
            }
        }
    }
    out
}

/// Presentation variants must name an investigated case of the same set
/// (by id or alias), of the same specialty.
pub fn variant_problems(cases: &[LoadedCase]) -> Vec<Problem> {
    let mut out = Vec::new();
    for lc in cases {
        let Some(target) = &lc.case.variant_of else {
            continue;
        };
        match cases.iter().find(|c| c.case.is_named(target.as_str())) {
            None => out.push(problem(
                lc,
                "variant_of",
                format!("no case {:?} among the cases checked", target.as_str()),
            )),
            Some(t) if t.case.stage != Stage::Investigated => out.push(problem(
                lc,
                "variant_of",
                format!("{:?} is itself a presentation variant", target.as_str()),
            )),
            Some(t) if t.case.specialty != lc.case.specialty => out.push(problem(
                lc,
                "variant_of",
                format!(
                    "{:?} is a {} case, this one {}",
                    target.as_str(),
                    t.case.specialty,
                    lc.case.specialty
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

fn problem(lc: &LoadedCase, field: &str, message: String) -> Problem {
    Problem {
        file: lc.file.clone(),
        line: lc.line,
        field: field.to_string(),
        message,
    }
}

/// The most a library may lean on one answer cue (share of its MCQs).
pub const CUE_LIMIT: f64 = 0.30;

/// Answer cues over a library's MCQs: a model that picks "the longest option"
/// or "the one with a parenthetical" should not beat chance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct McqCues {
    pub mcqs: usize,
    /// MCQs whose gold option is strictly the longest.
    pub gold_longest: Vec<String>,
    /// MCQs with exactly one option that has a parenthetical.
    pub one_parenthetical: usize,
    /// ... where that option is the gold one.
    pub gold_sole_parenthetical: Vec<String>,
}

impl McqCues {
    pub fn of<'a>(cases: impl IntoIterator<Item = &'a Case>) -> McqCues {
        let mut cues = McqCues::default();
        for c in cases {
            let Task::Mcq { options, answer } = &c.task else {
                continue;
            };
            let Some(gold) = options.get(answer) else {
                continue;
            };
            cues.mcqs += 1;
            let len = |s: &str| s.chars().count();
            if options
                .iter()
                .all(|(k, v)| k == answer || len(v) < len(gold))
            {
                cues.gold_longest.push(c.id.to_string());
            }
            let with_paren: Vec<&String> = options
                .iter()
                .filter(|(_, v)| v.contains('('))
                .map(|(k, _)| k)
                .collect();
            if with_paren.len() == 1 {
                cues.one_parenthetical += 1;
                if with_paren[0] == answer {
                    cues.gold_sole_parenthetical.push(c.id.to_string());
                }
            }
        }
        cues
    }

    pub fn longest_share(&self) -> f64 {
        share(self.gold_longest.len(), self.mcqs)
    }

    pub fn parenthetical_share(&self) -> f64 {
        share(self.gold_sole_parenthetical.len(), self.one_parenthetical)
    }

    /// Each cue within [`CUE_LIMIT`].
    pub fn passes(&self) -> bool {
        self.longest_share() <= CUE_LIMIT && self.parenthetical_share() <= CUE_LIMIT
    }

    /// The report `cases check --lint` prints.
    pub fn report(&self) -> String {
        let pct = |x: f64| format!("{:.1} %", 100.0 * x);
        let verdict = |x: f64| if x <= CUE_LIMIT { "ok" } else { "FAIL" };
        let list = |ids: &[String]| {
            if ids.is_empty() {
                String::new()
            } else {
                format!(": {}", ids.join(", "))
            }
        };
        format!(
            "lint: {} MCQ(s)\n\
             lint: gold option is the longest in {} ({}, limit {}) {}{}\n\
             lint: {} MCQ(s) have exactly one option with a parenthetical; it is the gold in {} ({}, limit {}) {}{}",
            self.mcqs,
            self.gold_longest.len(),
            pct(self.longest_share()),
            pct(CUE_LIMIT),
            verdict(self.longest_share()),
            list(&self.gold_longest),
            self.one_parenthetical,
            self.gold_sole_parenthetical.len(),
            pct(self.parenthetical_share()),
            pct(CUE_LIMIT),
            verdict(self.parenthetical_share()),
            list(&self.gold_sole_parenthetical),
        )
    }
}

fn share(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

/// Demo cases (`demo-*`) are the walkthrough's, not the library's.
pub fn is_demo(case: &Case) -> bool {
    case.id.as_str().starts_with("demo-")
}

/// The library's counts: specialty × incidence over investigated non-demo
/// cases (presentation variants are counted apart), and cases per stage.
pub fn counts_report<'a>(cases: impl IntoIterator<Item = &'a Case>) -> String {
    let mut cells: BTreeMap<(Specialty, Option<Incidence>), usize> = BTreeMap::new();
    let mut stages: BTreeMap<Stage, usize> = BTreeMap::new();
    let mut tasks: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut demo = 0;
    for c in cases {
        if is_demo(c) {
            demo += 1;
            continue;
        }
        *stages.entry(c.stage).or_default() += 1;
        if c.stage == Stage::Investigated {
            *cells.entry((c.specialty, c.incidence)).or_default() += 1;
            *tasks.entry(c.task.kind().as_str()).or_default() += 1;
        }
    }
    let tiers: [(Option<Incidence>, &str); 3] = [
        (Some(Incidence::Frequent), "frequent"),
        (Some(Incidence::LessFrequent), "less_frequent"),
        (Some(Incidence::Rare), "rare"),
    ];
    let mut s = String::from(
        "| specialty | frequent | less_frequent | rare | total |\n|---|---|---|---|---|\n",
    );
    let mut col = [0usize; 3];
    let mut min_cell = usize::MAX;
    for sp in Specialty::ALL {
        let row: Vec<usize> = tiers
            .iter()
            .map(|(t, _)| cells.get(&(*sp, *t)).copied().unwrap_or(0))
            .collect();
        let total: usize = row.iter().sum();
        if total == 0 && *sp == Specialty::Other {
            continue;
        }
        for (i, n) in row.iter().enumerate() {
            col[i] += n;
            min_cell = min_cell.min(*n);
        }
        s.push_str(&format!(
            "| {sp} | {} | {} | {} | {total} |\n",
            row[0], row[1], row[2]
        ));
    }
    let unset: usize = cells
        .iter()
        .filter(|((_, t), _)| t.is_none())
        .map(|(_, n)| n)
        .sum();
    s.push_str(&format!(
        "| total | {} | {} | {} | {} |\n",
        col[0],
        col[1],
        col[2],
        col.iter().sum::<usize>() + unset
    ));
    s.push_str(&format!(
        "\ninvestigated cases (non-demo): {} ({} mcq, {} differential); smallest cell: {}; incidence unset: {unset}\n",
        stages.get(&Stage::Investigated).copied().unwrap_or(0),
        tasks.get("mcq").copied().unwrap_or(0),
        tasks.get("differential").copied().unwrap_or(0),
        if min_cell == usize::MAX { 0 } else { min_cell },
    ));
    s.push_str(&format!(
        "presentation variants: {}; demo cases: {demo}\n",
        stages.get(&Stage::Presentation).copied().unwrap_or(0)
    ));
    s
}
