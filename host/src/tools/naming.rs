//! The one owner of the names the model sees: one sanitiser (characters
//! outside `[A-Za-z0-9_-]` become `_`), one length limit (64, the longest
//! any provider accepts) and one hash (the first 8 hex digits of SHA-256)
//! for names that are cut and for names that clash. The registry, MCP
//! servers (`mcp__SERVER__TOOL`) and plugins (`PLUGIN__TOOL`) all name
//! through it.

use sha2::{Digest, Sha256};

/// The longest name any provider accepts.
pub const MAX_NAME: usize = 64;
/// Hex digits of the hash suffix.
const HASH_LEN: usize = 8;

/// Replaces every character outside `[A-Za-z0-9_-]` with `_`.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A short stable hash of `key` (the same on every run and machine).
pub fn short_hash(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut hex = String::with_capacity(HASH_LEN);
    for b in digest.iter().take(HASH_LEN / 2) {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// `base` (sanitised) cut to leave room for `_HASH`, then the hash of `key`.
pub fn with_hash(base: &str, key: &str) -> String {
    let base = sanitize(base);
    let keep = MAX_NAME - HASH_LEN - 1;
    // ASCII after sanitising, so byte slicing is safe.
    let head = &base[..base.len().min(keep)];
    format!("{head}_{}", short_hash(key))
}

/// `parts` sanitised and joined with `__` (`mcp__srv__tool`,
/// `plugin__tool`); a result over [`MAX_NAME`] is cut and ends in the hash
/// of the original parts, so distinct tools stay distinct.
pub fn qualified(parts: &[&str]) -> String {
    let full = parts
        .iter()
        .map(|p| sanitize(p))
        .collect::<Vec<_>>()
        .join("__");
    fit(&full, &parts.join("\0"))
}

/// `name` sanitised when it fits in [`MAX_NAME`], else cut with the hash of
/// `key` (the original, unsanitised identity of the tool).
pub fn fit(name: &str, key: &str) -> String {
    let clean = sanitize(name);
    if clean.len() <= MAX_NAME {
        clean
    } else {
        with_hash(&clean, key)
    }
}

/// The `n`th name for `base` when `base` is taken: `base_n`, cut (with a
/// hash) to stay within [`MAX_NAME`].
pub fn numbered(base: &str, n: u32) -> String {
    let name = format!("{base}_{n}");
    fit(&name, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_clean(n: &str) -> bool {
        n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }

    #[test]
    fn short_names_are_only_sanitised() {
        assert_eq!(
            qualified(&["mcp", "github", "create_issue"]),
            "mcp__github__create_issue"
        );
        assert_eq!(qualified(&["word-count", "count"]), "word-count__count");
        assert_eq!(qualified(&["a.b", "x y"]), "a_b__x_y");
        assert_eq!(qualified(&["mcp", "s", "naïve"]), "mcp__s__na_ve");
        assert_eq!(fit("shell", "shell"), "shell");
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash_of_the_original() {
        let long = "x".repeat(100);
        let a = qualified(&["mcp", "srv", &long]);
        assert_eq!(a.len(), MAX_NAME);
        assert!(a.starts_with("mcp__srv__xxx") && is_clean(&a), "{a}");
        let b = qualified(&["mcp", "srv", &format!("{long}y")]);
        assert_ne!(a, b, "different originals get different hashes");
        assert_eq!(a, qualified(&["mcp", "srv", &long]), "stable");
        // Two originals that sanitise alike still differ once cut.
        let c = qualified(&["p", &format!("{long}.")]);
        let d = qualified(&["p", &format!("{long}_")]);
        assert_ne!(c, d);
        assert_eq!(short_hash("a"), short_hash("a"));
        assert_eq!(short_hash("a").len(), 8);
    }

    #[test]
    fn numbered_names_stay_within_the_limit() {
        assert_eq!(numbered("x", 2), "x_2");
        let base = "y".repeat(MAX_NAME);
        let n2 = numbered(&base, 2);
        let n3 = numbered(&base, 3);
        assert!(n2.len() <= MAX_NAME && n3.len() <= MAX_NAME);
        assert_ne!(n2, n3);
        assert_ne!(n2, base);
    }
}
