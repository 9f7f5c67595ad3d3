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

/// Triage that failed: the first error, and the answers of the requests
/// that did not fail (what the review's stats count).
#[derive(Debug)]
pub struct Failed {
    pub error: ReviewError,
    pub answers: Vec<Answer>,
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
) -> Result<Triage, Failed> {
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
    let mut error = None;
    for (chunk, answer) in results.drain(..) {
        match answer {
            Ok(answer) => {
                take(&mut out, chunk, &answer.text, concerns);
                out.answers.push(answer);
            }
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    match error {
        Some(error) => Err(Failed {
            error,
            answers: out.answers,
        }),
        None => Ok(out),
    }
}

/// The flags of one chunk's answer `text` into `out`; an answer that is
/// not the JSON asked for, or whose flags name only hunks the chunk has
/// not, flags every hunk of the chunk (with a warning).
fn take(out: &mut Triage, chunk: &Chunk, text: &str, concerns: &[String]) {
    match json_object(text).and_then(|v| v.get("flags").cloned()) {
        Some(Value::Array(flags)) => {
            let read = read_flags(chunk, &flags, concerns);
            if read.unknown.is_empty() {
                out.flags.extend(read.flags);
            } else if read.flags.is_empty() {
                // Flags that point nowhere are no "nothing to see":
                // the answer is as unusable as one that is not JSON.
                out.warnings.push(format!(
                    "triage answer for {} hunk(s) ({}) flagged only hunks it was not shown ({}); all of them get a deep look",
                    chunk.hunks.len(),
                    id_list(chunk.hunks.iter().map(|h| h.id.as_str())),
                    id_list(read.unknown.iter().map(String::as_str)),
                ));
                flag_all(out, chunk, concerns, "triage named unknown hunks");
            } else {
                out.warnings.push(format!(
                    "triage answer for {} hunk(s) ({}) also flagged hunks it was not shown ({}): those flags were ignored",
                    chunk.hunks.len(),
                    id_list(chunk.hunks.iter().map(|h| h.id.as_str())),
                    id_list(read.unknown.iter().map(String::as_str)),
                ));
                out.flags.extend(read.flags);
            }
        }
        _ => {
            out.warnings.push(format!(
                "triage answer for {} hunk(s) was not the JSON asked for; all of them get a deep look",
                chunk.hunks.len()
            ));
            flag_all(out, chunk, concerns, "triage unreadable");
        }
    }
}

/// Every hunk of `chunk` flagged for the first concern: what an answer
/// that cannot be used gets.
fn flag_all(out: &mut Triage, chunk: &Chunk, concerns: &[String], reason: &str) {
    out.flags.extend(chunk.hunks.iter().map(|h| Flag {
        hunk: h.clone(),
        concern: first(concerns),
        reason: reason.into(),
    }));
}

/// `H1, H2, H3`, or the first few and how many more.
fn id_list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 5;
    let ids: Vec<&str> = ids.collect();
    let mut s = ids
        .iter()
        .take(SHOWN)
        .map(|i| crate::printable::clean(&i.chars().take(24).collect::<String>()).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        s.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    s
}

/// What one triage answer's flags name.
#[derive(Debug, Default)]
struct Read {
    /// Flags naming hunks of the chunk.
    flags: Vec<Flag>,
    /// What the other flags named instead (a hunk the chunk has not, or
    /// `(none)` for a flag without a hunk id), each once.
    unknown: Vec<String>,
}

/// Flags naming hunks of `chunk` (`H3` also names its parts `H3.1`…;
/// `h3` and `3` name `H3`), one per (hunk, concern), and the ids that
/// name none.
fn read_flags(chunk: &Chunk, flags: &[Value], concerns: &[String]) -> Read {
    let mut read = Read::default();
    let out = &mut read.flags;
    for f in flags {
        let Some(id) = f
            .get("hunk")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|i| !i.is_empty())
        else {
            if !read.unknown.iter().any(|u| u == "(none)") {
                read.unknown.push("(none)".into());
            }
            continue;
        };
        let id = hunk_id(id);
        let reason = f
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let named = flag_concerns(f, concerns);
        let mut known = false;
        for h in &chunk.hunks {
            if !(h.id == id || h.id.strip_prefix(&id).is_some_and(|r| r.starts_with('.'))) {
                continue;
            }
            known = true;
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
        if !known && !read.unknown.contains(&id) {
            read.unknown.push(id);
        }
    }
    read
}

/// A hunk id as the model may write it (`H3`, `h3`, `3`, `H3.1`) in the
/// form the diff gives it (`H3`, `H3.1`).
fn hunk_id(id: &str) -> String {
    let bare = id
        .strip_prefix(['H', 'h'])
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(id);
    if bare.starts_with(|c: char| c.is_ascii_digit())
        && bare.chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        format!("H{bare}")
    } else {
        id.to_string()
    }
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
            not_utf8: false,
        }
    }

    #[test]
    fn flags_name_hunks_and_their_parts_and_unknown_ids_are_noted() {
        let chunk = Chunk {
            hunks: vec![hunk("H1"), hunk("H2.1"), hunk("H2.2"), hunk("H12")],
            text: String::new(),
        };
        let read = read_flags(
            &chunk,
            &[
                json!({"hunk": "H2", "reason": "r"}),
                json!({"hunk": "H9"}),
                json!({"hunk": "h1", "concern": "security"}),
                json!({"hunk": "12"}),
                json!({"reason": "somewhere"}),
            ],
            &concerns(),
        );
        let ids: Vec<_> = read.flags.iter().map(|f| f.hunk.id.as_str()).collect();
        assert_eq!(ids, ["H2.1", "H2.2", "H1", "H12"]);
        assert_eq!(read.flags[2].concern, "security");
        assert_eq!(read.unknown, ["H9", "(none)"]);
    }

    #[test]
    fn an_answer_flagging_only_unknown_hunks_gets_every_hunk_a_deep_look() {
        let chunk = Chunk {
            hunks: vec![hunk("H1"), hunk("H2")],
            text: String::new(),
        };
        let flagged =
            |out: &Triage| -> Vec<String> { out.flags.iter().map(|f| f.hunk.id.clone()).collect() };
        let mut out = Triage::default();
        take(
            &mut out,
            &chunk,
            r#"{"flags":[{"hunk":"H9","reason":"eval"}]}"#,
            &concerns(),
        );
        assert_eq!(flagged(&out), ["H1", "H2"]);
        assert_eq!(out.warnings.len(), 1);
        assert!(
            out.warnings[0].contains("flagged only hunks it was not shown (H9)"),
            "{:?}",
            out.warnings
        );

        let mut out = Triage::default();
        take(
            &mut out,
            &chunk,
            r#"{"flags":[{"hunk":"H9"},{"hunk":"H2"}]}"#,
            &concerns(),
        );
        assert_eq!(flagged(&out), ["H2"]);
        assert!(
            out.warnings[0].contains("also flagged hunks it was not shown (H9)"),
            "{:?}",
            out.warnings
        );

        // No flags is an answer: nothing to look at, nothing to say.
        let mut out = Triage::default();
        take(&mut out, &chunk, r#"{"flags":[]}"#, &concerns());
        assert!(out.flags.is_empty() && out.warnings.is_empty());
    }

    #[test]
    fn hunk_ids_are_read_as_the_diff_writes_them() {
        for (given, read) in [
            ("H3", "H3"),
            ("h3", "H3"),
            ("3", "H3"),
            ("H3.1", "H3.1"),
            ("3.1", "H3.1"),
            ("hunk 3", "hunk 3"),
            ("Hx", "Hx"),
        ] {
            assert_eq!(hunk_id(given), read, "{given}");
        }
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
        )
        .flags;
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
