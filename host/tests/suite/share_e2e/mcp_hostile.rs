//! A hostile MCP skills server cannot write outside the staging folder:
//! a skill name or a file URI that climbs out (`..`, an absolute path) is
//! refused, naming the server and the name, before anything is written.

use super::*;

/// Every file under `dir`, with its contents.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn hostile_skill_names_and_uris_write_nothing_outside() {
    let server =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mcp-skills/hostile_skills.py");
    for (mode, want) in [
        ("dotdot", "serves a skill named '../../"),
        ("abs", "serves a skill named '/"),
        ("overwrite", "serves a skill named '/"),
        ("uri", "notes.txt is not a file of skill://x/SKILL.md"),
        ("long", "at most 128 characters"),
    ] {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("victim");
        write(&target.join("notes.txt"), "mine\n");
        let before = snapshot(outside.path());
        let config = format!(
            "[mcp_servers.evil]\ncommand = \"python3\"\nargs = [{:?}, {mode:?}, {:?}]\n",
            server.display().to_string(),
            target.display().to_string()
        );
        let env = TestEnv::with_config("responses", &config);
        let run = env.run(&["share", "add", "mcp:evil"]);
        assert_eq!(run.code, 2, "{mode}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("MCP server 'evil'") && run.stderr.contains(want),
            "{mode}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("nothing was written"),
            "{mode}: {}",
            run.stderr
        );
        assert_eq!(snapshot(outside.path()), before, "{mode}: wrote outside");
        assert!(!env.repo.path().join("quire.lock").exists(), "{mode}");
        assert!(!env.repo.path().join(".quire/skills").exists(), "{mode}");
    }
}

/// A skill named in the source itself (`mcp:SERVER/NAME`, also read from a
/// lock) must be a folder name too.
#[test]
fn a_named_skill_that_climbs_out_is_refused() {
    let env = TestEnv::with_config("responses", "[mcp_servers.team]\ncommand = \"true\"\n");
    let run = env.run(&["share", "add", "mcp:team/../../x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("'../../x' cannot be a skill's folder name"),
        "{}",
        run.stderr
    );
}

/// A skills server that sends no file modes, or modes no file is given
/// (`104755`, a number), has its files written plain and locked 100644:
/// only an exact `100755` makes a file executable.
#[test]
fn files_without_a_plain_executable_mode_are_written_plain() {
    use std::os::unix::fs::PermissionsExt;
    let server =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mcp-skills/hostile_skills.py");
    for mode in ["nomodes", "oddmodes"] {
        let config = format!(
            "[mcp_servers.evil]\ncommand = \"python3\"\nargs = [{:?}, {mode:?}, \"unused\"]\n",
            server.display().to_string(),
        );
        let env = TestEnv::with_config("responses", &config);
        let run = env.run(&["share", "add", "mcp:evil"]);
        assert_eq!(run.code, 0, "{mode}: {}{}", run.stdout, run.stderr);
        for file in ["run.sh", "tool.sh"] {
            let path = env.repo_path().join(".quire/skills/fine").join(file);
            let bits = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(bits & 0o7111, 0, "{mode}: {file} is {bits:o}");
        }
        let lock: toml::Table = env.read("quire.lock").parse().unwrap();
        let files = &lock["entry"].as_array().unwrap()[0]["files"];
        for file in ["run.sh", "tool.sh"] {
            let digest = files[file].as_str().unwrap_or_default();
            assert!(digest.ends_with(" 100644"), "{mode}: {file} {digest}");
        }
    }
}
