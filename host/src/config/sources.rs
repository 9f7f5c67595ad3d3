//! Which layer set which settings (for `/status`): the user's
//! config.toml, a trusted repository's `.quire/config.toml`, `QUIRE_*`
//! environment variables and `-c` overrides (the CLI's flags included),
//! in the order they apply; a later layer wins. A key written with
//! Codex's name is shown with quire's: `sandbox (sandbox_mode)`; Codex's
//! keys quire does not use (`file_opener`) are not listed.

use super::codex_keys::shown_key;
use super::load::{ENV_KEYS, LoadOptions, read_table};

/// One layer that set something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    /// A file path, an environment variable or `-c`.
    pub origin: String,
    /// The top-level keys it set (`providers` for `[providers.x]`).
    pub keys: Vec<String>,
}

/// The layers of `opts` that set anything. `trusted` is whether the
/// repository's own file was read (`Config::project_trusted`); `profile`
/// the profile applied and the keys it set (`Config::profile_applied`),
/// which comes after the files. A file
/// that cannot be read or parsed was already an error of `load`; here it
/// is left out.
pub fn sources(
    opts: &LoadOptions,
    trusted: bool,
    profile: Option<&(String, Vec<String>)>,
) -> Vec<ConfigSource> {
    let mut out = Vec::new();
    let mut files = vec![opts.home.join("config.toml")];
    if let Some(root) = opts.repo_root.as_ref().filter(|_| trusted) {
        files.push(root.join(".quire").join("config.toml"));
    }
    for path in files {
        if let Ok((table, _)) = read_table(&path)
            && !table.is_empty()
        {
            out.push(ConfigSource {
                origin: path.display().to_string(),
                // Codex's keys quire does not use set nothing.
                keys: table
                    .keys()
                    .filter(|k| super::codex_notes::note(k).is_none())
                    .map(|k| shown_key(k))
                    .collect(),
            });
        }
    }
    if let Some((name, keys)) = profile {
        out.push(ConfigSource {
            origin: format!("profile {name} ([profiles.{name}])"),
            keys: keys.iter().map(|k| shown_key(k)).collect(),
        });
    }
    for (var, key) in ENV_KEYS {
        if std::env::var(var).is_ok_and(|v| !v.is_empty()) {
            out.push(ConfigSource {
                origin: (*var).to_string(),
                keys: vec![(*key).to_string()],
            });
        }
    }
    let mut overrides: Vec<String> = Vec::new();
    for o in &opts.overrides {
        if let Some((k, _)) = o.split_once('=') {
            let k = shown_key(k.trim());
            if !overrides.contains(&k) {
                overrides.push(k);
            }
        }
    }
    if !overrides.is_empty() {
        out.push(ConfigSource {
            origin: "-c (and flags)".to_string(),
            keys: overrides,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_comes_after_the_files_and_before_the_overrides() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("config.toml"), "model = \"gpt-5\"\n").unwrap();
        let opts = LoadOptions {
            home: home.path().to_path_buf(),
            repo_root: None,
            workspace: None,
            overrides: vec!["max_turns=3".into()],
            profile: None,
        };
        let applied = ("careful".to_string(), vec!["sandbox_mode".to_string()]);
        let got = sources(&opts, true, Some(&applied));
        let origins: Vec<&str> = got.iter().map(|s| s.origin.as_str()).collect();
        let user = home.path().join("config.toml").display().to_string();
        assert_eq!(
            origins,
            [
                user.as_str(),
                "profile careful ([profiles.careful])",
                "-c (and flags)"
            ]
        );
        assert_eq!(got[1].keys, ["sandbox (sandbox_mode)"]);
    }

    #[test]
    fn each_layer_lists_the_keys_it_set() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("config.toml"),
            "model = \"gpt-5\"\n[providers.local]\nbase_url = \"http://127.0.0.1:1\"\n",
        )
        .unwrap();
        std::fs::create_dir(repo.path().join(".quire")).unwrap();
        std::fs::write(repo.path().join(".quire/config.toml"), "max_turns = 5\n").unwrap();
        let opts = LoadOptions {
            home: home.path().to_path_buf(),
            repo_root: Some(repo.path().to_path_buf()),
            workspace: None,
            overrides: vec!["approval=\"never\"".into(), "model=x".into()],
            profile: None,
        };
        let got = sources(&opts, true, None);
        let user = home.path().join("config.toml").display().to_string();
        let project = repo.path().join(".quire/config.toml").display().to_string();
        assert_eq!(got[0].origin, user);
        assert_eq!(got[0].keys, vec!["model", "providers"]);
        assert_eq!(got[1].origin, project);
        assert_eq!(got[1].keys, vec!["max_turns"]);
        let last = got.last().unwrap();
        assert_eq!(last.origin, "-c (and flags)");
        assert_eq!(last.keys, vec!["approval", "model"]);
        // Codex's names are shown with quire's.
        std::fs::write(
            home.path().join("config.toml"),
            "sandbox_mode = \"read-only\"\nfile_opener = \"vscode\"\n[sandbox_workspace_write]\nnetwork_access = true\n[model_providers.x]\nbase_url = \"http://h\"\n",
        )
        .unwrap();
        let codex = LoadOptions {
            overrides: vec!["approval_policy=never".into()],
            ..opts.clone()
        };
        let got = sources(&codex, false, None);
        assert_eq!(
            got[0].keys,
            vec![
                "providers (model_providers)",
                "sandbox (sandbox_mode)",
                "network (sandbox_workspace_write)"
            ]
        );
        assert_eq!(got[1].keys, vec!["approval (approval_policy)"]);
        // An untrusted repository's file is not a source.
        assert!(
            !sources(&opts, false, None)
                .iter()
                .any(|s| s.origin == project)
        );
    }
}
