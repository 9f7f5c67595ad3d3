//! Skills served by an MCP server: installed, checked and locked.

use super::*;

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
    let logo_sha = format!("{} 100644", sha(logo));
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

/// A served skill's script keeps its executable bit: `quire mcp serve`
/// sends each file's mode, `share add mcp:…` writes the file with it and
/// locks it (100755), so the script runs as its SKILL.md says and a lost
/// bit is drift.
#[test]
fn a_served_script_keeps_its_executable_bit_in_the_copy_and_the_lock() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
    let team = tempfile::tempdir().unwrap();
    let team_home = team.path().join("home");
    let tool = team_home.join("skills/tool");
    write(
        &tool.join("SKILL.md"),
        "---\nname: tool\ndescription: Runs the tool.\n---\nRun scripts/run.sh\n",
    );
    write(
        &tool.join("scripts/run.sh"),
        "#!/bin/sh\necho hi from run\n",
    );
    write(&tool.join("scripts/notes.sh"), "#!/bin/sh\necho notes\n");
    let chmod =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    chmod(&tool.join("scripts/run.sh"), 0o755);
    chmod(&tool.join("scripts/notes.sh"), 0o644);
    let server = format!(
        "[mcp_servers.team]\ncommand = {:?}\nargs = [\"mcp\", \"serve\"]\ncwd = {:?}\nenv = {{ QUIRE_HOME = {:?} }}\n",
        env!("CARGO_BIN_EXE_quire"),
        team.path().display().to_string(),
        team_home.display().to_string()
    );
    let env = TestEnv::with_config("responses", &server);
    let run = env.run(&["share", "add", "mcp:team/tool"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let installed = env.repo_path().join(".quire/skills/tool/scripts");
    assert_ne!(
        mode(&installed.join("run.sh")) & 0o100,
        0,
        "run.sh is not executable"
    );
    assert_eq!(
        mode(&installed.join("notes.sh")) & 0o111,
        0,
        "notes.sh became executable"
    );
    let out = std::process::Command::new(installed.join("run.sh"))
        .output()
        .expect("the installed script runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hi from run\n");
    let lock: toml::Table = env.read("quire.lock").parse().unwrap();
    let files = &lock["entry"].as_array().unwrap()[0]["files"];
    let run_sha = format!("{} 100755", sha(b"#!/bin/sh\necho hi from run\n"));
    let notes_sha = format!("{} 100644", sha(b"#!/bin/sh\necho notes\n"));
    assert_eq!(files["scripts/run.sh"].as_str(), Some(run_sha.as_str()));
    assert_eq!(files["scripts/notes.sh"].as_str(), Some(notes_sha.as_str()));
    assert_eq!(env.run(&["share", "verify"]).code, 0);

    // A lost bit is drift; sync puts the copy back with it.
    chmod(&installed.join("run.sh"), 0o644);
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("no longer executable: scripts/run.sh"),
        "{}",
        run.stdout
    );
    std::fs::remove_dir_all(env.repo_path().join(".quire/skills/tool")).unwrap();
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_ne!(
        mode(&installed.join("run.sh")) & 0o100,
        0,
        "sync lost the bit"
    );
}
