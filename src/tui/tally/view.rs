//! The tally screen's view: the per-model table, bar charts of step error and error-mode
//! rates with their intervals, and the "answer accuracy vs step error" contrast. Draws
//! `&TallyScreen` only. Must not: show per-model figures of a blinded study (the tally has
//! none).

use super::TallyScreen;
use crate::tally::render_more::format_p;
use crate::tally::result::{GroupTally, Metric};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// The smallest terminal the screen draws in.
pub const MIN_SIZE: (u16, u16) = (60, 16);

impl TallyScreen {
    fn style(&self, slot: usize) -> Style {
        if self.no_color {
            Style::default()
        } else {
            Style::default().fg([Color::Cyan, Color::Magenta][slot.min(1)])
        }
    }

    fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

/// A bar of `width` cells: filled to the estimate, `[` and `]` at the interval ends.
pub fn bar(m: &Metric, lo: Option<f64>, hi: Option<f64>, width: usize) -> String {
    let Some(est) = m.estimate else {
        return format!("{:width$}", "n/a");
    };
    let cell =
        |x: f64| ((x.clamp(0.0, 1.0) * width as f64).round() as usize).min(width.saturating_sub(1));
    let fill = (est.clamp(0.0, 1.0) * width as f64).round() as usize;
    let mut cells: Vec<char> = (0..width)
        .map(|i| if i < fill { '█' } else { '·' })
        .collect();
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if let Some(c) = cells.get_mut(cell(lo)) {
            *c = '[';
        }
        if let Some(c) = cells.get_mut(cell(hi)) {
            *c = ']';
        }
    }
    cells.into_iter().collect()
}

fn pct(m: &Metric) -> String {
    m.estimate
        .map_or("n/a".into(), |e| format!("{:5.1}%", 100.0 * e))
}

fn ci(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!("[{:.1}, {:.1}]", 100.0 * lo, 100.0 * hi),
        _ => String::new(),
    }
}

