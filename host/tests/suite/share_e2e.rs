//! Team sharing through the real binary and real git repositories:
//! `quire share add` from a git URL (tag, subfolder) and from a folder,
//! `quire.lock` with the commit and per-file sha256, `sync` reproducing the
//! lock in another clone even after the tag moved, `verify` reporting
//! drift, drifted skills flagged and never auto-activated, `remove`, and
//! clear errors for bad sources.
use crate::support;

mod git_refs;
mod hostile;

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use support::quire::TestEnv;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const PDF_V1: &str = "---\nname: pdf-forms\ndescription: Fill in and flatten PDF forms.\n---\n# PDF forms\nRun scripts/fill.py.\n";
const FILL_V1: &str = "print('fill v1')\n";

/// An upstream repository of team skills: `skills/pdf-forms` (with a
/// script) and `skills/release-notes`, tagged `v1`; then a second commit
/// on the default branch changes the script.
struct Upstream {
    _dir: tempfile::TempDir,
    path: PathBuf,
    v1: String,
}

impl Upstream {
    fn new() -> Upstream {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team-skills");
        std::fs::create_dir_all(&path).unwrap();
        git(&path, &["init", "-q"]);
        write(&path.join("skills/pdf-forms/SKILL.md"), PDF_V1);
        write(&path.join("skills/pdf-forms/scripts/fill.py"), FILL_V1);
        write(
            &path.join("skills/release-notes/SKILL.md"),
            "---\nname: release-notes\ndescription: Draft release notes from the git log.\n---\nSteps.\n",
        );
        git(&path, &["add", "-A"]);
        git(&path, &["commit", "-q", "-m", "v1"]);
        git(&path, &["tag", "v1"]);
        let v1 = git(&path, &["rev-parse", "HEAD"]);
        write(
            &path.join("skills/pdf-forms/scripts/fill.py"),
            "print('fill v2')\n",
        );
        git(&path, &["commit", "-q", "-am", "v2"]);
        Upstream {
            _dir: dir,
            path,
            v1,
        }
    }

    fn url(&self) -> String {
        format!("file://{}", self.path.display())
    }
}

fn sha(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    format!(
        "sha256:{}",
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

#[test]
fn a_git_skill_is_locked_and_sync_reproduces_it_elsewhere() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let run = env.run(&[
        "share",
        "add",
        &url,
        "--ref",
        "v1",
        "--path",
        "skills/pdf-forms",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "added skill pdf-forms from {url} at {}",
            &up.v1[..12]
        )),
        "{}",
        run.stdout
    );
    assert_eq!(env.read(".quire/skills/pdf-forms/scripts/fill.py"), FILL_V1);
    let lock: toml::Table = env.read("quire.lock").parse().unwrap();
    let entry = &lock["entry"].as_array().unwrap()[0];
    assert_eq!(entry["commit"].as_str(), Some(up.v1.as_str()));
    assert_eq!(entry["ref"].as_str(), Some("v1"));
    assert_eq!(entry["subdir"].as_str(), Some("skills/pdf-forms"));
    assert_eq!(entry["installed"].as_str(), Some(".quire/skills/pdf-forms"));
    let files = entry["files"].as_table().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files["SKILL.md"].as_str().unwrap(), sha(PDF_V1.as_bytes()));
    assert_eq!(
        files["scripts/fill.py"].as_str().unwrap(),
        sha(FILL_V1.as_bytes())
    );
    let skills = env.run(&["skills", "list"]);
    assert!(skills.stdout.contains("pdf-forms"), "{}", skills.stdout);

    // Upstream moves the tag to the new commit; a teammate with only the
    // lock still gets exactly the locked files.
    git(&up.path, &["tag", "-f", "v1", "HEAD"]);
    let mate = TestEnv::new("responses");
    mate.write("quire.lock", &env.read("quire.lock"));
    let run = mate.run(&["share", "sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("restored skill pdf-forms"),
        "{}",
        run.stdout
    );
    assert_eq!(
        mate.read(".quire/skills/pdf-forms/scripts/fill.py"),
        FILL_V1
    );
    assert_eq!(mate.read(".quire/skills/pdf-forms/SKILL.md"), PDF_V1);
    let run = mate.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("ok       skill pdf-forms"),
        "{}",
        run.stdout
    );
    let run = mate.run(&["share", "sync"]);
    assert!(
        run.stdout.contains("unchanged skill pdf-forms"),
        "{}",
        run.stdout
    );

    // `update` takes where the tag points now, on purpose.
    let v2 = git(&up.path, &["rev-parse", "HEAD"]);
    let run = env.run(&["share", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "updated skill pdf-forms: {} → {}",
            &up.v1[..12],
            &v2[..12]
        )),
        "{}",
        run.stdout
    );
    assert_eq!(
        env.read(".quire/skills/pdf-forms/scripts/fill.py"),
        "print('fill v2')\n"
    );
    assert!(env.read("quire.lock").contains(&v2));
    let run = env.run(&["share", "update", "pdf-forms"]);
    assert!(
        run.stdout.contains("up to date skill pdf-forms"),
        "{}",
        run.stdout
    );
    let run = env.run(&["share", "update", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nothing named 'nope'"),
        "{}",
        run.stderr
    );
}

