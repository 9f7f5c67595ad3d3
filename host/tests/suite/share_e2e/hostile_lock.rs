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
