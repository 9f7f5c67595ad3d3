//! `quire skills pick "TEXT"` (what a turn with that message would select,
//! with scores and why) and `quire skills eval FILE` (recall of labelled
//! messages). [`pick`] and [`eval`] take the loaded setup, the skills and
//! the parsed arguments.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use quire::skills::Skill;
use quire::skills::select::catalog::{self, Paths};
use quire::skills::select::learn::Learned;
use quire::skills::select::plan::{Overflow, Plan, Reason};
use quire::skills::select::semantic::rank;
use quire::skills::select::{SkillSet, cache, eval as skill_eval};
use serde_json::json;

use super::setup::Setup;
use super::skills_semantic;
use super::{EXIT_OK, EXIT_USAGE};

/// `quire skills pick`.
#[derive(Debug, Args)]
pub struct PickArgs {
    /// The user message to select for.
    pub text: String,
    /// The user's message before it (it counts less).
    #[arg(long, value_name = "TEXT")]
    pub previous: Option<String>,
    /// Show each term's part of the scores and the catalog as sent.
    #[arg(long)]
    pub explain: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Rank by words only, even with `[selection] embeddings` set.
    #[arg(long)]
    pub lexical: bool,
}

/// `quire skills eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A JSON file of cases: [{"message": "…", "expect": ["skill"], "reject": ["other"]}].
    pub file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when recall@5 is below this share (0 to 1), for CI.
    #[arg(long = "min-recall5", value_name = "SHARE", value_parser = share_arg)]
    pub min_recall5: Option<f64>,
    /// Exit 1 when the share of rejected skills that were selected is above this (0 to 1).
    #[arg(long = "max-wrong", value_name = "SHARE", value_parser = share_arg)]
    pub max_wrong: Option<f64>,
    /// Rank by words only, even with `[selection] embeddings` set.
    #[arg(long)]
    pub lexical: bool,
}

/// A share from 0 to 1.
fn share_arg(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "must be a number from 0 to 1 (0.9 means 90%), got \"{s}\""
        )),
    }
}

fn paths(setup: &Setup) -> Paths {
    Paths {
        workspace: Some(
            quire::agent::prompt::repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone()),
        ),
        home: std::env::var_os("HOME").map(PathBuf::from),
    }
}

/// `quire skills pick`.
pub fn pick(setup: &Setup, skills: Vec<Skill>, args: &PickArgs) -> i32 {
    let cfg = &setup.config.skills;
    let started = Instant::now();
    let cache_dir = cache::dir_in(&setup.home);
    let (set, stats) = SkillSet::build(skills, Some(&cache_dir));
    let built = started.elapsed();
    let learned = Learned::beside(&cache_dir);
    let mut plan = set.plan_learned(
        cfg,
        &args.text,
        args.previous.as_deref(),
        &HashSet::new(),
        &learned,
    );
    let semantic = (!args.lexical)
        .then(|| skills_semantic::ready(setup, &set.skills))
        .flatten();
    if let Some(s) = &semantic {
        rank::rerank_skills(
            s,
            &mut plan,
            &set.skills,
            cfg,
            &args.text,
            args.previous.as_deref(),
        );
    }
    let names = |v: &mut dyn Iterator<Item = usize>| -> Vec<String> {
        v.map(|i| set.skills[i].name.clone()).collect()
    };
    let active = names(&mut plan.activate.iter().map(|a| a.skill));
    let cat = catalog::render(&set.skills, &plan, &active, cfg, &paths(setup)).unwrap_or_default();
    if args.json {
        let ranked: Vec<_> = plan
            .ranked
            .iter()
            .map(|r| {
                let mut v = json!({"name": set.skills[r.skill].name, "score": r.score});
                if args.explain {
                    let parts = set.score_parts(&args.text, args.previous.as_deref(), &plan, r.skill);
                    v["terms"] = json!(parts.terms.iter().map(|c| json!({"term": c.term, "score": c.score, "from_new": c.from_new})).collect::<Vec<_>>());
                    v["words"] = json!(parts.words);
                    if let Some(b) = plan.learned.iter().find(|b| b.skill == r.skill) {
                        v["learned"] = json!({"score": b.score, "terms": b.terms});
                    }
                    v["name_boost"] = json!({"cover": parts.name_cover, "score": parts.name_boost});
                    v["coverage"] = json!({"share": parts.coverage, "factor": parts.coverage_factor});
                    let other = r.score - parts.total();
                    if other.abs() >= OTHER_MIN {
                        v["other"] = json!({"score": other, "why": other_why(semantic.is_some())});
                    }
                }
                v
            })
            .collect();
        let out = json!({
            "message": args.text,
            "previous": args.previous,
            "skills": set.skills.len(),
            "listable": plan.listable,
            "activated": plan.activate.iter().map(|a| json!({"name": set.skills[a.skill].name, "reason": a.reason, "tokens": a.tokens})).collect::<Vec<_>>(),
            "deferred": plan.deferred.iter().map(|d| json!({"name": set.skills[d.skill].name, "reason": d.reason, "overflow": d.overflow})).collect::<Vec<_>>(),
            "catalog": {"listed": names(&mut cat.listed.iter().copied()), "named": names(&mut cat.named.iter().copied()), "more": cat.more, "chars": cat.text.chars().count(), "text": cat.text},
            "ranked": ranked,
            "embeddings_model": semantic.as_ref().map(|s| s.model()),
        });
        println!("{out}");
        return EXIT_OK;
    }
    // Skill names, descriptions and the catalog come from skill files.
    crate::cli::terminal_print_clean(human(
        &set,
        &plan,
        &cat,
        args,
        cfg.catalog_chars,
        semantic.is_some(),
    ));
    println!("{}", skills_semantic::describe(semantic.as_ref()));
    if args.explain {
        println!(
            "\nindex: {} in {:.1} ms ({} from cache, {} tokenized)",
            quire::plural::counted(stats.docs, "skill"),
            built.as_secs_f64() * 1000.0,
            stats.from_cache,
            stats.tokenized
        );
    }
    EXIT_OK
}

