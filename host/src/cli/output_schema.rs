//! `quire exec --output-schema FILE`, as Codex's: the task's answer must be
//! one JSON value matching the user's JSON Schema. The OpenAI wires get it
//! as their strict structured-output format (a server that refuses the
//! field goes on without it), every wire gets it in the task's text, and
//! the answer is checked here: one that does not match fails the run.

use std::path::Path;

use quire::agent::Event;
use quire::protocol::TaskState;
use quire::review::schema::Checker;
use serde_json::Value;

use super::render::Renderer;

/// The largest schema file read: a schema is a page or two; a huge one
/// costs minutes to compile.
const MAX_BYTES: u64 = 256 << 10;

/// The text of `--output-schema FILE` (also `quire review`'s), with the
/// error naming the file.
pub fn read_text(path: &Path) -> Result<String, String> {
    quire::file_kind::read_to_string(path)
        .map_err(|e| format!("--output-schema {}: {e}", path.display()))
}

/// `text` of `--output-schema FILE` as JSON; the error says what to give.
pub fn parse(path: &Path, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "--output-schema {}: not JSON ({e}); give a JSON Schema file",
            path.display()
        )
    })
}

/// The schema of FILE, compiled; the error names the file and what to do.
pub fn load(path: &Path) -> Result<(Value, Checker), String> {
    let name = format!("--output-schema {}", path.display());
    let text = read_text(path)?;
    if text.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{name}: {} bytes, over the {MAX_BYTES} bytes a schema may have",
            text.len()
        ));
    }
    let schema = parse(path, &text)?;
    if !schema.is_object() {
        return Err(format!(
            "{name}: a JSON Schema is an object (`{{\"type\": \"object\", …}}`)"
        ));
    }
    let checker = Checker::new(schema.clone(), &name).map_err(|e| e.to_string())?;
    Ok((schema, checker))
}

/// The task with what its answer must be.
pub fn task_with(task: &str, schema: &Value) -> String {
    format!(
        "{task}\n\nEnd with a final answer that is one JSON value matching this JSON Schema, and nothing else (no prose around it, no code fence):\n{schema}"
    )
}

/// The answer as JSON, when it matches the schema (a surrounding code
/// fence is taken off); else what is wrong with it.
pub fn checked(answer: Option<&str>, checker: &Checker) -> Result<String, String> {
    let Some(answer) = answer else {
        return Err("the task ended without an answer to check".into());
    };
    let json = unfenced(answer.trim());
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("the answer is not JSON ({e})"))?;
    checker
        .check(&value)
        .map_err(|e| format!("the answer does not match the schema: {e}"))?;
    Ok(json.to_string())
}

/// Stands between the session's events and the view: the task's last
/// message is held until the task ends, checked, and passed on as the
/// JSON it holds (a code fence taken off) — so stdout, `-o` and the
/// events all carry the checked answer — or, when it does not match, the
/// task ends `failed` with an `error` saying why (Codex's `turn.failed`
/// with `--json=codex`). A message followed by more work passes on as it
/// came.
pub struct Gate<'a> {
    pub inner: &'a mut dyn Renderer,
    pub checker: &'a Checker,
    pub file: &'a Path,
    held: Option<String>,
    /// What came after the held message (the turn's end, usage…), passed
    /// on after it so the stream keeps its order.
    after: Vec<Event>,
    /// Why the answer was refused.
    pub mismatch: Option<String>,
}

impl<'a> Gate<'a> {
    pub fn new(inner: &'a mut dyn Renderer, checker: &'a Checker, file: &'a Path) -> Self {
        Gate {
            inner,
            checker,
            file,
            held: None,
            after: Vec::new(),
            mismatch: None,
        }
    }

    /// Passes the held message on as it came, then what followed it.
    fn release(&mut self) {
        if let Some(text) = self.held.take() {
            self.inner.event(&Event::MessageCompleted { text });
        }
        self.flush();
    }

    fn flush(&mut self) {
        for event in std::mem::take(&mut self.after) {
            self.inner.event(&event);
        }
    }
}

impl Renderer for Gate<'_> {
    fn event(&mut self, event: &Event) {
        match event {
            Event::MessageCompleted { text } => {
                self.release();
                self.held = Some(text.clone());
            }
            Event::TurnStarted { .. } | Event::ToolStarted { .. } => {
                self.release();
                self.inner.event(event);
            }
            Event::TaskCompleted {
                status: TaskState::Done,
                turns,
                usage,
                unsaved_records,
                ..
            } => match checked(self.held.as_deref(), self.checker) {
                Ok(json) => {
                    self.held = None;
                    self.inner.event(&Event::MessageCompleted { text: json });
                    self.flush();
                    self.inner.event(event);
                }
                Err(problem) => {
                    let message = format!("--output-schema {}: {problem}", self.file.display());
                    self.release();
                    self.inner.event(&Event::Error {
                        message: message.clone(),
                    });
                    self.inner.event(&Event::TaskCompleted {
                        status: TaskState::Failed,
                        turns: *turns,
                        usage: *usage,
                        reason: Some(message.clone()),
                        unsaved_records: *unsaved_records,
                        answer: None,
                    });
                    self.mismatch = Some(message);
                }
            },
            Event::TaskCompleted { .. } => {
                self.release();
                self.inner.event(event);
            }
            _ if self.held.is_some() => self.after.push(event.clone()),
            _ => self.inner.event(event),
        }
    }

    fn tick(&mut self) {
        self.inner.tick();
    }

    fn clear_status(&mut self) {
        self.inner.clear_status();
    }
}

/// `text` without a Markdown code fence around it.
fn unfenced(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    let Some(body) = rest.strip_suffix("```") else {
        return text;
    };
    // The fence's language word (`json`), up to the end of its line.
    body.split_once('\n').map_or(body, |(_, b)| b).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checker() -> Checker {
        let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}},
                            "required": ["ok"], "additionalProperties": false});
        Checker::new(schema, "test").unwrap()
    }

    #[test]
    fn a_matching_answer_passes_fenced_or_not_and_others_say_why() {
        let c = checker();
        assert_eq!(
            checked(Some(" {\"ok\": true}\n"), &c).unwrap(),
            "{\"ok\": true}"
        );
        assert_eq!(
            checked(Some("```json\n{\"ok\": false}\n```"), &c).unwrap(),
            "{\"ok\": false}"
        );
        let wrong = checked(Some("{\"ok\": 1}"), &c).unwrap_err();
        assert!(wrong.contains("does not match"), "{wrong}");
        let prose = checked(Some("Here it is: {\"ok\": true}"), &c).unwrap_err();
        assert!(prose.contains("not JSON"), "{prose}");
        assert!(checked(None, &c).unwrap_err().contains("without an answer"));
    }

    #[test]
    fn a_schema_over_the_cap_is_refused_before_it_is_compiled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let props: Vec<String> = (0..20_000)
            .map(|i| format!("\"p{i}\": {{\"type\": \"string\"}}"))
            .collect();
        let text = format!(
            "{{\"type\": \"object\", \"properties\": {{{}}}}}",
            props.join(", ")
        );
        assert!(text.len() as u64 > MAX_BYTES);
        std::fs::write(&path, text).unwrap();
        let err = load(&path).err().unwrap();
        assert!(err.contains("bytes a schema may have"), "{err}");
    }
}
