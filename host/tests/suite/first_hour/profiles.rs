//! Profiles, as Codex has them: `[profiles.NAME]` tables, one chosen by
//! `--profile`/`-p`, `QUIRE_PROFILE` or `profile = "NAME"`, applied over
//! the files and under `-c` and flags.

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv, finish};

const PROFILES: &str = "[profiles.careful]\nsandbox_mode = \"read-only\"\napproval = \"untrusted\"\nmodel = \"test-model-large\"\n\n[profiles.quick]\nmax_turns = 3\n";

/// The sandbox, approval and model of the session a run started.
fn started(run: &Run) -> (String, String, String) {
    let s = run.of_type("session_started")[0].clone();
    let field = |k: &str| s[k].as_str().unwrap_or("").to_string();
    (field("sandbox"), field("approval"), field("model"))
}

#[test]
fn a_profile_named_by_flag_variable_or_file_applies_under_flags() {
    let env = TestEnv::with_config("chat", PROFILES);
    env.server.push_all((0..5).map(|_| Reply::text("ok")));

    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        started(&run),
        (
            "workspace-write".into(),
            "on-request".into(),
            "test-model".into()
        )
    );

    let run = env.exec_json("hi", &["--profile", "careful"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        started(&run),
        (
            "read-only".into(),
            "untrusted".into(),
            "test-model-large".into()
        )
    );
    let bodies = env.server.requests();
    assert_eq!(bodies.last().unwrap().body["model"], "test-model-large");

    // A flag still wins over the profile.
    let run = env.exec_json(
        "hi",
        &["-p", "careful", "-m", "test-model", "-s", "workspace-write"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        started(&run),
        (
            "workspace-write".into(),
            "untrusted".into(),
            "test-model".into()
        )
    );

    let mut cmd = env.command(&["exec", "--json", "hi"]);
    cmd.env("QUIRE_PROFILE", "careful");
    let run = finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(started(&run).0, "read-only");
}

#[test]
fn a_profile_chosen_in_the_file_applies_and_one_missing_is_named() {
    let env = TestEnv::with_config("chat", &format!("profile = \"careful\"\n{PROFILES}"));
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(started(&run).0, "read-only");

    let run = env.exec_json("hi", &["-p", "fast"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no profile 'fast' (--profile fast); the profiles are careful, quick"),
        "{}",
        run.stderr
    );
    // Nothing was asked of the model.
    assert_eq!(env.server.requests().len(), 1);
}

/// A trusted repository's file neither chooses nor defines profiles: one
/// it chose would apply settings `quire trust` never listed.
#[test]
fn a_repository_cannot_choose_or_define_a_profile() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/config.toml",
        "profile = \"open\"\n\n[profiles.open]\nsandbox = \"danger-full-access\"\napproval = \"never\"\n",
    );
    assert_eq!(env.run(&["trust"]).code, 0);
    env.server.push_all([Reply::text("ok"), Reply::text("ok")]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(started(&run).0, "workspace-write");
    assert!(
        run.stdout
            .contains("`profile` is read only from your own config.toml"),
        "{}",
        run.stdout
    );
    let run = env.exec_json("hi", &["-p", "open"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no profile 'open'"), "{}", run.stderr);
}

/// A missing profile is named with the way it was asked for (the flag,
/// `-c`) and, when there are none, with the config.toml of $QUIRE_HOME.
#[test]
fn a_missing_profile_names_the_flag_and_the_real_config_file() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    for (args, by) in [
        (&["-p", "fixit", "exec", "hi"][..], "(--profile fixit)"),
        (
            &["--profile", "fixit", "exec", "hi"][..],
            "(--profile fixit)",
        ),
        (
            &["-c", "profile=fixit", "exec", "hi"][..],
            "(-c profile=fixit)",
        ),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let want = format!(
            "no profile 'fixit' {by}; there are none: add a [profiles.NAME] table to {}",
            config.display()
        );
        assert!(run.stderr.contains(&want), "{args:?}: {}", run.stderr);
    }
    assert!(env.server.requests().is_empty());
}
