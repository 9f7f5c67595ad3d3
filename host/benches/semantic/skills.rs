//! Skills, lexical against fused with a real embedding model (see
//! [`crate::semantic`]): recall@1/@5, false activations, the catalog's
//! bytes and the time per message, on the real skills' labelled sets;
//! then what the model costs (the skills embedded cold, then from the
//! disk cache) and the messages whose first skill changed.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use quire::skills::SkillsConfig;
use quire::skills::select::SkillSet;
use quire::skills::select::catalog::{self, Paths};
use quire::skills::select::eval::{self, EvalCase, EvalReport};
use quire::skills::select::semantic::{Semantic, rank};

use crate::semantic::{median, ms};

struct Measured {
    report: EvalReport,
    bytes: Vec<usize>,
    times: Vec<Duration>,
}

/// One set's messages, selected lexically (`semantic` `None`) or fused.
fn measure(set: &SkillSet, cases: &[EvalCase], semantic: Option<&Semantic>) -> Measured {
    let config = SkillsConfig::default();
    let (mut bytes, mut times) = (Vec::new(), Vec::new());
    let report = eval::evaluate_plans(set, cases, |c| {
        let t = Instant::now();
        let mut plan = set.plan(&config, &c.message, c.previous.as_deref(), &HashSet::new());
        if let Some(s) = semantic {
            rank::rerank_skills(
                s,
                &mut plan,
                &set.skills,
                &config,
                &c.message,
                c.previous.as_deref(),
            );
        }
        let active: Vec<String> = plan
            .activate
            .iter()
            .map(|a| set.skills[a.skill].name.clone())
            .collect();
        let cat = catalog::render(&set.skills, &plan, &active, &config, &Paths::default());
        times.push(t.elapsed());
        bytes.push(cat.map(|c| c.text.len()).unwrap_or(0));
        plan
    });
    bytes.sort_unstable();
    Measured {
        report,
        bytes,
        times,
    }
}

fn row(label: &str, scoring: &str, m: &Measured) -> String {
    format!(
        "| {label} | {scoring} | {:.3} | {:.3} | {:.3} | {} ({}) | {:.1} |",
        m.report.recall_at_1,
        m.report.recall_at_5,
        m.report.false_activation_rate,
        m.bytes[m.bytes.len() / 2],
        m.bytes[m.bytes.len() - 1],
        ms(median(m.times.clone())),
    )
}

/// Runs `sets` (label, cases) over `set`, lexical and fused.
pub fn run(set: &SkillSet, sets: &[(&str, Vec<EvalCase>)]) {
    let texts: Vec<String> = set.skills.iter().map(rank::skill_text).collect();
    let Some((server, embedded)) = crate::semantic::start(&texts) else {
        return;
    };
    let (semantic, cold_time, disk_time) = (&embedded.semantic, embedded.cold, embedded.from_disk);
    println!(
        "\nSemantic scoring ({} at {}): {} skill texts embedded cold in {:.0} ms; a new session reads them from the disk cache (and embeds one message) in {:.0} ms\n",
        server.model,
        server.url,
        texts.len(),
        ms(cold_time),
        ms(disk_time)
    );
    if std::env::var_os("QUIRE_BENCH_FUSION_SWEEP").is_some() {
        sweep(set, sets, semantic);
        return;
    }
    // A turn's cost: the first call embeds the message; the second (the
    // message's vector kept) is hashing the texts, the cached vectors and
    // the cosines.
    let (mut first, mut again) = (Vec::new(), Vec::new());
    for m in [
        "rotate the api keys in the staging cluster",
        "why is this query so slow",
        "write a changelog entry",
        "the login page looks broken on mobile",
        "add retries to the http client",
    ] {
        let t = Instant::now();
        let _ = semantic.similarities(&texts, m, None);
        first.push(t.elapsed());
        let t = Instant::now();
        let _ = semantic.similarities(&texts, m, None);
        again.push(t.elapsed());
    }
    println!(
        "per message: {:.0} ms median, {:.0} ms of it without the embedding request\n",
        ms(median(first)),
        ms(median(again))
    );
    println!(
        "| set | scoring | recall@1 | recall@5 | false activations | catalog bytes median (max) | select median ms |\n| --- | --- | --- | --- | --- | --- | --- |"
    );
    let mut changes = Vec::new();
    for (label, cases) in sets {
        let lexical = measure(set, cases, None);
        let fused = measure(set, cases, Some(semantic));
        println!("{}", row(label, "lexical", &lexical));
        println!("{}", row(label, "fused", &fused));
        for (l, f) in lexical.report.cases.iter().zip(&fused.report.cases) {
            let (a, b) = (l.recall_at_1.unwrap_or(1.0), f.recall_at_1.unwrap_or(1.0));
            if a != b {
                changes.push(format!(
                    "  {label} {} {:?}: expected {:?}; lexical {:?}, fused {:?}",
                    if b > a { "gained" } else { "lost" },
                    l.message,
                    l.expect,
                    l.top.first(),
                    f.top.first()
                ));
            }
        }
    }
    println!("\nfirst skill changed by fusion:\n{}", changes.join("\n"));
}

