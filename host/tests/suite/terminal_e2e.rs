//! The human view on a real terminal (a pty from `script`): a spinner with
//! elapsed time for calls over a second, colour unless NO_COLOR.
use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::{TestEnv, finish};

fn on_a_terminal(env: &TestEnv, no_color: bool) -> String {
    env.server.push_all([
        Reply::tool_call("slow", "shell", json!({"command": "sleep 1.6"})),
        Reply::text("slept"),
    ]);
    let line = format!("{} exec 'take a nap'", env!("CARGO_BIN_EXE_quire"));
    let mut cmd = env.program("script");
    cmd.args(["-qfec", &line, "/dev/null"]);
    if !no_color {
        cmd.env_remove("NO_COLOR");
    }
    let run = finish(cmd.spawn().expect("script (util-linux) is installed"));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout
}

#[test]
fn slow_calls_get_a_spinner_with_elapsed_time() {
    let env = TestEnv::new("responses");
    let screen = on_a_terminal(&env, true);
    let spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let status = screen
        .split(['\r', '\n'])
        .find(|l| l.contains("shell: sleep 1.6") && l.chars().any(|c| spinner.contains(&c)))
        .unwrap_or_else(|| panic!("no spinner line in {screen:?}"));
    // "⠙ shell: sleep 1.6 1.2s": the elapsed time, shown after a second.
    let elapsed = status.trim_end().rsplit(' ').next().unwrap_or("");
    assert!(
        elapsed.starts_with("1.") && elapsed.ends_with('s'),
        "{status:?}"
    );
    assert!(screen.contains("✓ shell: sleep 1.6 ("), "{screen:?}");
    assert!(screen.contains("slept"));
    assert!(!screen.contains("\u{1b}[32m"), "NO_COLOR turns colour off");
}

#[test]
fn colour_on_a_terminal_without_no_color() {
    let env = TestEnv::new("chat");
    let screen = on_a_terminal(&env, false);
    assert!(screen.contains("\u{1b}[32m✓"), "{screen:?}");
}

mod agents;
mod always_code;
mod approval_chords;
mod approvals;
mod approvals_narrow;
mod approvals_reach;
mod background_agents;
mod background_asks;
mod background_asks_interrupt;
mod bang;
mod burst;
mod cache_tokens;
mod colours;
mod command_output;
mod commands;
mod completion;
mod given_back;
mod hook_reapproved;
mod image_rewind;
mod images;
mod init_command;
mod input_text;
mod killed_command;
mod line_approval;
mod line_commands;
mod line_ctrl_c;
mod line_diff;
mod line_escaped;
mod line_input;
mod line_partial;
mod line_permissions;
mod line_pipe;
mod line_resume;
pub(crate) mod line_session;
mod live_area;
mod long_urls;
mod mcp_status;
mod menu_scroll;
mod model_force;
mod model_wait;
mod narrow;
mod new_rereads;
mod no_size;
mod outside_always;
mod outside_patch;
mod paste;
mod paused_prompt;
mod planted_program;
mod queue;
mod resend;
mod resize_burst;
mod resume_marks;
mod resume_picker;
mod rewind;
mod rewind_agents;
mod rewrap;
mod screen;
mod session_end;
mod skill_tool;
mod slow_start;
mod small_window;
mod start;
mod suspend;
mod tall_request;
mod trust_question;
mod tui;
mod two_asks;
mod type_ahead;
mod typed_blocks;
mod typed_paste;
mod undo_bytes;
mod undo_resumed;
mod undo_resumed_copies;
mod undo_shell;
mod undo_traps;
mod usage_totals;
