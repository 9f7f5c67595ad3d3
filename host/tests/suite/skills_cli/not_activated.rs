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
