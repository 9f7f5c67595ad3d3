//! `quire skills eval`: run labelled messages through the selector and
//! measure it, the way an author checks that a description triggers.
//!
//! The file is JSON: a list of cases, or `{"cases": [...]}`. A case has a
//! `message`, optionally the `previous` user message, the skills that
//! `expect` to be selected (all of them), or `any` of which is right (an
//! ambiguous message), and the skills to `reject`. A case with neither
//! `expect` nor `any` should select nothing:
//!
//! ```json
//! [{"message": "fill in this PDF form", "expect": ["pdf-forms"], "reject": ["docx"]}]
//! ```
//!
//! A turn's ranking is its activations (explicit, then automatic) followed
//! by the other skills by score (those scoring above zero). recall@k is
//! the share of a case's expected skills among the first k, averaged over
//! the cases that expect any. A rejected skill is wrongly selected when
//! the turn activates it or ranks it first (the skill the model is most
//! likely to use); the share is over all rejected skills. A false
//! activation is a skill activated automatically that the case neither
//! expects nor accepts; the rate is over all cases.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::SkillSet;
use crate::skills::SkillsConfig;

/// One labelled message.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvalCase {
    pub message: String,
    #[serde(default)]
    pub previous: Option<String>,
    #[serde(default)]
    pub expect: Vec<String>,
    /// Any one of these is a right selection.
    #[serde(default)]
    pub any: Vec<String>,
    #[serde(default)]
    pub reject: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum EvalFile {
    List(Vec<EvalCase>),
    Wrapped { cases: Vec<EvalCase> },
}

/// Parses an eval file; the error names the problem and where.
pub fn parse(text: &str) -> Result<Vec<EvalCase>, String> {
    match serde_json::from_str::<EvalFile>(text) {
        Ok(EvalFile::List(c)) | Ok(EvalFile::Wrapped { cases: c }) => Ok(c),
        Err(_) => {
            // Report the precise error of the list form when it is JSON.
            let detail = match serde_json::from_str::<Vec<EvalCase>>(text) {
                Err(e) => e.to_string(),
                Ok(_) => "unexpected shape".into(),
            };
            Err(format!(
                "{detail}; expected a JSON list of cases like [{{\"message\": \"…\", \"expect\": [\"skill\"], \"reject\": []}}] (or {{\"cases\": [...]}})"
            ))
        }
    }
}

/// How one case went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    pub message: String,
    pub expect: Vec<String>,
    pub reject: Vec<String>,
    /// The first five of the turn's ranking.
    pub top: Vec<String>,
    pub activated: Vec<String>,
    /// Skills activated automatically that the case neither expects nor
    /// accepts.
    pub false_activations: Vec<String>,
    /// `None` when the case expects nothing.
    pub recall_at_1: Option<f64>,
    pub recall_at_5: Option<f64>,
    /// Rejected skills that were activated or ranked first.
    pub wrong: Vec<String>,
    /// Names in `expect` / `reject` that are not installed.
    pub unknown: Vec<String>,
    /// Expected skills whose authors hid them from the model
    /// (`disable-model-invocation`: only the user runs them, as
    /// `/name`). No selection may offer them, so they are not counted; a
    /// case expecting only such skills has no recall.
    pub user_only: Vec<String>,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub cases: Vec<CaseResult>,
    /// Cases that expect a skill (recall is measured over them; with none,
    /// the recalls are 0 and mean nothing).
    pub expecting: usize,
    pub recall_at_1: f64,
    pub recall_at_5: f64,
    /// Wrongly selected rejected skills / all rejected skills (0 when none).
    pub wrong_share: f64,
    /// Cases with a false activation / all cases.
    pub false_activation_rate: f64,
}

/// Runs every case against `set` (each as the first message of a fresh
/// session, after `previous` when given).
pub fn evaluate(set: &SkillSet, config: &SkillsConfig, cases: &[EvalCase]) -> EvalReport {
    evaluate_plans(set, cases, |case| {
        set.plan(
            config,
            &case.message,
            case.previous.as_deref(),
            &HashSet::new(),
        )
    })
}

