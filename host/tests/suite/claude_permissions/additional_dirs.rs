//! Claude Code's `permissions.additionalDirectories` are quire's
//! `writable_roots`: from the user's own file, the model's sandboxed
//! commands and apply_patch may write there; from a repository's file
//! only while it is trusted and the file is as trusted — otherwise the
//! folder stays closed and a warning names the file and why.

use std::path::Path;

use serde_json::json;

use super::{call, user_settings, warned};
use crate::support::model_server::Reply;
use crate::support::outside::outside_dir;
use crate::support::quire::{Run, TestEnv};

/// One session in which the model writes `dir/cmd.txt` with a sandboxed
/// command and adds `dir/patched.txt` with apply_patch.
fn write_both(env: &TestEnv, dir: &Path) -> Run {
    let (cmd, patched) = (dir.join("cmd.txt"), dir.join("patched.txt"));
    env.server.push_all([
        Reply::tool_call(
            "c",
            "shell",
            json!({"command": format!("echo out > {}", cmd.display())}),
        ),
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Add File: {}\n+from a patch\n*** End Patch\n", patched.display())}),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("write there", &["--sandbox", "workspace-write"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

fn written(dir: &Path) -> (bool, bool) {
    (
        dir.join("cmd.txt").exists(),
        dir.join("patched.txt").exists(),
    )
}

#[test]
fn a_users_additional_directory_is_writable_by_commands_and_patches() {
    let env = TestEnv::new("responses");
    let out = outside_dir();
    user_settings(
        &env,
        json!({"permissions": {"additionalDirectories": [out.path().display().to_string(), "/"]}}),
    );
    let run = write_both(&env, out.path());
    assert_eq!(call(&run, "c")["status"], "ok", "{:?}", call(&run, "c"));
    assert_eq!(call(&run, "p")["status"], "ok", "{:?}", call(&run, "p"));
    assert_eq!(written(out.path()), (true, true));
    assert_eq!(
        std::fs::read_to_string(out.path().join("patched.txt")).unwrap(),
        "from a patch\n"
    );
    // A folder holding the home folder is refused, as in writable_roots.
    assert!(
        warned(
            &run,
            "`permissions.additionalDirectories` \"/\" is not used: \"/\" holds your home folder"
        ),
        "{:?}",
        run.events
    );
    // `quire doctor` lists the folder.
    let doctor = env.run(&["doctor"]);
    let said = format!(
        "permissions.additionalDirectories: commands and apply_patch may also write {}",
        out.path().display()
    );
    assert!(doctor.stdout.contains(&said), "{}", doctor.stdout);
}

#[test]
fn a_repositorys_additional_directory_needs_trust_and_an_unchanged_file() {
    let env = TestEnv::new("responses");
    let out = outside_dir();
    let settings =
        json!({"permissions": {"additionalDirectories": [out.path().display().to_string()]}});
    env.write(".claude/settings.json", &settings.to_string());
    let run = env.run(&["trust", "--revoke"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = write_both(&env, out.path());
    assert_eq!(written(out.path()), (false, false), "{:?}", run.events);
    assert!(
        warned(&run, "its `permissions.additionalDirectories` (")
            && warned(&run, "are not used: the repository is not trusted"),
        "{:?}",
        run.events
    );
    // Trusting lists it, and then it counts.
    let trust = env.run(&["trust"]);
    assert!(
        trust.stdout.contains(&format!(
            "permissions.additionalDirectories (.claude/settings.json): {}: commands and apply_patch may write there too",
            out.path().display()
        )),
        "{}",
        trust.stdout
    );
    write_both(&env, out.path());
    assert_eq!(written(out.path()), (true, true));
    // A changed file (a sandboxed command may write it) widens nothing.
    std::fs::remove_file(out.path().join("cmd.txt")).unwrap();
    std::fs::remove_file(out.path().join("patched.txt")).unwrap();
    let changed = json!({"permissions": {"additionalDirectories": [out.path().display().to_string()]}, "env": {}});
    env.write(".claude/settings.json", &changed.to_string());
    let run = write_both(&env, out.path());
    assert_eq!(written(out.path()), (false, false), "{:?}", run.events);
    assert!(
        warned(
            &run,
            "settings.json: its `permissions.additionalDirectories` ("
        ) && warned(&run, "are not used: the file changed since you trusted"),
        "{:?}",
        run.events
    );
}

/// A sound allow rule of an untrusted repository: `quire doctor` points
/// at `quire trust`, not at the rule.
#[test]
fn doctor_says_to_trust_for_a_sound_rule_of_an_untrusted_repository() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"allow": ["Bash(*)"]}}).to_string(),
    );
    let run = env.run(&["trust", "--revoke"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doctor = env.run(&["doctor"]);
    let out = format!("{}{}", doctor.stdout, doctor.stderr);
    assert!(
        out.contains("are not used: the repository is not trusted"),
        "{out}"
    );
    assert!(
        out.contains("`quire trust` if you trust this repository"),
        "{out}"
    );
    assert!(!out.contains("correct or remove the rule"), "{out}");
}
