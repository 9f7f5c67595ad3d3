//! The triage pass: the whole diff, chunk by chunk, with the fast model;
//! it flags the hunks worth a deep look, each with the concerns that apply
//! (from `[review] concerns`) and a reason. A hunk flagged for two concerns
//! gives two flags: each concern gets its own deep pass.

use futures::StreamExt;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::ReviewError;
use super::ask::{Answer, Asker, json_object};
use super::chunk::Chunk;
use super::diff::Hunk;
use super::prompt::{self, Shared};

/// A hunk the triage pass flagged.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub hunk: Hunk,
    pub concern: String,
    pub reason: String,
}

/// What triage found, and what it cost.
#[derive(Debug, Default)]
pub struct Triage {
    pub flags: Vec<Flag>,
    pub answers: Vec<Answer>,
    pub warnings: Vec<String>,
}

/// Runs triage over every chunk, `parallel` requests at a time; flags
/// carry one of `concerns` (an unknown concern becomes the first).
pub async fn run(
    asker: &Asker,
    model: &str,
    shared: &Shared,
    chunks: &[Chunk],
    concerns: &[String],
    parallel: usize,
    cancel: &CancellationToken,
) -> Result<Triage, ReviewError> {
    let asks = chunks.iter().map(|c| async move {
        let answer = asker
            .ask(
                model,
                prompt::REVIEWER,
                prompt::triage(shared, concerns, &c.text),
                cancel,
            )
            .await;
        (c, answer)
    });
    let mut results: Vec<_> = futures::stream::iter(asks)
        .buffered(parallel.max(1))
        .collect()
        .await;
    let mut out = Triage::default();
    for (chunk, answer) in results.drain(..) {
        let answer = answer?;
        match json_object(&answer.text).and_then(|v| v.get("flags").cloned()) {
            Some(Value::Array(flags)) => out.flags.extend(read_flags(chunk, &flags, concerns)),
            _ => {
                out.warnings.push(format!(
                    "triage answer for {} hunk(s) was not the JSON asked for; all of them get a deep look",
                    chunk.hunks.len()
                ));
                out.flags.extend(chunk.hunks.iter().map(|h| Flag {
                    hunk: h.clone(),
                    concern: first(concerns),
                    reason: "triage unreadable".into(),
                }));
            }
        }
        out.answers.push(answer);
    }
    Ok(out)
}

/// Flags naming hunks of `chunk` (`H3` also names its parts `H3.1`…),
/// one per (hunk, concern).
fn read_flags(chunk: &Chunk, flags: &[Value], concerns: &[String]) -> Vec<Flag> {
    let mut out: Vec<Flag> = Vec::new();
    for f in flags {
        let Some(id) = f.get("hunk").and_then(Value::as_str).map(str::trim) else {
            continue;
        };
        let reason = f
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let named = flag_concerns(f, concerns);
        for h in &chunk.hunks {
            if !(h.id == id || h.id.strip_prefix(id).is_some_and(|r| r.starts_with('.'))) {
                continue;
            }
            for concern in &named {
                if !out
                    .iter()
                    .any(|o| o.hunk.id == h.id && &o.concern == concern)
                {
                    out.push(Flag {
                        hunk: h.clone(),
                        concern: concern.clone(),
                        reason: reason.clone(),
                    });
                }
            }
        }
    }
    out
}

/// The concerns of one flag: `"concern"` (a word, or several separated by
/// commas or `|`) and `"concerns"` (a list), mapped onto `concerns`.
fn flag_concerns(f: &Value, concerns: &[String]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    if let Some(c) = f.get("concern").and_then(Value::as_str) {
        words.extend(c.split([',', '|']).map(str::to_string));
    }
    if let Some(Value::Array(list)) = f.get("concerns") {
        words.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
    }
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let w = w.trim().to_lowercase();
        if w.is_empty() {
            continue;
        }
        let c = concerns
            .iter()
            .find(|c| **c == w || w.starts_with(c.as_str()))
            .cloned()
            .unwrap_or_else(|| first(concerns));
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push(first(concerns));
    }
    out
}

fn first(concerns: &[String]) -> String {
    concerns
        .first()
        .cloned()
        .unwrap_or_else(|| "correctness".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hunk(id: &str) -> Hunk {
        Hunk {
            id: id.into(),
            file: "a.rs".into(),
            new_start: 1,
            lines: vec!["+x".into()],
        }
    }

    #[test]
    fn flags_name_hunks_and_their_parts_and_unknown_ids_are_ignored() {
        let chunk = Chunk {
            hunks: vec![hunk("H1"), hunk("H2.1"), hunk("H2.2"), hunk("H12")],
            text: String::new(),
        };
        let flags = read_flags(
            &chunk,
            &[
                json!({"hunk": "H2", "reason": "r"}),
                json!({"hunk": "H9"}),
                json!({"hunk": "H1", "concern": "security"}),
            ],
            &concerns(),
        );
        let ids: Vec<_> = flags.iter().map(|f| f.hunk.id.as_str()).collect();
        assert_eq!(ids, ["H2.1", "H2.2", "H1"]);
        assert_eq!(flags[2].concern, "security");
    }

    fn concerns() -> Vec<String> {
        ["correctness", "security", "tests"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn a_hunk_gets_one_flag_per_concern_and_unknown_concerns_become_the_first() {
        let chunk = Chunk {
            hunks: vec![hunk("H1"), hunk("H2")],
            text: String::new(),
        };
        let flags = read_flags(
            &chunk,
            &[
                json!({"hunk": "H1", "concerns": ["Security", "tests"], "reason": "r"}),
                json!({"hunk": "H1", "concern": "security"}),
                json!({"hunk": "H2", "concern": "style|tests"}),
            ],
            &concerns(),
        );
        let got: Vec<_> = flags
            .iter()
            .map(|f| (f.hunk.id.as_str(), f.concern.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("H1", "security"),
                ("H1", "tests"),
                ("H2", "correctness"),
                ("H2", "tests")
            ]
        );
    }
}