impl TallyScreen {
    fn bar_line(
        &self,
        label: &str,
        slot: usize,
        m: &Metric,
        lo: Option<f64>,
        hi: Option<f64>,
        width: usize,
    ) -> Line<'static> {
        Line::from(vec![
            Span::raw(format!("{label:<16}")),
            Span::styled(format!("{} ", ["A", "B"][slot]), self.style(slot)),
            Span::styled(bar(m, lo, hi, width), self.style(slot)),
            Span::raw(match m.cluster {
                Some(c) => format!(
                    " {} Wilson {} cluster {}",
                    pct(m),
                    ci(lo, hi),
                    ci(Some(c.lo), Some(c.hi))
                ),
                None if m.estimate.is_some() => format!(" {} Wilson {}", pct(m), ci(lo, hi)),
                None => String::new(),
            }),
        ])
    }

    fn group_lines(&self, g: &GroupTally, width: usize) -> Vec<Line<'static>> {
        let t = &self.tally;
        // label 16 + slot 2 + bar + the longest figures (" 100.0% Wilson [100.0, 100.0] cluster
        // [100.0, 100.0]", 52) fit the width.
        let bar_w = width.saturating_sub(70).clamp(8, 60);
        let mut lines = vec![Line::styled(
            "Answer accuracy, step error and red flags",
            self.bold(),
        )];
        for (i, m) in g.models.iter().enumerate() {
            lines.push(self.bar_line(
                "answer correct",
                i,
                &m.answer_correct,
                m.answer_correct.lo,
                m.answer_correct.hi,
                bar_w,
            ));
        }
        for (i, m) in g.models.iter().enumerate() {
            lines.push(self.bar_line(
                "step error",
                i,
                &m.step_error,
                m.step_error.lo,
                m.step_error.hi,
                bar_w,
            ));
        }
        // Red flags with their intervals labelled as the CLI labels them (Wilson over
        // reviewer judgements, cluster bootstrap over items); the table below keeps the counts.
        type Pick = fn(&crate::tally::result::ModelTally) -> &Metric;
        let flags: [(&str, Pick); 2] = [
            ("red flags seen", |m| &m.red_flag_recognition),
            ("red flags acted", |m| &m.red_flag_action),
        ];
        for (label, metric) in flags {
            for (i, m) in g.models.iter().enumerate() {
                let m = metric(m);
                if m.n > 0 {
                    lines.push(self.bar_line(label, i, m, m.lo, m.hi, bar_w));
                }
            }
        }
        if let Some(c) = t.contrast.as_ref().filter(|_| g.by == "all") {
            let p = |v: Option<f64>| v.map_or("n/a".into(), format_p);
            lines.push(Line::raw(match &c.hidden_by_answers {
                Some(m) if c.supported => format!(
                    "→ {m}: better answers, worse steps (p {} and {}): accuracy hides its reasoning errors.",
                    p(c.answer_p),
                    p(c.step_p)
                ),
                Some(m) => format!(
                    "→ {m}: higher accuracy and higher step error, not significant at α = {} (p {} and {})",
                    t.alpha,
                    p(c.answer_p),
                    p(c.step_p)
                ),
                None => "→ no model has both the better answers and the worse steps".into(),
            }));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Chains with each error mode (tie rule {}), 95% Wilson",
                t.plan.ties
            ),
            self.bold(),
        ));
        for k in 0..g.models[0].modes.len() {
            for (i, m) in g.models.iter().enumerate() {
                if let Some(mode) = m.modes.get(k) {
                    let label = if i == 0 {
                        mode.mode.to_string()
                    } else {
                        String::new()
                    };
                    lines.push(self.bar_line(
                        &label,
                        i,
                        &mode.chains,
                        mode.chains.lo,
                        mode.chains.hi,
                        bar_w,
                    ));
                }
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{:<32}{:<26}{}", "per model", "A", "B"),
            self.bold(),
        ));
        let [a, b] = &g.models;
        let row = |label: &str, x: String, y: String| Line::raw(format!("{label:<32}{x:<26}{y}"));
        let full = |m: &Metric| format!("{} {}", pct(m).trim(), format_args!("({}/{})", m.k, m.n));
        lines.push(row(
            "MCQ accuracy",
            full(&a.mcq_accuracy),
            full(&b.mcq_accuracy),
        ));
        lines.push(row(
            "top-5 inclusion",
            full(&a.top5_inclusion),
            full(&b.top5_inclusion),
        ));
        lines.push(row(
            "answer correct (auto vs gold)",
            full(&a.auto_answer_correct),
            full(&b.auto_answer_correct),
        ));
        lines.push(row(
            "step error (judged steps)",
            full(&a.step_error),
            full(&b.step_error),
        ));
        lines.push(row(
            "red-flag recognition",
            full(&a.red_flag_recognition),
            full(&b.red_flag_recognition),
        ));
        lines.push(row(
            "red flags acted on",
            full(&a.red_flag_action),
            full(&b.red_flag_action),
        ));
        lines.push(row(
            "right answer, wrong reasoning",
            full(&a.right_answer_wrong_reasoning),
            full(&b.right_answer_wrong_reasoning),
        ));
        let sev = |m: &crate::tally::result::ModelTally| {
            format!(
                "{}/{}/{}/{}",
                m.severity.minor, m.severity.major, m.severity.harmful, m.severity.unspecified
            )
        };
        lines.push(row("severity minor/major/harmful/–", sev(a), sev(b)));
        lines.push(row(
            "bad-split flags",
            full(&a.bad_split),
            full(&b.bad_split),
        ));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Paired, exact McNemar (modes Holm-adjusted), α = {}",
                t.alpha
            ),
            self.bold(),
        ));
        for p in &g.paired {
            let p_shown = p.p_holm.unwrap_or(p.p_value);
            lines.push(Line::raw(format!(
                "{:<16}pairs {:<5} A only {:<4} B only {:<4} p{} {}{}",
                p.metric,
                p.pairs,
                p.a_only,
                p.b_only,
                if p.p_holm.is_some() { "(Holm)" } else { "" },
                if p.a_only + p.b_only == 0 {
                    "n/a (no discordant pairs)".to_string()
                } else {
                    format_p(p_shown)
                },
                if p.significant { "  significant" } else { "" }
            )));
        }
        for p in &g.paired_measures {
            lines.push(Line::raw(format!(
                "{:<24}pairs {:<5} mean A−B {:+.3}  p {} (permutation){}",
                p.metric,
                p.pairs,
                p.mean_difference,
                if p.nonzero == 0 {
                    "n/a (no item differs)".to_string()
                } else {
                    format_p(p.p_value)
                },
                if p.significant { "  significant" } else { "" }
            )));
        }
        lines
    }

    fn common_lines(&self) -> Vec<Line<'static>> {
        let t = &self.tally;
        let a = &t.agreement;
        let num = |v: Option<f64>, k: &str| match (v, a.why_na.get(k)) {
            (Some(x), _) => format!("{x:.3}"),
            (None, Some(w)) => format!("n/a ({w})"),
            (None, None) => "n/a".into(),
        };
        let mut lines = vec![
            Line::raw(""),
            Line::styled("Agreement on step labels", self.bold()),
            Line::raw(format!(
                "units {}  percent {}  Cohen κ {}  Fleiss κ {}  Krippendorff α {} {}",
                a.pairable_units,
                a.percent
                    .map_or("n/a".into(), |p| format!("{:.1}%", 100.0 * p)),
                num(a.cohen.map(|k| k.value), "cohen"),
                num(a.fleiss.map(|k| k.value), "fleiss"),
                num(a.krippendorff, "krippendorff"),
                a.krippendorff_ci.map_or(String::new(), |c| format!(
                    "[{:.3}, {:.3}] (items)",
                    c.lo, c.hi
                )),
            )),
        ];
        for p in a.pairwise.iter().filter(|_| a.pairwise.len() > 1) {
            lines.push(Line::raw(format!(
                "  κ {} & {}: {} (n {})",
                p.a,
                p.b,
                p.kappa.map_or_else(
                    || format!("n/a ({})", p.why_na.clone().unwrap_or_default()),
                    |k| format!("{k:.3}")
                ),
                p.units
            )));
        }
        if !t.blinding.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Blinding: student side guessed right",
                self.bold(),
            ));
            for b in &t.blinding {
                lines.push(Line::raw(format!(
                    "{:<16}{}  p {}{}",
                    b.reviewer,
                    b.correct.labelled(),
                    b.p_value.map_or("n/a (no guesses)".into(), format_p),
                    b.p_cluster
                        .map_or(String::new(), |p| format!("  p (items) {}", format_p(p)))
                )));
            }
        }
        if !t.notes.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Notes", self.bold()));
            for n in &t.notes {
                lines.push(Line::raw(format!("- {n}")));
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("Progress", self.bold()));
        for p in &t.progress {
            lines.push(Line::raw(format!(
                "{:<16}items {}/{}  steps {}/{}",
                p.reviewer, p.items_done, p.items, p.steps_judged, p.steps_total
            )));
        }
        lines
    }

    /// Draw the screen. Never mutates.
    pub fn render(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
            let msg = format!(
                "The tally needs at least {}×{}; this terminal is {}×{}.",
                MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
            );
            frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
            return;
        }
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let t = &self.tally;
        let group = t.groups.get(self.group);
        let title = match (&t.models, group) {
            (Some(_), Some(g)) => vec![
                Line::styled(
                    format!(
                        "Tally · study {:?} · {} ({}/{})",
                        t.study,
                        if g.by == "all" {
                            "overall".to_string()
                        } else {
                            format!("{} = {}", g.by, g.group)
                        },
                        self.group + 1,
                        t.groups.len()
                    ),
                    self.bold(),
                ),
                Line::from(vec![
                    Span::styled(format!("A = {}", t.model_name(0)), self.style(0)),
                    Span::raw("   "),
                    Span::styled(format!("B = {}", t.model_name(1)), self.style(1)),
                    Span::raw(format!("   items {}", g.items)),
                ]),
            ],
            _ => vec![
                Line::styled(
                    format!("Tally · study {:?} · blinded", t.study),
                    self.bold(),
                ),
                Line::raw("Per-model figures appear after `blindstep study unblind`."),
            ],
        };
        frame.render_widget(Paragraph::new(title), head);
        let mut lines = group
            .map(|g| self.group_lines(g, body.width as usize))
            .unwrap_or_default();
        lines.extend(self.common_lines());
        let block = Block::default().borders(Borders::TOP);
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            body,
        );
        let keys = "←/→ group · j/k scroll · q quit";
        frame.render_widget(
            Paragraph::new(Line::styled(
                keys,
                Style::default().add_modifier(Modifier::DIM),
            )),
            foot,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_to_the_estimate_and_mark_the_interval() {
        let m = Metric::wilson(5, 10);
        assert_eq!(bar(&m, Some(0.2), Some(0.8), 10), "██[██···]·");
        assert_eq!(bar(&Metric::wilson(0, 0), None, None, 5), "n/a  ");
    }
}
