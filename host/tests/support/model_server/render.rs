//! Rendering scripted steps as each provider's SSE stream.

mod anthropic;
mod chat;
mod errors;
mod responses;

use std::time::Duration;

use serde_json::Value;

pub(super) use errors::{context_length_body, error_body};

use super::{Api, DEFAULT_USAGE, Step};

/// Per-request facts the rendering uses.
pub(super) struct Ctx {
    /// The request's index; makes ids unique per server.
    pub seq: usize,
    /// The `model` of the request body, echoed like real providers do.
    pub model: String,
    /// Responses: the request's `include` asked for
    /// `reasoning.encrypted_content` (see [`super::reasoning_encrypted`]).
    pub encrypted: bool,
}

/// One piece of output.
pub(super) enum Frame {
    /// One complete SSE event (sent as one write).
    Event(Vec<u8>),
    /// A pause before the next event.
    Delay(Duration),
    /// Held until the file exists (at most 60 s).
    Hold(std::path::PathBuf),
}

pub(super) struct Rendered {
    pub frames: Vec<Frame>,
    /// How many events come before the completion (or error) events; a cut
    /// never sends more than this.
    pub body_events: usize,
}

/// How a stream ends.
#[derive(Clone, Copy)]
enum End<'a> {
    Complete,
    Error(&'a str),
}

pub(super) fn stream(api: Api, ctx: &Ctx, steps: &[Step]) -> Rendered {
    render(api, ctx, steps, End::Complete)
}

pub(super) fn stream_error(api: Api, ctx: &Ctx, steps: &[Step], message: &str) -> Rendered {
    render(api, ctx, steps, End::Error(message))
}

fn render(api: Api, ctx: &Ctx, steps: &[Step], end: End<'_>) -> Rendered {
    match api {
        Api::Responses => responses::render(ctx, steps, end),
        Api::Chat => chat::render(ctx, steps, end),
        Api::Anthropic => anthropic::render(ctx, steps, end),
    }
}

/// Collects frames and counts events.
#[derive(Default)]
struct Out {
    frames: Vec<Frame>,
    events: usize,
}

impl Out {
    /// `event: NAME` + `data: {...}` where the data gets `"type": NAME`.
    fn named(&mut self, name: &str, mut data: Value) {
        if let Value::Object(map) = &mut data {
            map.insert("type".into(), Value::String(name.into()));
        }
        self.raw(format!("event: {name}\ndata: {data}\n\n"));
    }

    /// A bare `data: ...` event (Chat Completions).
    fn data(&mut self, data: &str) {
        self.raw(format!("data: {data}\n\n"));
    }

    fn raw(&mut self, text: String) {
        self.frames.push(Frame::Event(text.into_bytes()));
        self.events += 1;
    }

    fn delay(&mut self, ms: u64) {
        self.frames.push(Frame::Delay(Duration::from_millis(ms)));
    }

    fn hold(&mut self, file: &std::path::Path) {
        self.frames.push(Frame::Hold(file.to_path_buf()));
    }

    fn finish(self, body_events: usize) -> Rendered {
        Rendered {
            frames: self.frames,
            body_events,
        }
    }
}

/// The usage to report: the last `Usage` step, or the default.
fn usage(steps: &[Step]) -> (u64, u64) {
    steps
        .iter()
        .rev()
        .find_map(|s| match s {
            Step::Usage { input, output } => Some((*input, *output)),
            _ => None,
        })
        .unwrap_or(DEFAULT_USAGE)
}

/// The cached input tokens to report (read, written): the last `Cached`
/// step, or none.
fn cached(steps: &[Step]) -> (u64, u64) {
    steps
        .iter()
        .rev()
        .find_map(|s| match s {
            Step::Cached { read, written } => Some((*read, *written)),
            _ => None,
        })
        .unwrap_or((0, 0))
}

/// Text deltas: 3 pieces (fewer for texts under 3 characters).
fn text_pieces(text: &str) -> Vec<String> {
    split(text, 3)
}

/// Argument deltas: at least 3 pieces, about 24 characters each for long
/// arguments (fewer for arguments under 3 characters).
fn argument_pieces(arguments: &str) -> Vec<String> {
    let chars = arguments.chars().count();
    split(arguments, chars.div_ceil(24).max(3))
}

/// Splits `text` into at most `n` non-empty pieces of near-equal character
/// counts; an empty text gives no pieces.
fn split(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = n.min(chars.len());
    (0..n)
        .map(|i| {
            let start = i * chars.len() / n;
            let end = (i + 1) * chars.len() / n;
            chars[start..end].iter().collect()
        })
        .collect()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
