//! `blindstep adjudicate --study S --reviewer NAME`: settle the items on which reviewers
//! disagree, blind, as someone who reviewed none of them. Opens the adjudication screen;
//! `--list` prints the queue instead and `--decide` records decisions without a terminal.

use super::Global;
use crate::domain::{ItemId, Side};
use crate::tally::Outcome;
use crate::tui::adjudicate::{AdjudicateScreen, Reply};
use crate::workflow::adjudicate::{AdjudicationItem, adjudication_queue, decide, decide_shown};
use anyhow::{Context, bail};
use clap::Args;
use ratatui::crossterm::event::{self, Event};

#[derive(Debug, Args)]
pub struct AdjudicateArgs {
    #[arg(long)]
    pub study: String,
    /// The adjudicator (a third reviewer or the coordinator; never one of the item's reviewers).
    #[arg(long)]
    pub reviewer: String,
    /// Print the queue (blind) instead of opening the screen.
    #[arg(long)]
    pub list: bool,
    /// Record a decision: `ITEM:SIDE:OUTCOME:yes|no`, e.g. `3:left:answer_correct:yes` or
    /// `3:right:acted_on:0:no` (ITEM is the number `--list` shows; OUTCOME is answer_correct,
    /// chain_error, mode:<mode>, red_flag:<n> (recognised) or acted_on:<n>; repeatable).
    #[arg(long)]
    pub decide: Vec<String>,
}

fn print_queue(queue: &[AdjudicationItem]) {
    if queue.is_empty() {
        println!("nothing to adjudicate: no disputed item that you did not review");
    }
    for (n, item) in queue.iter().enumerate() {
        println!("item {} ({}): {}", n + 1, item.item, item.title);
        for d in &item.disputes {
            let votes: Vec<String> = d
                .votes
                .iter()
                .map(|(r, v)| format!("reviewer {r}: {}", if *v { "yes" } else { "no" }))
                .collect();
            println!(
                "  {:<5} {:<22} {}  [{}]",
                d.side.as_str(),
                d.outcome,
                votes.join(" / "),
                d.decided.map_or("open".into(), |v| format!(
                    "adjudicated {}",
                    if v { "yes" } else { "no" }
                ))
            );
        }
    }
}

fn parse_decision(
    s: &str,
    queue: &[AdjudicationItem],
) -> anyhow::Result<(ItemId, Side, Outcome, bool)> {
    let parts: Vec<&str> = s.splitn(4, ':').collect();
    let [n, side, rest @ ..] = parts.as_slice() else {
        bail!("--decide {s:?}: expected ITEM:SIDE:OUTCOME:yes|no");
    };
    let joined = rest.join(":");
    let Some((outcome, value)) = joined.rsplit_once(':') else {
        bail!("--decide {s:?}: expected ITEM:SIDE:OUTCOME:yes|no");
    };
    let n: usize = n
        .parse()
        .with_context(|| format!("--decide {s:?}: item number"))?;
    let item = queue
        .get(n.wrapping_sub(1))
        .with_context(|| format!("--decide {s:?}: the queue has {} item(s)", queue.len()))?;
    let side: Side = side
        .parse()
        .map_err(|e| anyhow::anyhow!("--decide {s:?}: {e}"))?;
    let outcome: Outcome = outcome
        .parse()
        .map_err(|e: String| anyhow::anyhow!("--decide {s:?}: {e}"))?;
    if !item
        .disputes
        .iter()
        .any(|d| d.side == side && d.outcome == outcome.to_string())
    {
        bail!("--decide {s:?}: item {n} has no dispute on {outcome} of the {side} chain");
    }
    let value = match value {
        "yes" | "y" | "1" | "true" => true,
        "no" | "n" | "0" | "false" => false,
        other => bail!("--decide {s:?}: value {other:?} is not yes or no"),
    };
    Ok((item.item, side, outcome, value))
}

pub fn run(args: AdjudicateArgs, global: &Global) -> anyhow::Result<()> {
    let mut store = global.open_store()?;
    let who = args.reviewer.trim().to_string();
    let queue = adjudication_queue(&store, &args.study, &who)?;
    if !args.decide.is_empty() {
        for d in &args.decide {
            let (item, side, outcome, value) = parse_decision(d, &queue)?;
            decide(&mut store, &args.study, &who, item, side, outcome, value)?;
            println!("recorded {d}");
        }
        return Ok(());
    }
    if args.list {
        print_queue(&queue);
        return Ok(());
    }
    let mut screen = AdjudicateScreen::new(queue);
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let result = (|| -> anyhow::Result<()> {
        loop {
            terminal
                .draw(|f| screen.render(f))
                .context("drawing the adjudication screen")?;
            let Event::Key(key) = event::read().context("reading a key")? else {
                continue;
            };
            match screen.handle(key) {
                Reply::Quit => return Ok(()),
                Reply::None => {}
                Reply::Decide(d) => {
                    let Some((item, dispute)) = screen
                        .queue
                        .get(d.item)
                        .and_then(|i| Some((i, i.disputes.get(d.dispute)?)))
                    else {
                        continue;
                    };
                    match decide_shown(&mut store, &args.study, &who, item, dispute, d.value) {
                        Ok(()) => screen.recorded(d),
                        Err(e) => screen.status = format!("not recorded: {e:#}"),
                    }
                }
            }
        }
    })();
    ratatui::restore();
    result
}
