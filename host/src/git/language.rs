//! The language git speaks to quire. Its messages are read by quire:
//! [`super::GitFailure::explain`] says what a failure means from git's
//! words, `/undo` tells a write git could not make from a conflict, and
//! they are quoted inside quire's own (English) sentences, to you and to
//! the model. So quire's git writes its messages in English
//! (`LC_MESSAGES=C`, `LANGUAGE` unset) whatever your locale, which is
//! otherwise kept: character classes, dates and the rest of `LC_*` stay
//! yours. Output that quire only shows and never reads (what `git
//! merge` said when a subagent's branch was merged, `git diff --stat`)
//! is in your language ([`super::Git::in_user_language`]).

use std::ffi::OsString;
use std::process::Command;

/// The categories `LC_ALL` overrides besides `LC_MESSAGES`.
const CATEGORIES: &[&str] = &[
    "LC_CTYPE",
    "LC_NUMERIC",
    "LC_TIME",
    "LC_COLLATE",
    "LC_MONETARY",
    "LC_PAPER",
    "LC_NAME",
    "LC_ADDRESS",
    "LC_TELEPHONE",
    "LC_MEASUREMENT",
    "LC_IDENTIFICATION",
];

/// Makes `cmd` write git's messages in English, keeping the rest of the
/// user's locale.
pub(super) fn english_messages(cmd: &mut Command) {
    set(cmd, std::env::var_os("LC_ALL"));
}

/// [`english_messages`] with `LC_ALL` as given: what it set (it wins over
/// every `LC_*`) becomes `LANG`, which every category but messages then
/// falls back on.
fn set(cmd: &mut Command, lc_all: Option<OsString>) {
    if let Some(all) = lc_all.filter(|v| !v.is_empty()) {
        cmd.env_remove("LC_ALL");
        for category in CATEGORIES {
            cmd.env_remove(category);
        }
        cmd.env("LANG", all);
    }
    cmd.env("LC_MESSAGES", "C").env_remove("LANGUAGE");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(cmd: &Command) -> Vec<(String, Option<String>)> {
        cmd.get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect()
    }

    #[test]
    fn lc_all_moves_to_lang_and_only_messages_become_english() {
        let mut cmd = Command::new("git");
        set(&mut cmd, Some("de_DE.UTF-8".into()));
        let env = env_of(&cmd);
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("LC_ALL"), Some(None));
        assert_eq!(get("LC_CTYPE"), Some(None));
        assert_eq!(get("LANG"), Some(Some("de_DE.UTF-8".into())));
        assert_eq!(get("LC_MESSAGES"), Some(Some("C".into())));
        assert_eq!(get("LANGUAGE"), Some(None));
        // Without LC_ALL the user's LANG and LC_* stay as they are.
        let mut cmd = Command::new("git");
        set(&mut cmd, None);
        let env = env_of(&cmd);
        assert!(
            !env.iter().any(|(k, _)| k == "LANG" || k == "LC_ALL"),
            "{env:?}"
        );
    }
}
