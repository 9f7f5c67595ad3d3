//! More of a hostile `quire.lock`: a folder beside the repository (even a
//! hidden one, `../.ssh`) that is not what the entry's kind says is
//! refused before its files are compared with the lock, so none of its
//! file names are read out.

use super::support::quire::TestEnv;
use super::{sha, write};

const SKILL: &str = "---\nname: pdf\ndescription: Fill in PDF forms.\n---\nSteps.\n";

/// A lock with one entry of `kind` named `ssh` from `source`, locking a
/// `SKILL.md` (and `extra` lines at the end of the entry).
fn lock(env: &TestEnv, kind: &str, source: &str, extra: &str) {
    let folder = match kind {
        "skill" => ".quire/skills",
        "plugin" => ".quire/plugins",
        _ => ".agents/plugins",
    };
    let kind = kind.trim_start_matches("plugin ");
    let text = format!(
        "version = 1\n\n[[entry]]\nkind = {kind:?}\nname = \"ssh\"\nsource = {source:?}\ninstalled = \"{folder}/ssh\"\n\n[entry.files]\n\"SKILL.md\" = {:?}\n{extra}",
        sha(SKILL.as_bytes())
    );
    std::fs::write(env.repo_path().join("quire.lock"), text).unwrap();
}

/// A folder beside the repository named `prefix…`, holding key-like files.
fn beside(env: &TestEnv, prefix: &str) -> (tempfile::TempDir, String) {
    let parent = env.repo_path().parent().unwrap().to_path_buf();
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)
        .unwrap();
    write(&dir.path().join("id_ed25519"), "secret\n");
    write(&dir.path().join("known_hosts"), "host\n");
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (dir, format!("../{name}"))
}

#[test]
fn a_sibling_that_is_not_the_entrys_kind_is_refused_without_listing_it() {
    let env = TestEnv::new("responses");
    for prefix in ["keys-", ".keys-"] {
        let (_dir, source) = beside(&env, prefix);
        for (kind, needs) in [
            ("skill", "has no SKILL.md"),
            ("plugin", "has no plugin.toml"),
            ("plugin bundle", "has no plugin manifest"),
        ] {
            lock(&env, kind, &source, "");
            let run = env.run(&["share", "sync"]);
            assert_eq!(run.code, 1, "{kind}: {}{}", run.stdout, run.stderr);
            assert!(
            run.stderr.contains(&format!(
                "failed {kind} ssh: quire.lock: the {kind} entry 'ssh' is no {kind}: its source {source} {needs}"
            )),
            "{kind}: {}",
            run.stderr
        );
            for secret in ["id_ed25519", "known_hosts"] {
                assert!(!run.stderr.contains(secret), "{kind}: {}", run.stderr);
            }
        }
    }
}

/// Runs `quire share ARGS` for each of `commands`, expecting exit 2 and
/// `needle` on stderr.
fn refused(env: &TestEnv, commands: &[&[&str]], needle: &str) {
    for args in commands {
        let mut all = vec!["share"];
        all.extend_from_slice(args);
        let run = env.run(&all);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
}

/// `[entry.hooks]` names files of the installed folder, checked as
/// `[entry.files]` is: one out of it refuses the lock.
#[test]
fn a_hook_file_out_of_the_install_folder_is_refused() {
    let env = TestEnv::new("responses");
    write(&env.repo_path().join("shared/kit/SKILL.md"), SKILL);
    let hooks = format!(
        "\n[entry.hooks]\n\"../../../../outside/hooks.json\" = {:?}\n",
        sha(b"{}")
    );
    lock(&env, "plugin bundle", "shared/kit", &hooks);
    refused(
        &env,
        &[&["verify"], &["sync"], &["sync", "--force"]],
        "the plugin bundle entry 'ssh' lists the hook file \"../../../../outside/hooks.json\", which is not a relative path inside its folder",
    );
}

/// A digest that is not `sha256:` and 64 hex digits is the lock's fault,
/// said so, not blamed on the source.
#[test]
fn a_malformed_digest_is_named_as_a_lock_error() {
    let env = TestEnv::new("responses");
    write(&env.repo_path().join("shared/pdf/SKILL.md"), SKILL);
    lock(&env, "skill", "shared/pdf", "");
    let path = env.repo_path().join("quire.lock");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace(&sha(SKILL.as_bytes()), "sha256:zz")).unwrap();
    refused(
        &env,
        &[
            &["verify"],
            &["sync"],
            &["sync", "--force"],
            &["update", "--yes"],
        ],
        "quire.lock: the skill entry 'ssh' has a malformed digest for the file \"SKILL.md\": \"sha256:zz\"",
    );
    assert!(!env.repo_path().join(".quire/skills/ssh").exists());
}
