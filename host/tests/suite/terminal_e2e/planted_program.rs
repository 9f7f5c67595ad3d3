//! A command the model asks to run outside the sandbox whose program is
//! a file inside the workspace (the first `pytest` on `PATH` is the
//! activated project's `.venv/bin/pytest`, which sandboxed commands can
//! write): the question names the file and says so, in the line mode as
//! in the full-screen view (both show `session_view::approval::body`).

use serde_json::json;

use super::line_session::line_mode_args;
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

#[test]
fn an_escalated_program_found_in_the_workspace_is_named_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new("chat");
    let venv = env.repo_path().join(".venv/bin");
    std::fs::create_dir_all(&venv).unwrap();
    let pytest = venv.join("pytest");
    std::fs::write(&pytest, "#!/bin/sh\ntouch planted-ran\n").unwrap();
    std::fs::set_permissions(&pytest, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        [venv.clone()]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    env.server.push_all([
        Reply::tool_call(
            "a",
            "shell",
            json!({"command": "env CI=1 pytest -q", "escalate": true, "justification": "needs the network"}),
        ),
        Reply::tool_call(
            "b",
            "shell",
            json!({"command": "ls", "escalate": true, "justification": "look around"}),
        ),
        Reply::text("understood"),
    ]);
    let r = line_mode_args(
        &env,
        &["--approval", "on-request"],
        "run the tests\nn\nn\n",
        &[("PATH", path.to_str().unwrap())],
    );
    let err = &r.stderr;
    let warning = format!(
        "`pytest` runs {}: a file inside the workspace, which the model's sandboxed commands can write",
        pytest.display()
    );
    assert_eq!(err.matches(&warning).count(), 1, "{err}");
    assert!(err.contains("OUTSIDE the sandbox"), "{err}");
    // `ls` is the system's: no warning for it.
    assert_eq!(
        err.matches("a file inside the workspace").count(),
        1,
        "{err}"
    );
    assert!(!env.repo.path().join("planted-ran").exists(), "declined");
}
