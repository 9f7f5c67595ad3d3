//! After a resume, `/agents` lists the children the session had before
//! it (read from their session files, marked as such), `/agents show`
//! prints one's transcript and `/agents merge` merges a worktree child's
//! branch; a branch merged or deleted since is said to be gone. In the
//! line mode and in the full-screen view.

use crate::support::pty::Pty;
use crate::support::pty_prompt::{line_mode, say};

use super::resume_worktree::first_run;
use super::worktree::{committed_env, git};

fn short(id: &str) -> &str {
    &id[id.len() - 8..]
}

/// The `/agents` lines naming `id` in `out`.
fn listed<'a>(out: &'a str, id: &str) -> Vec<&'a str> {
    out.lines()
        .map(str::trim)
        .filter(|l| l.starts_with(short(id)) && l.contains(" · "))
        .collect()
}

#[test]
fn a_resumed_session_lists_shows_and_merges_its_earlier_children() {
    let env = committed_env();
    let (id, branch) = first_run(&env, None);
    let mut pty = line_mode(&env, &["resume", "last"], 30, 200);
    say(&mut pty, "/agents");
    let out = pty.wait_for("the /agents list", |s| !listed(s, &id).is_empty());
    assert!(!out.contains("no subagents in this session"), "{out}");
    let line = listed(&out, &id)[0].to_string();
    for part in [
        " done · ",
        "1 tool",
        &format!("branch {branch} · before the resume"),
        // Two responses of 100 in / 20 out.
        "240 tokens",
    ] {
        assert!(line.contains(part), "{part:?} missing: {line}");
    }
    // /status counts the same children's tokens: the parent's two
    // responses and the child's.
    say(&mut pty, "/status");
    let out = pty.wait_text("out 80");
    assert!(out.contains("in 400 · cached 0 · out 80"), "{out}");
    // Its transcript, from its file.
    say(&mut pty, &format!("/agents show {}", short(&id)));
    let out = pty.wait_text("│ wrote first.txt");
    assert!(out.contains("│ task: CHILD-RW write a file"), "{out}");
    assert!(out.contains("│ ✓ shell: echo one > first.txt"), "{out}");
    say(&mut pty, &format!("/agents merge {}", short(&id)));
    pty.wait_text(&format!("merged {branch}"));
    say(&mut pty, "/agents");
    let out = pty.wait_text(&format!("branch {branch} (merged)"));
    assert!(!out.contains("error: "), "{out}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    assert_eq!(
        std::fs::read_to_string(env.repo_path().join("first.txt")).unwrap(),
        "one\n"
    );
    assert!(!git(&env, &["branch"]).contains(&branch));
}

#[test]
fn an_earlier_child_whose_branch_is_gone_says_so_in_the_full_screen_view() {
    let env = committed_env();
    let (id, branch) = first_run(&env, Some("discard"));
    let mut pty = Pty::spawn(env.command(&["resume", "last"]), 40, 200);
    pty.wait_text("/help for keys");
    say(&mut pty, "/agents");
    let screen = pty.wait_text(&format!("branch {branch} (gone) · before the resume"));
    assert!(!screen.contains("no subagents in this session"), "{screen}");
    say(&mut pty, &format!("/agents merge {}", short(&id)));
    pty.wait_text(&format!(
        "error: branch {branch} is gone (merged, discarded"
    ));
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    assert!(!env.repo_path().join("first.txt").exists());
}
