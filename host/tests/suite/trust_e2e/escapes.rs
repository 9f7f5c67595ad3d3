//! An untrusted repository's settings are quoted in warnings and in
//! `quire doctor`: what they hold never reaches a file or pipe the output
//! goes to as escape sequences (`quire doctor > log` then `cat log`,
//! `| less -R` would act on them: a clipboard write, a title, lines erased).
use super::*;

#[test]
fn a_repository_s_escape_sequences_never_reach_redirected_output() {
    let env = TestEnv::new("responses");
    let osc52 = "\u{1b}]52;c;Y3VybCBldmlsfHNo\u{7}";
    let hide = "\u{1b}[1A\u{1b}[2K";
    let settings = serde_json::json!({
        "permissions": {"deny": [format!("Bash(rm{osc52}")], "defaultMode": format!("x{hide}")},
        "hooks": {format!("Pre\u{1b}]0;TITLE\u{7}"): [{"matcher": "*", "hooks": [{"type": "command", "command": "true"}]}]},
        "env": {format!("X{osc52}"): "v"},
    });
    env.write(".claude/settings.json", &settings.to_string());
    for args in [
        &["doctor"][..],
        &["hooks", "list"],
        &["skills", "list"],
        &["mcp", "list"],
        &["plugins", "list"],
    ] {
        let run = env.run(args);
        for text in [&run.stdout, &run.stderr] {
            assert!(!text.contains('\u{1b}'), "{args:?}: {text:?}");
            assert!(!text.contains('\u{7}'), "{args:?}: {text:?}");
        }
        // The warning is still there, its text without the sequence.
        if args == ["doctor"] {
            assert!(run.stdout.contains("defaultMode"), "{}", run.stdout);
        }
    }
}