#[test]
fn drift_is_reported_flagged_and_never_auto_activated_until_sync() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let run = env.run(&["share", "add", &url, "--ref", "v1", "--path", "skills"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("added skill pdf-forms")
            && run.stdout.contains("added skill release-notes")
    );
    let picked = |env: &TestEnv| {
        let run = env.run(&["skills", "pick", "fill the pdf form fields", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        v["activated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(picked(&env), vec!["pdf-forms"]);

    env.write(
        ".quire/skills/pdf-forms/scripts/fill.py",
        "print('tampered')\n",
    );
    env.write(".quire/skills/pdf-forms/notes.txt", "extra\n");
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("drifted  skill pdf-forms: changed: scripts/fill.py; added: notes.txt"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("ok       skill release-notes"),
        "{}",
        run.stdout
    );
    let list = env.run(&["skills", "list"]);
    assert!(
        list.stdout.contains("drifted: differs from quire.lock"),
        "{}",
        list.stdout
    );
    // The hint names the command that restores local changes.
    assert!(
        list.stdout
            .contains("`quire share sync --force` restores it"),
        "{}",
        list.stdout
    );
    assert!(
        picked(&env).is_empty(),
        "a drifted skill is not auto-activated"
    );

    // Local changes are not thrown away without --force.
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("failed skill pdf-forms: local changes (changed: scripts/fill.py; added: notes.txt); `quire share sync --force`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.read(".quire/skills/pdf-forms/scripts/fill.py"),
        "print('tampered')\n"
    );
    let run = env.run(&[
        "share",
        "add",
        &url,
        "--ref",
        "v1",
        "--path",
        "skills/pdf-forms",
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("has local changes"), "{}", run.stderr);
    let run = env.run(&["share", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("restored skill pdf-forms"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("unchanged skill release-notes"),
        "{}",
        run.stdout
    );
    assert_eq!(env.read(".quire/skills/pdf-forms/scripts/fill.py"), FILL_V1);
    assert!(
        !env.repo
            .path()
            .join(".quire/skills/pdf-forms/notes.txt")
            .exists()
    );
    assert_eq!(env.run(&["share", "verify"]).code, 0);
    assert_eq!(picked(&env), vec!["pdf-forms"]);
}

#[test]
fn a_folder_source_with_a_skill_and_a_plugin_is_added_listed_and_removed() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    write(
        &shared.path().join("lint/SKILL.md"),
        "---\nname: lint\ndescription: Run the linters.\n---\nRun them.\n",
    );
    write(
        &shared.path().join("counter/plugin.toml"),
        "name = \"counter\"\nversion = \"0.1.0\"\ndescription = \"Counts.\"\ncomponent = \"counter.wasm\"\n",
    );
    std::fs::write(shared.path().join("counter/counter.wasm"), b"\0asm").unwrap();
    let src = shared.path().display().to_string();
    // A folder of the same name that share did not install is kept.
    env.write(
        ".quire/skills/lint/SKILL.md",
        "---\nname: lint\ndescription: Mine.\n---\n",
    );
    let run = env.run(&["share", "add", &src]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains(".quire/skills/lint already exists and was not installed by `quire share`"),
        "{}",
        run.stderr
    );
    assert!(env.read(".quire/skills/lint/SKILL.md").contains("Mine."));
    assert!(!env.repo.path().join("quire.lock").exists());
    let run = env.run(&["share", "add", &src, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("added plugin counter") && run.stdout.contains("added skill lint"));
    assert!(
        run.stderr
            .contains("quire plugins add .quire/plugins/counter"),
        "plugins still need consent: {}",
        run.stderr
    );
    assert!(
        env.repo
            .path()
            .join(".quire/plugins/counter/counter.wasm")
            .is_file()
    );
    let list = env.run(&["share", "list"]);
    assert!(
        list.stdout.contains("plugin  counter") && list.stdout.contains("skill   lint"),
        "{}",
        list.stdout
    );

    // A changed folder source cannot be synced back to the lock.
    std::fs::write(
        shared.path().join("lint/SKILL.md"),
        "---\nname: lint\ndescription: Changed.\n---\n",
    )
    .unwrap();
    std::fs::remove_dir_all(env.repo.path().join(".quire/skills/lint")).unwrap();
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("failed skill lint")
            && run
                .stderr
                .contains("no longer matches quire.lock (changed: SKILL.md)"),
        "{}",
        run.stderr
    );

    env.write(".quire/plugins/counter/mine.txt", "local\n");
    let run = env.run(&["share", "remove", "counter"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("has local changes (added: mine.txt)"),
        "{}",
        run.stderr
    );
    assert!(
        env.repo
            .path()
            .join(".quire/plugins/counter/mine.txt")
            .exists()
    );
    let run = env.run(&["share", "remove", "counter", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.repo.path().join(".quire/plugins/counter").exists());
    assert!(!env.read("quire.lock").contains("counter"));
    let run = env.run(&["share", "remove", "counter"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nothing named 'counter'"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_sources_and_places_get_clear_errors() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["share", "add", "no/such/folder"], "is not a folder"),
        (
            vec!["share", "add", "file:///no/such/repo.git"],
            "cannot clone file:///no/such/repo.git",
        ),
        (
            vec!["share", "add", &url, "--ref", "nope"],
            "has no branch, tag or commit 'nope'",
        ),
        (
            vec!["share", "add", &url, "--path", "../x"],
            "must be a folder inside the source",
        ),
        (
            vec!["share", "add", &url, "--path", "docs"],
            "has no folder 'docs'",
        ),
        (
            vec!["share", "add", ".", "--ref", "v1"],
            "--ref is for git sources",
        ),
    ];
    for (args, want) in cases {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{args:?}: {}", run.stderr);
    }
    assert!(
        !env.repo.path().join("quire.lock").exists(),
        "nothing was locked"
    );

    // sync needs a trusted repository: it fetches what the lock names.
    assert_eq!(env.run(&["trust", "--revoke"]).code, 0);
    env.write("quire.lock", "version = 1\n");
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a trusted repository"),
        "{}",
        run.stderr
    );
}

/// `quire mcp serve` (another quire, with a home of its own) serves a skill
/// over MCP; `share add mcp:team/notes-kit` installs it with every file
/// checked against the served digests, and `sync` refuses a server whose
/// files changed since the lock.
#[test]
fn skills_served_over_mcp_are_installed_checked_and_locked() {
    let team = tempfile::tempdir().unwrap();
    let team_home = team.path().join("home");
    let kit = team_home.join("skills/notes-kit");
    write(
        &kit.join("SKILL.md"),
        "---\nname: notes-kit\ndescription: Keeps meeting notes tidy.\n---\nSee references/guide.md.\n",
    );
    write(&kit.join("references/guide.md"), "# Guide\nShort notes.\n");
    let logo: &[u8] = &[0x89, b'P', b'N', b'G', 0xff, 0x00, 0xfe];
    std::fs::create_dir_all(kit.join("assets")).unwrap();
    std::fs::write(kit.join("assets/logo.bin"), logo).unwrap();
    let server = format!(
        "[mcp_servers.team]\ncommand = {:?}\nargs = [\"mcp\", \"serve\"]\ncwd = {:?}\nenv = {{ QUIRE_HOME = {:?} }}\n",
        env!("CARGO_BIN_EXE_quire"),
        team.path().display().to_string(),
        team_home.display().to_string()
    );
    let env = TestEnv::with_config("responses", &server);
    let run = env.run(&["share", "add", "mcp:team/notes-kit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("added skill notes-kit from mcp:team/notes-kit (3 files)"),
        "{}",
        run.stdout
    );
    let installed = env.repo.path().join(".quire/skills/notes-kit");
    assert_eq!(
        std::fs::read(installed.join("assets/logo.bin")).unwrap(),
        logo
    );
    assert_eq!(
        env.read(".quire/skills/notes-kit/references/guide.md"),
        "# Guide\nShort notes.\n"
    );
    let lock: toml::Table = env.read("quire.lock").parse().unwrap();
    let entry = &lock["entry"].as_array().unwrap()[0];
    assert_eq!(entry["source"].as_str(), Some("mcp:team/notes-kit"));
    assert!(entry.get("commit").is_none());
    let logo_sha = sha(logo);
    assert_eq!(
        entry["files"]["assets/logo.bin"].as_str(),
        Some(logo_sha.as_str())
    );

    // The server's copy changes: sync will not install it over the lock.
    std::fs::remove_dir_all(&installed).unwrap();
    write(&kit.join("references/guide.md"), "# Guide\nLong notes.\n");
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("no longer matches quire.lock (changed: references/guide.md)"),
        "{}",
        run.stderr
    );
    write(&kit.join("references/guide.md"), "# Guide\nShort notes.\n");
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("restored skill notes-kit"),
        "{}",
        run.stdout
    );
    assert_eq!(env.run(&["share", "verify"]).code, 0);

    for (source, want) in [
        ("mcp:team/nope", "serves no skill 'nope' (it serves: "),
        (
            "mcp:elsewhere",
            "no MCP server named 'elsewhere' is configured (configured: team)",
        ),
    ] {
        let run = env.run(&["share", "add", source]);
        assert_eq!(run.code, 2, "{source}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{source}: {}", run.stderr);
    }
}

/// `--user`: your own lock in `$QUIRE_HOME`, installing into its `skills`
/// folder, usable outside any repository; drift is flagged the same way.
#[test]
fn the_user_lock_keeps_personal_skills_pinned() {
    let env = TestEnv::new("responses");
    let mine = tempfile::tempdir().unwrap();
    write(
        &mine.path().join("standup/SKILL.md"),
        "---\nname: standup\ndescription: Write my standup update from the git log.\n---\nSteps.\n",
    );
    let outside = tempfile::tempdir().unwrap();
    let src = mine.path().join("standup").display().to_string();
    let run = env.run(&[
        "--cd",
        outside.path().to_str().unwrap(),
        "share",
        "add",
        &src,
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("use --user for your own lock"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "--cd",
        outside.path().to_str().unwrap(),
        "share",
        "--user",
        "add",
        &src,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("into skills/standup"), "{}", run.stdout);
    let home = env.home.path();
    assert!(home.join("skills/standup/SKILL.md").is_file());
    assert!(home.join("quire.lock").is_file());
    assert!(!env.repo.path().join("quire.lock").exists());
    let list = env.run(&["skills", "list"]);
    assert!(
        list.stdout.contains("standup") && list.stdout.contains("user"),
        "{}",
        list.stdout
    );

    std::fs::write(home.join("skills/standup/extra.md"), "x").unwrap();
    let run = env.run(&["share", "verify", "--user"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("drifted  skill standup: added: extra.md"),
        "{}",
        run.stdout
    );
    let list = env.run(&["skills", "list"]);
    assert!(
        list.stdout.contains("drifted: differs from quire.lock"),
        "{}",
        list.stdout
    );
    let run = env.run(&["share", "--user", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!home.join("skills/standup/extra.md").exists());
    assert_eq!(env.run(&["share", "--user", "verify"]).code, 0);
}
