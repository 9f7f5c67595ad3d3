//! A skill named in a message but not activated: the user is told.

/// A skill the user names but that is too large to activate whole: the
/// user is told, as they are told when one is activated.
#[test]
fn a_named_skill_too_large_to_activate_is_said_to_the_user() {
    let env = crate::support::quire::TestEnv::new("chat");
    let body = "Deploy steps, in order. ".repeat(4000);
    env.write(
        ".agents/skills/bigbody/SKILL.md",
        &format!(
            "---\nname: bigbody\ndescription: Deploys the services to the cluster.\n---\n\n{body}\n"
        ),
    );
    env.server
        .push(crate::support::model_server::Reply::text("ok"));
    let run = env.run(&["exec", "$bigbody deploy the api"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skill bigbody not activated: its instructions are about")
            && run.stderr.contains("skills.body_tokens"),
        "{}",
        run.stderr
    );
    // The model is told too, in the catalog.
    let reqs = env.server.requests();
    assert!(reqs[0].raw_body.contains("asked for but not activated"));
}

/// A `$name` that names no skill but is close to one is said, with the
/// skill meant; shell variables and amounts are not.
#[test]
fn a_mistyped_skill_mention_names_the_skill_meant() {
    let env = crate::support::quire::TestEnv::new("responses");
    env.write(
        ".agents/skills/pdf-forms/SKILL.md",
        "---\nname: pdf-forms\ndescription: Fill in and flatten PDF forms.\n---\n\nRun the filler.\n",
    );
    env.server
        .push(crate::support::model_server::Reply::text("ok"));
    let run = env.run(&["exec", "use $pdf-formz please; echo $HOME $PATH and pay $5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no skill pdf-formz; did you mean pdf-forms?"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("no skill").count(), 1, "{}", run.stderr);
}
