//! A custom command's arguments in its `` !`command` `` lines and ```!
//! blocks through `quire exec "/name args"`: wherever the placeholder
//! sits (outside quotes, inside double or single quotes), the argument
//! reaches the program as the literal text typed and never runs as code
//! or adds options; where no form is literal for certain the command is
//! refused before anything runs or is sent.

use super::commands::bodies;
use super::run;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// `text` as it appears inside a JSON string.
fn json(text: String) -> String {
    let quoted = serde_json::to_string(&text).unwrap_or_default();
    quoted.trim_matches('"').to_string()
}

#[test]
fn an_argument_inside_double_or_single_quotes_stays_literal_text() {
    let env = TestEnv::new("chat");
    env.write("notes.txt", "x\n");
    env.commit_all();
    env.write(
        ".claude/commands/grepc.md",
        "---\ndescription: find commits\nallowed-tools: Bash\n---\nDouble: !`echo \"[$ARGUMENTS]\"`\nSingle: !`echo '<$1>'`\nBlock:\n```!\nprintf '{%s}' --grep=\"$1\"\n```\n",
    );
    for (typed, arg) in [
        ("$(touch${IFS}pwnarg)", "$(touch${IFS}pwnarg)"),
        ("'`touch pwnarg`'", "`touch pwnarg`"),
        ("\"x'; touch pwnarg; echo 'y\"", "x'; touch pwnarg; echo 'y"),
    ] {
        env.server.push(Reply::text("ok"));
        let r = run(&env, &["exec", &format!("/grepc {typed}")]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            !env.repo_path().join("pwnarg").exists(),
            "{typed} ran as code"
        );
        let sent = env
            .server
            .requests()
            .last()
            .map(|q| q.body.to_string())
            .unwrap_or_default();
        // `"$ARGUMENTS"` is the text typed, quotes and all.
        assert!(sent.contains(&json(format!("Double: [{typed}]"))), "{sent}");
        assert!(sent.contains(&json(format!("Single: <{arg}>"))), "{sent}");
        assert!(sent.contains(&json(format!("{{--grep={arg}}}"))), "{sent}");
    }
}

/// The report's option smuggling: `"x" --output=f "y"` under a prefix
/// rule stays one `--grep=` value, so git writes no file.
#[test]
fn an_argument_inside_double_quotes_adds_no_option() {
    let env = TestEnv::new("chat");
    env.write("notes.txt", "x\n");
    env.commit_all();
    env.write(
        ".claude/commands/grepc2.md",
        "---\ndescription: find commits\nallowed-tools: Bash(git log:*)\n---\nCommits: !`git log --oneline --grep=\"$1\"`\n",
    );
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/grepc2 'x\" --output=pwnarg2 \"y'"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !env.repo_path().join("pwnarg2").exists(),
        "the argument became options of git log"
    );
    assert!(bodies(&env).contains("Commits:"), "{}", bodies(&env));
}

#[test]
fn an_argument_where_the_shell_reads_values_as_code_is_refused() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/commands/calc.md",
        "---\nallowed-tools: Bash\n---\nNext: !`echo $(( $1 + 1 ))`\n",
    );
    let r = run(&env, &["exec", "/calc '$(touch pwnarg)'"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("inside arithmetic"), "{}", r.stderr);
    assert!(r.stderr.contains("calc.md"), "{}", r.stderr);
    assert!(!env.repo_path().join("pwnarg").exists());
    assert!(env.server.requests().is_empty(), "nothing may be sent");
}
