//! The whole-number keys whose values must lie in a range (a turn limit
//! of 0, a timeout of 0 ms), and the one sentence that says so: the same
//! words for a file, an environment variable, `-c` and a CLI flag.

use super::Config;

/// A range of whole numbers; `max` is shown only when it is smaller than
/// what TOML can write (an `i64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: u64,
    pub max: Option<u64>,
    /// What the number counts, for the message (`milliseconds`).
    pub unit: Option<&'static str>,
}

impl Range {
    /// `a whole number from 1 to 4294967295`, `a whole number of
    /// milliseconds, at least 1`.
    pub fn phrase(&self) -> String {
        let unit = self.unit.map(|u| format!(" of {u}")).unwrap_or_default();
        match self.max {
            Some(max) => format!("a whole number{unit} from {} to {max}", self.min),
            None => format!("a whole number{unit}, at least {}", self.min),
        }
    }

    /// `KEY must be PHRASE, got GOT`.
    pub fn message(&self, key: &str, got: &str) -> String {
        format!("{key} must be {}, got {got}", self.phrase())
    }

    pub fn contains(&self, v: u64) -> bool {
        v >= self.min && self.max.is_none_or(|m| v <= m)
    }
}

/// `max_turns` (also `--max-turns` and `QUIRE_MAX_TURNS`).
pub const MAX_TURNS: Range = Range {
    min: 1,
    max: Some(u32::MAX as u64),
    unit: None,
};

const MILLISECONDS: Range = Range {
    min: 1,
    max: None,
    unit: Some("milliseconds"),
};

const SECONDS: Range = Range {
    min: 1,
    max: None,
    unit: Some("seconds"),
};

/// `max_output_tokens` (top level and `[models.NAME]`): 0 would ask for
/// an answer of no tokens.
pub const MAX_OUTPUT_TOKENS: Range = Range {
    min: 1,
    max: Some(u32::MAX as u64),
    unit: Some("tokens"),
};

/// A provider's `thinking_budget`: the Anthropic API refuses less.
pub const THINKING_BUDGET: Range = Range {
    min: crate::model::anthropic::MIN_THINKING_BUDGET as u64,
    max: Some(u32::MAX as u64),
    unit: Some("tokens"),
};

/// A hook's `timeout_sec` (`[[hooks.EVENT]]`).
pub const HOOK_TIMEOUT: Range = SECONDS;

/// The range of a key (dotted, as written), when it has one.
pub fn of_key(key: &str) -> Option<Range> {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["max_turns"] => Some(MAX_TURNS),
        ["shell_timeout_ms"] => Some(MILLISECONDS),
        // Top level, or under `[models.NAME]`.
        [.., "max_output_tokens"] => Some(MAX_OUTPUT_TOKENS),
        // Under `[providers.NAME]` (a file's line shows the last part only).
        [.., "connect_timeout_secs" | "stream_idle_timeout_secs"] => Some(SECONDS),
        [.., "thinking_budget"] => Some(THINKING_BUDGET),
        // A hook's, under `[[hooks.EVENT]]`.
        [.., "timeout_sec"] => Some(HOOK_TIMEOUT),
        _ => None,
    }
}

/// `writable_roots`: absolute folders, none holding the home folder
/// (commands could then rewrite `~/.bashrc`, `~/.ssh`).
fn writable_roots(c: &Config) -> Result<(), (String, String)> {
    match c
        .writable_roots
        .iter()
        .find_map(|r| writable_root_refused(r))
    {
        Some(why) => Err(("writable_roots".to_string(), why)),
        None => Ok(()),
    }
}

/// Why loading refuses `root` as one of `writable_roots` (not absolute,
/// or holding the home folder), or `None` when it takes it.
pub(super) fn writable_root_refused(root: &std::path::Path) -> Option<String> {
    root_refused(root).map(|why| format!("writable_roots: {why}"))
}

