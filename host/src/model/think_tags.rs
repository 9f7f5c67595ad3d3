//! Reasoning a Chat Completions server leaves in the answer's text as a
//! `<think>…</think>` (or `<thinking>…</thinking>`) block at its start:
//! llama-server with `--reasoning-format none`, vLLM without a
//! `--reasoning-parser`, LM Studio with its reasoning not separated, R1
//! distills on older Ollama. The block streams as reasoning, never as the
//! answer; the tags may be cut anywhere between chunks. Only a block at
//! the very start counts (after blank space): a tag later in the answer is
//! text the model wrote.

use super::ModelEvent;

/// The opening tags and the closing tag each one needs.
const TAGS: [(&str, &str); 2] = [("<think>", "</think>"), ("<thinking>", "</thinking>")];

/// Where in the answer the splitter is.
#[derive(Debug, Default)]
enum State {
    /// Nothing but blank space and, perhaps, the start of an opening tag
    /// so far: held back until it is clear.
    #[default]
    Start,
    /// Inside the block, which `close` ends.
    Inside { close: &'static str },
    /// Just after the block: the blank space before the answer is dropped.
    After,
    /// In the answer: everything is text.
    Text,
}

/// Splits the `content` deltas of one response into reasoning and text.
#[derive(Debug, Default)]
pub(crate) struct ThinkTags {
    state: State,
    /// Text not yet passed on: the start of the answer while it may still
    /// be an opening tag, or inside the block the end of what came, which
    /// may be the start of the closing tag.
    held: String,
}

impl ThinkTags {
    /// The events for one `content` delta.
    pub(crate) fn feed(&mut self, delta: &str) -> Vec<ModelEvent> {
        let mut out = Vec::new();
        self.held.push_str(delta);
        loop {
            match self.state {
                State::Text => {
                    push_text(&mut out, std::mem::take(&mut self.held));
                    return out;
                }
                State::Start => {
                    let start = self.held.trim_start();
                    if let Some(&(open, close)) = TAGS.iter().find(|(o, _)| start.starts_with(o)) {
                        let rest = start[open.len()..].to_string();
                        self.held = rest;
                        self.state = State::Inside { close };
                        continue;
                    }
                    // `<think` may yet become `<thinking>`; either way wait.
                    if TAGS.iter().any(|(o, _)| o.starts_with(start)) {
                        return out;
                    }
                    self.state = State::Text;
                }
                State::Inside { close } => {
                    if let Some(at) = self.held.find(close) {
                        let after = self.held.split_off(at + close.len());
                        self.held.truncate(at);
                        push_reasoning(&mut out, std::mem::take(&mut self.held));
                        self.held = after;
                        self.state = State::After;
                        continue;
                    }
                    // Keep back what may be the start of the closing tag.
                    let keep = (1..close.len())
                        .rev()
                        .find(|&n| self.held.ends_with(&close[..n]))
                        .unwrap_or(0);
                    let rest = self.held.split_off(self.held.len() - keep);
                    push_reasoning(&mut out, std::mem::replace(&mut self.held, rest));
                    return out;
                }
                State::After => {
                    let answer = self.held.trim_start();
                    if answer.is_empty() {
                        self.held.clear();
                        return out;
                    }
                    self.held = answer.to_string();
                    self.state = State::Text;
                }
            }
        }
    }

    /// What is still held when the response ends: a start that never
    /// became a tag is text; a block never closed is reasoning.
    pub(crate) fn finish(&mut self) -> Vec<ModelEvent> {
        let mut out = Vec::new();
        let held = std::mem::take(&mut self.held);
        match self.state {
            State::Start | State::Text => push_text(&mut out, held),
            State::Inside { .. } => push_reasoning(&mut out, held),
            State::After => {}
        }
        self.state = State::Text;
        out
    }
}

fn push_text(out: &mut Vec<ModelEvent>, text: String) {
    if !text.is_empty() {
        out.push(ModelEvent::TextDelta(text));
    }
}

fn push_reasoning(out: &mut Vec<ModelEvent>, text: String) {
    if !text.is_empty() {
        out.push(ModelEvent::ReasoningDelta(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `pieces`, then ends: the reasoning and the text, each joined.
    fn split(pieces: &[&str]) -> (String, String) {
        let mut tags = ThinkTags::default();
        let mut events = Vec::new();
        for p in pieces {
            events.extend(tags.feed(p));
        }
        events.extend(tags.finish());
        let (mut reasoning, mut text) = (String::new(), String::new());
        for e in events {
            match e {
                ModelEvent::ReasoningDelta(r) => reasoning.push_str(&r),
                ModelEvent::TextDelta(t) => text.push_str(&t),
                other => panic!("{other:?}"),
            }
        }
        (reasoning, text)
    }

    /// Every way of cutting `whole` in two.
    fn every_cut(whole: &str) -> Vec<(String, String)> {
        (0..=whole.len())
            .filter(|&i| whole.is_char_boundary(i))
            .map(|i| split(&[&whole[..i], &whole[i..]]))
            .collect()
    }

    #[test]
    fn a_block_at_the_start_is_reasoning_wherever_it_is_cut() {
        for whole in [
            "<think>\nLet me think.\n</think>\n\nThe answer is 42.",
            "\n<thinking>Let me think.</thinking>The answer is 42.",
        ] {
            for (reasoning, text) in every_cut(whole) {
                assert_eq!(reasoning.trim(), "Let me think.", "{whole:?}");
                assert_eq!(text, "The answer is 42.", "{whole:?}");
            }
        }
    }

    #[test]
    fn a_tag_later_in_the_answer_is_text() {
        let whole = "Use <think> tags.";
        for (reasoning, text) in every_cut(whole) {
            assert_eq!((reasoning.as_str(), text.as_str()), ("", whole));
        }
        let whole = "<think>a</think>b <think>c</think>";
        for (reasoning, text) in every_cut(whole) {
            assert_eq!(
                (reasoning.as_str(), text.as_str()),
                ("a", "b <think>c</think>")
            );
        }
    }

    #[test]
    fn what_never_became_a_tag_or_never_closed() {
        assert_eq!(split(&["<thi"]), (String::new(), "<thi".into()));
        assert_eq!(split(&["<thinker>"]), (String::new(), "<thinker>".into()));
        assert_eq!(
            split(&["<think>cut", " off</thi"]),
            ("cut off</thi".into(), String::new())
        );
        assert_eq!(split(&["  "]), (String::new(), "  ".into()));
    }
}
