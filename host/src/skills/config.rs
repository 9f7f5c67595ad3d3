//! `[skills]` in config.toml.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SkillsConfig {
    /// Turn skills off entirely.
    pub enabled: bool,
    /// Extra skill roots (lower precedence than project and user roots).
    pub paths: Vec<PathBuf>,
    /// How many skills the per-turn catalog lists (K).
    pub catalog_size: usize,
    /// Characters the catalog may take in the prompt.
    pub catalog_chars: usize,
    /// Activate a skill whose score clearly stands above the rest.
    pub auto_activate: bool,
    /// How clearly: the top score must be at least this many times the
    /// second (and above the index's minimum score).
    pub auto_activate_ratio: f64,
    /// Tokens of one activated body.
    pub body_tokens: usize,
    /// Tokens of all bodies injected in one turn.
    pub turn_body_tokens: usize,
}

impl Default for SkillsConfig {
    fn default() -> Self {
        SkillsConfig {
            enabled: true,
            paths: Vec::new(),
            catalog_size: 8,
            catalog_chars: 2000,
            auto_activate: true,
            auto_activate_ratio: 2.0,
            body_tokens: 5000,
            turn_body_tokens: 12_000,
        }
    }
}
