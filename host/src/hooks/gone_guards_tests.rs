use super::*;
use crate::hooks::load_hooks;

/// A trusted repository (its own `.git`) and a quire home, both real
/// folders, read as a session reads them.
struct Place {
    home: tempfile::TempDir,
    repo: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let place = Place {
            home: tempfile::tempdir().unwrap(),
            repo: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(place.repo.path().join(".git")).unwrap();
        place
    }

    fn sources(&self) -> HookSources {
        HookSources {
            home: self.home.path().to_path_buf(),
            claude_home: None,
            repo_root: Some(self.repo.path().to_path_buf()),
            project_trusted: true,
            claude_compat: true,
            plugin_files: Vec::new(),
            plugins: crate::plugins::PluginsConfig {
                enabled: false,
                paths: Vec::new(),
            },
            plugins_not_loaded: Vec::new(),
        }
    }

    fn settings(&self, text: &str) {
        let dir = self.repo.path().join(".claude");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("settings.json"), text).unwrap();
    }

    fn guard(&self, matcher: &str, command: &str) {
        self.settings(&format!(
            r#"{{"hooks": {{"PreToolUse": [{{"matcher": "{matcher}", "hooks": [{{"type": "command", "command": "{command}"}}]}}]}}}}"#
        ));
    }

    /// Approves every hook waiting, as `quire hooks trust` does.
    fn approve_all(&self) {
        let loaded = load_hooks(&self.sources());
        let mut store = TrustStore::load(self.home.path()).unwrap();
        for h in loaded
            .hooks
            .iter()
            .filter(|h| h.trust == TrustState::NotApproved)
        {
            store.approve(h);
        }
        store.save(self.home.path()).unwrap();
    }

    fn store(&self) -> TrustStore {
        TrustStore::load(self.home.path()).unwrap()
    }

    fn gone(&self) -> Vec<Hook> {
        load_hooks(&self.sources()).gone
    }
}

#[test]
fn a_guard_changed_or_removed_blocks_what_its_matcher_matched_until_forgotten() {
    let place = Place::new();
    place.guard("Bash", "exit 2");
    place.approve_all();
    assert!(place.gone().is_empty());

    // Its command changed: the new one is merely new, the old one gone.
    place.guard("Bash", "exit 0");
    let loaded = load_hooks(&place.sources());
    assert!(!loaded.hooks[0].approved_before);
    let [gone] = loaded.gone.as_slice() else {
        panic!("{:?}", loaded.gone);
    };
    assert_eq!(gone.trust, TrustState::Gone);
    assert_eq!(gone.event, HookEvent::PreToolUse);
    assert_eq!(gone.def.label(), "exit 2");
    assert_eq!(gone.source, place.repo.path().join(".claude/settings.json"));
    // `Bash` is Claude Code's name of quire's `shell`.
    assert!(gone.matches(Some("shell")));
    assert!(!gone.matches(Some("read_file")));

    // Its matcher changed, or the entry or the whole file removed: the same.
    place.guard("Write", "exit 2");
    assert_eq!(place.gone().len(), 1);
    place.settings("{}");
    assert_eq!(place.gone().len(), 1);
    std::fs::remove_file(place.repo.path().join(".claude/settings.json")).unwrap();
    let gone = place.gone();
    assert_eq!(gone.len(), 1);

    // Accepting the change forgets the approval: nothing is blocked.
    let mut store = place.store();
    assert_eq!(forget(&mut store, &gone[0]), 1);
    store.save(place.home.path()).unwrap();
    assert!(place.gone().is_empty());
}

#[test]
fn an_approval_without_a_recorded_matcher_blocks_every_call_of_its_event() {
    let place = Place::new();
    let mut store = TrustStore::default();
    let source = place.repo.path().join(".claude/settings.json");
    store.trusted.insert(
        "0123456789abcdef".into(),
        Approved {
            source: source.display().to_string(),
            event: "PreToolUse".into(),
            hook: "./guard.sh".into(),
            ..Default::default()
        },
    );
    store.save(place.home.path()).unwrap();
    let gone = place.gone();
    let [hook] = gone.as_slice() else {
        panic!("{gone:?}");
    };
    assert!(hook.matches(Some("shell")) && hook.matches(Some("read_file")));
    assert_eq!(hook.id(), "0123456789ab");
    let warning = warning(&gone).unwrap_or_default();
    assert!(
        warning.contains("0123456789ab PreToolUse [*] `./guard.sh`")
            && warning.contains("quire hooks trust"),
        "{warning}"
    );
}

#[test]
fn approvals_of_one_guard_are_one_gone_guard_and_forgotten_together() {
    let place = Place::new();
    place.guard("Bash", "exit 2");
    place.approve_all();
    // The same guard approved again under another hash (its script changed).
    let mut store = place.store();
    let first = store.trusted.values().next().cloned().unwrap();
    store.trusted.insert("ffff".into(), first);
    store.save(place.home.path()).unwrap();
    place.settings("{}");
    let gone = place.gone();
    assert_eq!(gone.len(), 1, "{gone:?}");
    let mut store = place.store();
    assert_eq!(forget(&mut store, &gone[0]), 2);
    assert!(store.trusted.is_empty());
}

#[test]
fn approvals_this_rule_does_not_cover_block_nothing() {
    let place = Place::new();
    let other = tempfile::tempdir().unwrap();
    let nested = place.repo.path().join("vendor/lib");
    std::fs::create_dir_all(nested.join(".git")).unwrap();
    let in_repo = place.repo.path().join(".claude/settings.json");
    let entries = [
        // Another repository's guard.
        (other.path().join(".claude/settings.json"), "PreToolUse"),
        // Not a guard.
        (in_repo.clone(), "PostToolUse"),
        // A nested repository's guard.
        (nested.join(".claude/settings.json"), "PreToolUse"),
        // The user's own files.
        (place.home.path().join("config.toml"), "PreToolUse"),
    ];
    let mut store = TrustStore::default();
    for (n, (source, event)) in entries.iter().enumerate() {
        store.trusted.insert(
            format!("{n:04}"),
            Approved {
                source: source.display().to_string(),
                event: event.to_string(),
                hook: "exit 2".into(),
                identity: format!("id{n}"),
                matcher: Some(String::new()),
                ..Default::default()
            },
        );
    }
    store.save(place.home.path()).unwrap();
    assert!(place.gone().is_empty(), "{:?}", place.gone());

    // The repository's own guard counts, unless its file is not read
    // (claude_compat off) or the repository is not trusted.
    store.trusted.insert(
        "9999".into(),
        Approved {
            source: in_repo.display().to_string(),
            event: "UserPromptSubmit".into(),
            hook: "exit 2".into(),
            identity: "id9".into(),
            matcher: Some(String::new()),
            ..Default::default()
        },
    );
    store.save(place.home.path()).unwrap();
    assert_eq!(place.gone().len(), 1);
    let approved = place.store();
    let mut src = place.sources();
    src.claude_compat = false;
    assert!(find(&src, &approved, &[]).is_empty());
    let mut src = place.sources();
    src.project_trusted = false;
    assert!(find(&src, &approved, &[]).is_empty());
}
