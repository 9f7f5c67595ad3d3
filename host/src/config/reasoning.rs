//! How much a reasoning model thinks and what it shows of it:
//! `reasoning_effort`, `reasoning_summary` and `verbosity` (top level, a
//! profile, or `[models.NAME]` for one model; Codex's names
//! `model_reasoning_effort`, `model_reasoning_summary` and
//! `model_verbosity` read as these, see [`super::codex_keys`]). The wires
//! send them as each API names them: Responses `reasoning: {effort,
//! summary}` and `text: {verbosity}`, Chat `reasoning_effort`, Anthropic
//! a thinking budget ([`Effort::thinking_budget`]).

use serde::{Deserialize, Serialize};

/// `reasoning_effort`: how long the model reasons before it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    None,
    Minimal,
    Low,
    Medium,
    High,
    Xhigh,
}

impl Effort {
    pub fn as_str(self) -> &'static str {
        match self {
            Effort::None => "none",
            Effort::Minimal => "minimal",
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
            Effort::Xhigh => "xhigh",
        }
    }

    /// The Anthropic thinking budget an effort stands for when the
    /// provider sets no `thinking_budget`: none for `none` and `minimal`
    /// (thinking off), then 4096, 8192, 16384 and 32768 tokens.
    pub fn thinking_budget(self) -> Option<u32> {
        match self {
            Effort::None | Effort::Minimal => None,
            Effort::Low => Some(4096),
            Effort::Medium => Some(8192),
            Effort::High => Some(16_384),
            Effort::Xhigh => Some(32_768),
        }
    }
}

/// `reasoning_summary`: the summary of its reasoning the model shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Summary {
    Auto,
    Concise,
    Detailed,
    /// No summary asked for (the field is left out).
    None,
}

impl Summary {
    pub fn as_str(self) -> &'static str {
        match self {
            Summary::Auto => "auto",
            Summary::Concise => "concise",
            Summary::Detailed => "detailed",
            Summary::None => "none",
        }
    }
}

/// `verbosity`: how long the answers of GPT-5 models are (`text.verbosity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    Low,
    Medium,
    High,
}

impl Verbosity {
    pub fn as_str(self) -> &'static str {
        match self {
            Verbosity::Low => "low",
            Verbosity::Medium => "medium",
            Verbosity::High => "high",
        }
    }
}

/// The reasoning settings of one model, resolved (`None`: not configured,
/// the field is not sent and the server's default applies).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reasoning {
    pub effort: Option<Effort>,
    pub summary: Option<Summary>,
    pub verbosity: Option<Verbosity>,
}

impl Reasoning {
    /// Whether a summary is asked for (`none` asks for nothing).
    pub fn summary_asked(&self) -> Option<Summary> {
        self.summary.filter(|s| *s != Summary::None)
    }

    /// Whether anything about reasoning is configured (the model is taken
    /// for a reasoning model).
    pub fn configured(&self) -> bool {
        self.effort.is_some() || self.summary_asked().is_some()
    }
}

/// The words a reasoning key takes (`reasoning_effort`,
/// `reasoning_summary`, `verbosity`), for checking Codex's names of them
/// where they were written.
pub fn words(key: &str) -> Option<&'static [&'static str]> {
    match key {
        "reasoning_effort" => Some(&["none", "minimal", "low", "medium", "high", "xhigh"]),
        "reasoning_summary" => Some(&["auto", "concise", "detailed", "none"]),
        "verbosity" => Some(&["low", "medium", "high"]),
        _ => None,
    }
}

impl super::Config {
    /// The reasoning settings of `model`: its `[models.NAME]` entry's, else
    /// the top-level keys'.
    pub fn reasoning_for(&self, model: &str) -> Reasoning {
        let entry = self.models.get(model);
        Reasoning {
            effort: entry
                .and_then(|m| m.reasoning_effort)
                .or(self.reasoning_effort),
            summary: entry
                .and_then(|m| m.reasoning_summary)
                .or(self.reasoning_summary),
            verbosity: entry.and_then(|m| m.verbosity).or(self.verbosity),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, ModelEntry};

    #[test]
    fn the_words_are_the_values() {
        for key in ["reasoning_effort", "reasoning_summary", "verbosity"] {
            for word in words(key).unwrap_or_default() {
                let c: Result<Config, _> = toml::from_str(&format!("{key} = \"{word}\""));
                assert!(c.is_ok(), "{key} = {word}");
            }
        }
    }

    #[test]
    fn a_model_entry_overrides_the_top_level_keys() {
        let mut c = Config {
            reasoning_effort: Some(Effort::Low),
            reasoning_summary: Some(Summary::Auto),
            ..Config::default()
        };
        c.models.insert(
            "o3".into(),
            ModelEntry {
                reasoning_effort: Some(Effort::High),
                ..ModelEntry::default()
            },
        );
        assert_eq!(
            c.reasoning_for("o3"),
            Reasoning {
                effort: Some(Effort::High),
                summary: Some(Summary::Auto),
                verbosity: None
            }
        );
        assert_eq!(c.reasoning_for("gpt-5.1").effort, Some(Effort::Low));
        assert!(!Config::default().reasoning_for("x").configured());
        let none = Reasoning {
            summary: Some(Summary::None),
            ..Reasoning::default()
        };
        assert!(!none.configured());
    }
}