/// How the two rankings could be fused, compared on the labelled sets, with
/// and without a hubness correction (CSLS over skill-to-skill similarity)
/// (`QUIRE_BENCH_FUSION_SWEEP=1`): each variant turns the lexical ranking
/// and the similarities into an order.
pub fn sweep(set: &SkillSet, sets: &[(&str, Vec<EvalCase>)], semantic: &Semantic) {
    type Variant = (
        &'static str,
        Box<dyn Fn(&[usize], &[(usize, f32)], &[f32]) -> Vec<usize>>,
    );
    let rrf = |k: f32, w: f32, n: usize| {
        move |lex: &[usize], _: &[(usize, f32)], sims: &[f32]| {
            let meaning = quire::skills::select::semantic::semantic_order(sims, n, |_| true);
            let mut score: std::collections::HashMap<usize, f32> = Default::default();
            for (r, &i) in lex.iter().enumerate() {
                *score.entry(i).or_default() += 1.0 / (k + r as f32 + 1.0);
            }
            for (r, &i) in meaning.iter().enumerate() {
                *score.entry(i).or_default() += w / (k + r as f32 + 1.0);
            }
            let mut v: Vec<(usize, f32)> = score.into_iter().collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.into_iter().map(|x| x.0).collect::<Vec<_>>()
        }
    };
    // Score fusion: the lexical score over the best one, plus `a` times
    // the similarity rescaled over the 64 nearest skills (0 to 1).
    let combsum = |a: f32| {
        move |_: &[usize], scored: &[(usize, f32)], sims: &[f32]| {
            let meaning = quire::skills::select::semantic::semantic_order(sims, 64, |_| true);
            let hi = meaning.first().map(|&i| sims[i]).unwrap_or(0.0);
            let lo = meaning.last().map(|&i| sims[i]).unwrap_or(0.0);
            let span = (hi - lo).max(1e-6);
            let best = scored.first().map(|s| s.1).unwrap_or(1.0).max(1e-6);
            let mut score: std::collections::HashMap<usize, f32> = Default::default();
            for &(i, s) in scored {
                *score.entry(i).or_default() += s / best;
            }
            for &i in &meaning {
                *score.entry(i).or_default() += a * (sims[i] - lo) / span;
            }
            let mut v: Vec<(usize, f32)> = score.into_iter().collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.into_iter().map(|x| x.0).collect::<Vec<_>>()
        }
    };
    // A clear lexical winner (its score at least `r` times the next)
    // stays first; otherwise RRF.
    let gated = move |r: f32| {
        move |lex: &[usize], scored: &[(usize, f32)], sims: &[f32]| {
            let fused = rrf(60.0, 1.0, 64)(lex, scored, sims);
            match (scored.first(), scored.get(1)) {
                (Some(a), Some(b)) if a.1 >= r * b.1 => {
                    let mut v = vec![a.0];
                    v.extend(fused.into_iter().filter(|&i| i != a.0));
                    v
                }
                _ => fused,
            }
        }
    };
    let variants: Vec<Variant> = vec![
        (
            "lexical",
            Box::new(|lex: &[usize], _: &[(usize, f32)], _: &[f32]| lex.to_vec()),
        ),
        (
            "semantic only",
            Box::new(|_: &[usize], _: &[(usize, f32)], sims: &[f32]| {
                quire::skills::select::semantic::semantic_order(sims, 64, |_| true)
            }),
        ),
        ("rrf k60, 32 by meaning", Box::new(rrf(60.0, 1.0, 32))),
        ("rrf k60, 64 by meaning", Box::new(rrf(60.0, 1.0, 64))),
        (
            "rrf k60, all by meaning",
            Box::new(rrf(60.0, 1.0, usize::MAX)),
        ),
        ("rrf k60 w0.5", Box::new(rrf(60.0, 0.5, 64))),
        ("rrf k60 w0.7", Box::new(rrf(60.0, 0.7, 64))),
        ("rrf k10", Box::new(rrf(10.0, 1.0, 64))),
        ("rrf k10 w0.5", Box::new(rrf(10.0, 0.5, 64))),
        ("scores a0.3", Box::new(combsum(0.3))),
        ("scores a0.6", Box::new(combsum(0.6))),
        ("scores a1.0", Box::new(combsum(1.0))),
        ("gate 1.3 then rrf", Box::new(gated(1.3))),
        ("gate 1.6 then rrf", Box::new(gated(1.6))),
    ];
    let config = SkillsConfig::default();
    let texts: Vec<String> = set.skills.iter().map(rank::skill_text).collect();
    // Hubness: each skill's mean similarity to its 10 nearest skills.
    let hub: Vec<f32> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut s = semantic.similarities(&texts, t, None).unwrap_or_default();
            s.remove(i);
            s.sort_by(|a, b| b.total_cmp(a));
            s.iter().take(10).sum::<f32>() / 10.0
        })
        .collect();
    for (label, cases) in sets {
        let plain: Vec<Vec<f32>> = cases
            .iter()
            .map(|c| {
                semantic
                    .similarities(&texts, &c.message, c.previous.as_deref())
                    .unwrap_or_default()
            })
            .collect();
        for (hubness, sims) in [
            ("", plain.clone()),
            (
                " csls",
                plain
                    .iter()
                    .map(|s| s.iter().zip(&hub).map(|(x, r)| x - 0.5 * r + 1.0).collect())
                    .collect::<Vec<Vec<f32>>>(),
            ),
        ] {
            for (name, variant) in &variants {
                let mut at = 0usize;
                let report = eval::evaluate_plans(set, cases, |c| {
                    let mut plan =
                        set.plan(&config, &c.message, c.previous.as_deref(), &HashSet::new());
                    let scored: Vec<(usize, f32)> = plan
                        .ranked
                        .iter()
                        .filter(|r| r.score > 0.0)
                        .map(|r| (r.skill, r.score))
                        .collect();
                    let lex: Vec<usize> = scored.iter().map(|s| s.0).collect();
                    let order = variant(&lex, &scored, &sims[at]);
                    at += 1;
                    plan.ranked = order
                        .into_iter()
                        .map(|skill| quire::skills::select::plan::Ranked { skill, score: 1.0 })
                        .collect();
                    if *name == "semantic only" {
                        plan.activate.clear();
                        plan.deferred.clear();
                    }
                    plan
                });
                println!(
                    "| {label} | {name}{hubness} | {:.3} | {:.3} |",
                    report.recall_at_1, report.recall_at_5
                );
            }
        }
    }
}