/// Why `root` may not be a folder commands write besides the workspace
/// (`"/x" must be…`), or `None` when it may.
pub(super) fn root_refused(root: &std::path::Path) -> Option<String> {
    let shown = root.display();
    if !root.is_absolute() {
        return Some(format!(
            "\"{shown}\" must be an absolute path, such as \"/data/out\""
        ));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(std::path::PathBuf::from);
    let real = super::trust::canonical(root);
    (real.parent().is_none() || home.as_deref().is_some_and(|h| h.starts_with(&real))).then(|| {
        format!(
            "\"{shown}\" holds your home folder, so commands could change your shell's startup files and keys; name the folders inside it they need to write"
        )
    })
}

/// The first key of `c` out of its range: the key and the message.
pub(super) fn check(c: &Config) -> Result<(), (String, String)> {
    writable_roots(c)?;
    // How many times the best skill's score must be the next one's: below
    // 1 (or NaN) every message would activate its best match.
    let ratio = c.skills.auto_activate_ratio;
    if !(ratio.is_finite() && ratio >= 1.0) {
        let key = "skills.auto_activate_ratio".to_string();
        let message = format!(
            "{key} must be a number of at least 1 (how many times the best score must be the next one's; 2 by default), got {ratio}"
        );
        return Err((key, message));
    }
    let mut values: Vec<(String, u64)> = vec![
        ("max_turns".into(), u64::from(c.max_turns)),
        ("shell_timeout_ms".into(), c.shell_timeout_ms),
    ];
    if let Some(v) = c.max_output_tokens {
        values.push(("max_output_tokens".into(), u64::from(v)));
    }
    for (name, m) in &c.models {
        if let Some(v) = m.max_output_tokens {
            values.push((format!("models.{name}.max_output_tokens"), u64::from(v)));
        }
    }
    for (name, p) in &c.providers {
        for (field, v) in [
            ("connect_timeout_secs", p.connect_timeout_secs),
            ("stream_idle_timeout_secs", p.stream_idle_timeout_secs),
        ] {
            if let Some(v) = v {
                values.push((format!("providers.{name}.{field}"), v));
            }
        }
        if let Some(v) = p.thinking_budget {
            values.push((format!("providers.{name}.thinking_budget"), u64::from(v)));
        }
    }
    for (key, v) in values {
        if let Some(range) = of_key(&key)
            && !range.contains(v)
        {
            let message = range.message(&key, &v.to_string());
            return Err((key, message));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sentence_per_range() {
        assert_eq!(
            MAX_TURNS.message("max_turns", "0"),
            "max_turns must be a whole number from 1 to 4294967295, got 0"
        );
        assert_eq!(
            of_key("shell_timeout_ms").map(|r| r.message("shell_timeout_ms", "0")),
            Some(
                "shell_timeout_ms must be a whole number of milliseconds, at least 1, got 0".into()
            )
        );
        assert!(of_key("providers.x.stream_idle_timeout_secs").is_some());
        assert!(of_key("model").is_none());
        let mut c = Config::default();
        assert!(check(&c).is_ok());
        for bad in [-1.0, 0.0, 0.5, f64::NAN, f64::INFINITY] {
            c.skills.auto_activate_ratio = bad;
            let got = check(&c).err().map(|e| e.1).unwrap_or_default();
            assert!(
                got.contains("must be a number of at least 1"),
                "{bad}: {got}"
            );
        }
        c.skills.auto_activate_ratio = 1.5;
        assert!(check(&c).is_ok());
        c.max_output_tokens = Some(0);
        assert_eq!(
            check(&c),
            Err((
                "max_output_tokens".into(),
                "max_output_tokens must be a whole number of tokens from 1 to 4294967295, got 0"
                    .into()
            ))
        );
        c.max_output_tokens = None;
        c.models.insert(
            "m".into(),
            crate::config::ModelEntry {
                max_output_tokens: Some(0),
                ..Default::default()
            },
        );
        assert_eq!(
            check(&c).map_err(|(k, _)| k),
            Err("models.m.max_output_tokens".into())
        );
        c.models.clear();
        c.providers.insert(
            "x".into(),
            crate::config::ProviderEntry {
                stream_idle_timeout_secs: Some(0),
                ..Default::default()
            },
        );
        assert_eq!(
            check(&c).map_err(|(k, _)| k),
            Err("providers.x.stream_idle_timeout_secs".into())
        );
    }
}