fn human(
    set: &SkillSet,
    plan: &Plan,
    cat: &catalog::Catalog,
    args: &PickArgs,
    budget: usize,
    fused: bool,
) -> String {
    let name = |i: usize| set.skills[i].name.as_str();
    let why = |r: &Reason| match r {
        Reason::Explicit => "named in the message".to_string(),
        Reason::Auto { score, runner_up } => {
            format!("clear winner: score {score:.2}, next best {runner_up:.2}")
        }
    };
    let mut s = format!(
        "{} ({} the model may see)\n",
        quire::plural::counted(set.skills.len(), "skill"),
        plan.listable
    );
    if plan.activate.is_empty() {
        s.push_str("activated: none\n");
    }
    for a in &plan.activate {
        s.push_str(&format!(
            "activated: {} ({}; ~{} tokens)\n",
            name(a.skill),
            why(&a.reason),
            a.tokens
        ));
    }
    for d in &plan.deferred {
        let over = match d.overflow {
            Overflow::BodyTooLarge { tokens, limit } => {
                format!("body ~{tokens} tokens > skills.body_tokens {limit}")
            }
            Overflow::TurnBudget { tokens, limit } => {
                format!("~{tokens} more tokens would pass skills.turn_body_tokens {limit}")
            }
        };
        s.push_str(&format!(
            "listed instead of activated: {} ({}; {over})\n",
            name(d.skill),
            why(&d.reason)
        ));
    }
    for &i in &plan.not_user_invocable {
        s.push_str(&format!(
            "ignored mention: {} (user-invocable: false)\n",
            name(i)
        ));
    }
    for (word, i) in &plan.mistyped {
        s.push_str(&format!(
            "no skill {}; did you mean {}?\n",
            quire::printable::quoted_name(word),
            set.skills[*i].handle()
        ));
    }
    s.push_str(&format!(
        "catalog: {} listed{}, {} more, {} of {budget} characters\n",
        cat.listed.len(),
        if cat.named.is_empty() {
            String::new()
        } else {
            format!(", {} named", cat.named.len())
        },
        cat.more,
        cat.text.chars().count()
    ));
    let shown = plan.ranked.iter().filter(|r| r.score > 0.0).take(10);
    let mut header = false;
    for (n, r) in shown.enumerate() {
        if !header {
            s.push_str("\n  #   score  skill\n");
            header = true;
        }
        let mut marks = Vec::new();
        if plan.activate.iter().any(|a| a.skill == r.skill) {
            marks.push("activated");
        }
        if cat.listed.contains(&r.skill) {
            marks.push("in catalog");
        } else if cat.named.contains(&r.skill) {
            marks.push("named in catalog");
        }
        s.push_str(&format!(
            "{:>3} {:>7.2}  {}{}\n",
            n + 1,
            r.score,
            name(r.skill),
            if marks.is_empty() {
                String::new()
            } else {
                format!("  [{}]", marks.join(", "))
            }
        ));
        if args.explain {
            s.push_str(&explain_lines(set, plan, args, r, fused));
        }
    }
    if !header {
        s.push_str("\nno skill matches this message\n");
    }
    if args.explain {
        s.push_str(&format!("\ncatalog as sent:\n{}\n", cat.text));
    }
    s
}