/// [`evaluate`] with each case's plan made by `plan` (for example the
/// lexical plan re-ranked by semantic scoring).
pub fn evaluate_plans(
    set: &SkillSet,
    cases: &[EvalCase],
    mut plan_for: impl FnMut(&EvalCase) -> super::plan::Plan,
) -> EvalReport {
    let mut results = Vec::with_capacity(cases.len());
    for case in cases {
        let plan = plan_for(case);
        let mut order: Vec<String> = Vec::new();
        for a in &plan.activate {
            order.push(set.skills[a.skill].name.clone());
        }
        for d in &plan.deferred {
            order.push(set.skills[d.skill].name.clone());
        }
        for r in plan.ranked.iter().filter(|r| r.score > 0.0) {
            let name = &set.skills[r.skill].name;
            if !order.contains(name) {
                order.push(name.clone());
            }
        }
        let activated: Vec<String> = plan
            .activate
            .iter()
            .map(|a| set.skills[a.skill].name.clone())
            .collect();
        let false_activations: Vec<String> = plan
            .activate
            .iter()
            .filter(|a| matches!(a.reason, super::Reason::Auto { .. }))
            .map(|a| set.skills[a.skill].name.clone())
            .filter(|n| !case.expect.contains(n) && !case.any.contains(n))
            .collect();
        let hidden = |n: &String| set.get(n).is_some_and(|s| s.disable_model_invocation);
        let user_only: Vec<String> = case
            .expect
            .iter()
            .chain(&case.any)
            .filter(|n| hidden(n))
            .cloned()
            .collect();
        let any: Vec<&String> = case.any.iter().filter(|n| !hidden(n)).collect();
        let expect: Vec<&String> = case.expect.iter().filter(|n| !hidden(n)).collect();
        let recall = |k: usize| -> Option<f64> {
            if !any.is_empty() {
                let hit = order.iter().take(k).any(|o| any.contains(&o));
                return Some(if hit { 1.0 } else { 0.0 });
            }
            if expect.is_empty() {
                return None;
            }
            let hits = expect
                .iter()
                .filter(|e| order.iter().take(k).any(|o| o == **e))
                .count();
            Some(hits as f64 / expect.len() as f64)
        };
        let top: Vec<String> = order.iter().take(5).cloned().collect();
        let wrong: Vec<String> = case
            .reject
            .iter()
            .filter(|r| top.first() == Some(*r) || activated.contains(r))
            .cloned()
            .collect();
        let unknown: Vec<String> = case
            .expect
            .iter()
            .chain(&case.any)
            .chain(&case.reject)
            .filter(|n| set.get(n).is_none())
            .cloned()
            .collect();
        results.push(CaseResult {
            message: case.message.clone(),
            expect: if case.any.is_empty() {
                case.expect.clone()
            } else {
                case.any.clone()
            },
            reject: case.reject.clone(),
            recall_at_1: recall(1),
            recall_at_5: recall(5),
            top,
            activated,
            false_activations,
            wrong,
            unknown,
            user_only,
        });
    }
    let mean = |f: &dyn Fn(&CaseResult) -> Option<f64>| {
        let v: Vec<f64> = results.iter().filter_map(f).collect();
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let rejects: usize = results.iter().map(|r| r.reject.len()).sum();
    let wrong: usize = results.iter().map(|r| r.wrong.len()).sum();
    let falsely = results
        .iter()
        .filter(|r| !r.false_activations.is_empty())
        .count();
    EvalReport {
        expecting: results.iter().filter(|r| r.recall_at_5.is_some()).count(),
        false_activation_rate: if results.is_empty() {
            0.0
        } else {
            falsely as f64 / results.len() as f64
        },
        recall_at_1: mean(&|r| r.recall_at_1),
        recall_at_5: mean(&|r| r.recall_at_5),
        wrong_share: if rejects == 0 {
            0.0
        } else {
            wrong as f64 / rejects as f64
        },
        cases: results,
    }
}

/// The report as text: a table of cases, then the totals.
pub fn render(report: &EvalReport) -> String {
    let fmt = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "-".into());
    let mut rows: Vec<[String; 7]> = vec![[
        "#".into(),
        "r@1".into(),
        "r@5".into(),
        "wrong".into(),
        "message".into(),
        "expected".into(),
        "selected (activated*)".into(),
    ]];
    for (n, c) in report.cases.iter().enumerate() {
        let top: Vec<String> = c
            .top
            .iter()
            .map(|t| {
                if c.activated.contains(t) {
                    format!("{t}*")
                } else {
                    t.clone()
                }
            })
            .collect();
        rows.push([
            (n + 1).to_string(),
            fmt(c.recall_at_1),
            fmt(c.recall_at_5),
            if c.wrong.is_empty() {
                "-".into()
            } else {
                c.wrong.join(",")
            },
            super::catalog::clip(&c.message, 40),
            c.expect.join(","),
            top.join(", "),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 6 {
                    c.clone()
                } else {
                    format!("{c}{}", " ".repeat(w - c.chars().count()))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    for c in &report.cases {
        for u in &c.unknown {
            out.push_str(&format!("warning: '{u}' is not an installed skill\n"));
        }
        for u in &c.user_only {
            out.push_str(&format!(
                "note: '{u}' is hidden from the model (disable-model-invocation: only the user runs it, as /{u}); it is not counted\n"
            ));
        }
    }
    let recall = if report.expecting == 0 {
        "recall not measured (no case expects a skill)".to_string()
    } else {
        format!(
            "recall@1 {:.2} · recall@5 {:.2}",
            report.recall_at_1, report.recall_at_5
        )
    };
    out.push_str(&format!(
        "\n{} cases · {recall} · wrongly selected {:.2} · false activations {:.2}\n",
        report.cases.len(),
        report.wrong_share,
        report.false_activation_rate
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::select::testing::skill;

    #[test]
    fn measures_recall_and_wrong_selections() {
        let skills = vec![
            skill("pdf-forms", "Fill in and flatten PDF forms."),
            skill("docker-compose", "Write and debug docker compose files."),
            skill("release-notes", "Draft release notes from the git log."),
        ];
        let (set, _) = SkillSet::build(skills, None);
        let cases = parse(
            r#"{"cases": [
                {"message": "fill the pdf form", "expect": ["pdf-forms"], "reject": ["release-notes"]},
                {"message": "write the notes for the release", "expect": ["release-notes"], "reject": ["pdf-forms"]},
                {"message": "hello", "expect": ["docker-compose"], "reject": ["nope"]}
            ]}"#,
        )
        .unwrap();
        let r = evaluate(&set, &SkillsConfig::default(), &cases);
        assert_eq!(r.cases[0].top[0], "pdf-forms");
        assert_eq!(r.cases[0].recall_at_1, Some(1.0));
        assert_eq!(r.cases[2].recall_at_5, Some(0.0));
        assert_eq!(r.cases[2].unknown, vec!["nope"]);
        assert!((r.recall_at_5 - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(r.wrong_share, 0.0);
        let text = render(&r);
        assert!(text.contains("3 cases · recall@1 0.67 · recall@5 0.67"));
        assert_eq!(r.false_activation_rate, 0.0);
        assert!(text.contains("warning: 'nope' is not an installed skill"));
    }

    #[test]
    fn skills_hidden_from_the_model_are_noted_not_counted() {
        let mut cleanup = skill("git-cleanup", "Clean up merged local git branches.");
        cleanup.disable_model_invocation = true;
        let skills = vec![
            cleanup,
            skill("pdf-forms", "Fill in and flatten PDF forms."),
        ];
        let (set, _) = SkillSet::build(skills, None);
        let cases = parse(
            r#"[
                {"message": "clean up my merged branches", "expect": ["git-cleanup"]},
                {"message": "fill the pdf form", "any": ["git-cleanup", "pdf-forms"]}
            ]"#,
        )
        .unwrap();
        let r = evaluate(&set, &SkillsConfig::default(), &cases);
        assert!(!r.cases[0].top.contains(&"git-cleanup".to_string()));
        assert_eq!(r.cases[0].user_only, vec!["git-cleanup"]);
        assert_eq!(r.cases[0].recall_at_1, None);
        assert_eq!(r.cases[1].recall_at_1, Some(1.0));
        assert_eq!(r.recall_at_1, 1.0);
        let text = render(&r);
        assert!(
            text.contains("note: 'git-cleanup' is hidden from the model (disable-model-invocation: only the user runs it, as /git-cleanup)"),
            "{text}"
        );
    }

    #[test]
    fn bad_files_say_what_is_expected() {
        let e = parse(r#"[{"msg": "x"}]"#).unwrap_err();
        assert!(e.contains("unknown field `msg`"), "{e}");
        assert!(parse("[]").unwrap().is_empty());
    }
}
