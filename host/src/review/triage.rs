//! The triage pass: the whole diff, chunk by chunk, with the fast model;
//! it flags the hunks worth a deep look, each with a concern and a reason.

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

/// Runs triage over every chunk, `parallel` requests at a time.
pub async fn run(
    asker: &Asker,
    model: &str,
    shared: &Shared,
    chunks: &[Chunk],
    parallel: usize,
    cancel: &CancellationToken,
) -> Result<Triage, ReviewError> {
    let asks = chunks.iter().map(|c| async move {
        let answer = asker
            .ask(
                model,
                prompt::REVIEWER,
                prompt::triage(shared, &c.text),
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
            Some(Value::Array(flags)) => out.flags.extend(read_flags(chunk, &flags)),
            _ => {
                out.warnings.push(format!(
                    "triage answer for {} hunk(s) was not the JSON asked for; all of them get a deep look",
                    chunk.hunks.len()
                ));
                out.flags.extend(chunk.hunks.iter().map(|h| Flag {
                    hunk: h.clone(),
                    concern: "correctness".into(),
                    reason: "triage unreadable".into(),
                }));
            }
        }
        out.answers.push(answer);
    }
    Ok(out)
}

/// Flags naming hunks of `chunk` (`H3` also names its parts `H3.1`…).
fn read_flags(chunk: &Chunk, flags: &[Value]) -> Vec<Flag> {
    let mut out: Vec<Flag> = Vec::new();
    for f in flags {
        let Some(id) = f.get("hunk").and_then(Value::as_str).map(str::trim) else {
            continue;
        };
        let text = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        for h in &chunk.hunks {
            let named = h.id == id || h.id.strip_prefix(id).is_some_and(|r| r.starts_with('.'));
            if named && !out.iter().any(|o| o.hunk.id == h.id) {
                out.push(Flag {
                    hunk: h.clone(),
                    concern: Some(text("concern"))
                        .filter(|c| !c.is_empty())
                        .unwrap_or_else(|| "correctness".into()),
                    reason: text("reason"),
                });
            }
        }
    }
    out
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
        );
        let ids: Vec<_> = flags.iter().map(|f| f.hunk.id.as_str()).collect();
        assert_eq!(ids, ["H2.1", "H2.2", "H1"]);
        assert_eq!(flags[2].concern, "security");
    }
}
