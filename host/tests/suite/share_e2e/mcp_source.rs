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