/// A difference between a skill's score and its parts this small is
/// rounding.
const OTHER_MIN: f32 = 0.005;

/// What moves a score besides its parts: embeddings (fused scores), or a
/// follow-up's new subject put first.
fn other_why(fused: bool) -> &'static str {
    if fused {
        "fused with the embeddings' ranking"
    } else {
        "put first as the follow-up's new subject"
    }
}

/// The parts of `r`'s score, indented under its line: the words' terms,
/// learned terms, the name boost, anything else; they add up to the score.
fn explain_lines(
    set: &SkillSet,
    plan: &Plan,
    args: &PickArgs,
    r: &quire::skills::select::Ranked,
    fused: bool,
) -> String {
    let parts = set.score_parts(&args.text, args.previous.as_deref(), plan, r.skill);
    let terms: Vec<String> = parts
        .terms
        .iter()
        .map(|c| {
            let from = if c.from_new { "" } else { " (previous)" };
            format!("{} {:.2}{from}", c.term, c.score)
        })
        .collect();
    let mut s = format!(
        "              words {:.2}: {}\n",
        parts.words,
        terms.join(" · ")
    );
    if let Some(b) = plan.learned.iter().find(|b| b.skill == r.skill) {
        let terms: Vec<&str> = b.terms.iter().map(|t| t.term.as_str()).collect();
        s.push_str(&format!(
            "              learned from earlier sessions: +{:.2} ({})\n",
            b.score,
            terms.join(", ")
        ));
    }
    if parts.name_boost > 0.0 {
        s.push_str(&format!(
            "              name {:.0}% in the message: +{:.2} (x{:.2})\n",
            parts.name_cover * 100.0,
            parts.name_boost,
            1.0 + parts.name_boost / (parts.words + parts.learned).max(f32::MIN_POSITIVE)
        ));
    }
    if parts.coverage_factor < 1.0 {
        s.push_str(&format!(
            "              holds {:.0}% of the message's words: x{:.2}\n",
            parts.coverage * 100.0,
            parts.coverage_factor
        ));
    }
    let other = r.score - parts.total();
    if other.abs() >= OTHER_MIN {
        s.push_str(&format!(
            "              {}: {other:+.2}\n",
            other_why(fused)
        ));
    }
    s
}

/// `quire skills eval`.
pub fn eval(setup: &Setup, skills: Vec<Skill>, args: &EvalArgs) -> i32 {
    let text = match quire::file_kind::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let cases = match skill_eval::parse(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let (set, _) = SkillSet::build(skills, Some(&cache::dir_in(&setup.home)));
    let cfg = &setup.config.skills;
    let semantic = (!args.lexical)
        .then(|| skills_semantic::ready(setup, &set.skills))
        .flatten();
    let report = skill_eval::evaluate_plans(&set, &cases, |c| {
        let mut plan = set.plan(cfg, &c.message, c.previous.as_deref(), &HashSet::new());
        if let Some(s) = &semantic {
            rank::rerank_skills(
                s,
                &mut plan,
                &set.skills,
                cfg,
                &c.message,
                c.previous.as_deref(),
            );
        }
        plan
    });
    if args.json {
        match serde_json::to_string(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: cannot write the report: {e}");
                return super::EXIT_FAILED;
            }
        }
    } else {
        print!("{}", skill_eval::render(&report));
        println!("{}", skills_semantic::describe(semantic.as_ref()));
    }
    let mut below = Vec::new();
    if args.min_recall5.is_some() && report.expecting == 0 {
        eprintln!(
            "note: no case of {} expects a skill, so recall is not measured and --min-recall5 is not checked",
            args.file.display()
        );
    } else if let Some(min) = args.min_recall5
        && report.recall_at_5 < min
    {
        below.push(format!(
            "recall@5 is {:.3}, below --min-recall5 {min}",
            report.recall_at_5
        ));
    }
    if let Some(max) = args.max_wrong
        && report.wrong_share > max
    {
        below.push(format!(
            "wrong picks are {:.3} of the rejected skills, above --max-wrong {max}",
            report.wrong_share
        ));
    }
    if below.is_empty() {
        return EXIT_OK;
    }
    for b in below {
        eprintln!("failed: {b}");
    }
    super::EXIT_FAILED
}
