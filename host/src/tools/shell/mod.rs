//! The `shell` tool: runs a command with `bash -c` in the session's
//! sandbox, asking for approval as the policy says.

mod always_args;
mod environment;
mod exec;
mod git_config;
mod index_lock;
pub(crate) mod lex;
mod live;
pub mod result_text;
mod runs_code;
mod safe;
mod workspace_programs;

use std::path::PathBuf;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::approval::denial_text;
use super::sandbox::{SandboxMode, SandboxPolicy};
use super::typed::{Typed, TypedTool};
use super::{
    ApprovalDecision, ApprovalPolicy, ApprovalRequest, ToolContext, ToolError, ToolOutput,
};
pub use environment::{Inherit, ShellEnvironment, ShellEnvironmentConfig};
pub use exec::{ExecOutcome, ExecRequest, KEPT_BYTES, run as run_sandboxed};
pub use live::Live;
pub(crate) use safe::WRAPPERS;
pub use safe::{always_key, is_known_safe, is_known_safe_in};

/// The default timeout of a call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 120_000;
/// The longest timeout a call may ask for, in milliseconds.
pub const MAX_TIMEOUT_MS: u64 = 600_000;

const DESCRIPTION: &str = "Runs a shell command with `bash -c` and returns its exit code, wall time and combined stdout/stderr (interleaved; very long output keeps its head and tail).

- Prefer the dedicated tools over shell commands: read_file to read files, list_dir to list directories, grep to search, apply_patch to edit files.
- Use `workdir` instead of `cd`. Commands get no input (stdin is empty) and no terminal, so use non-interactive flags (for example `git --no-pager`, `-y`).
- Commands run in a sandbox: depending on the session they may be read-only, or may write only inside the workspace and temp dirs, and usually have no network and no Unix sockets (docker, systemd-run, D-Bus, ssh-agent). A sandbox refusal shows up as \"Permission denied\" or a failed connection.
- If a command truly needs to go beyond the sandbox (network access, writing outside the workspace, a Unix socket), call again with `escalate: true` and a short `justification`; the user is asked to approve. Do not escalate to work around a failure that has another cause.
- A non-zero exit code marks the result as an error: read the output and react.
- Long-running commands are killed after `timeout_ms` (default applies); do not start servers or watchers that never exit.";

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Args {
    /// The command line, run with `bash -c`.
    command: String,
    /// Directory to run in, relative to the session's working directory (default: that directory).
    workdir: Option<String>,
    /// Kill the command after this many milliseconds (set by `adjust_schema`).
    #[schemars(range(min = 1, max = MAX_TIMEOUT_MS))]
    timeout_ms: Option<u64>,
    /// Run outside the sandbox. Needs the user's approval; give a justification.
    #[serde(default)]
    escalate: bool,
    /// One sentence telling the user why the command must run outside the sandbox.
    justification: Option<String>,
}

/// The `shell` tool ([`Shell`] as a [`super::Tool`]).
pub type ShellTool = Typed<Shell>;

pub struct Shell {
    default_timeout_ms: u64,
}

impl Default for Shell {
    fn default() -> Self {
        Shell {
            default_timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

impl Typed<Shell> {
    /// A shell tool whose calls time out after `ms` unless they say
    /// otherwise (capped at [`MAX_TIMEOUT_MS`]).
    pub fn with_default_timeout(ms: u64) -> Self {
        Typed::of(Shell {
            default_timeout_ms: ms.clamp(1, MAX_TIMEOUT_MS),
        })
    }
}

impl TypedTool for Shell {
    type Args = Args;
    const NAME: &'static str = "shell";
    const DESCRIPTION: &'static str = DESCRIPTION;
    const READ_ONLY: bool = false;
    const DESTRUCTIVE: bool = true;

    fn adjust_schema(&self, parameters: &mut Value) {
        if let Some(timeout) = parameters.pointer_mut("/properties/timeout_ms") {
            timeout["description"] = json!(format!(
                "Kill the command after this many milliseconds (default {}, at most {MAX_TIMEOUT_MS}).",
                self.default_timeout_ms
            ));
        }
    }

    fn invalid_arguments(e: serde_json::Error) -> ToolError {
        ToolError::InvalidArguments(format!("{e}. Pass at least `command`."))
    }

    async fn run(&self, args: Args, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        if args.command.trim().is_empty() {
            return Err(ToolError::InvalidArguments(
                "`command` is empty; pass the command line to run".into(),
            ));
        }
        let timeout_ms = args
            .timeout_ms
            .unwrap_or(self.default_timeout_ms)
            .clamp(1, MAX_TIMEOUT_MS);
        let cwd = match &args.workdir {
            Some(w) => ctx.resolve(w),
            None => ctx.cwd.clone(),
        };
        if !cwd.is_dir() {
            return Err(ToolError::Failed(format!(
                "workdir {} is not an existing directory; pass a directory relative to {}",
                cwd.display(),
                ctx.cwd.display()
            )));
        }
        let (mode, watched) = approve(&args, &cwd, ctx).await?;
        let lock = index_lock::IndexLock::before(&cwd);
        let ran = exec::run(exec::ExecRequest {
            command: &args.command,
            cwd,
            timeout: Duration::from_millis(timeout_ms),
            policy: policy_for(mode, ctx),
            env: &ctx.shell_env,
            cancel: ctx.cancel.clone(),
            live: ctx
                .call_id
                .as_ref()
                .map(|id| live::Live::new(ctx.events.clone(), id.clone())),
        })
        .await;
        let outcome = match ran {
            Ok(outcome) => outcome,
            Err(e) => {
                if stopped(&e)
                    && let Some(message) = lock.left_behind()
                {
                    ctx.events.send(crate::protocol::Event::Warning { message });
                }
                return Err(e);
            }
        };
        if let Some(key) = watched {
            ctx.approver.ran(&key).await;
        }
        let code = outcome.status.code();
        let mut structured = json!({
            "exit_code": code,
            "signal": outcome.signal(),
            "wall_ms": u64::try_from(outcome.wall.as_millis()).unwrap_or(u64::MAX),
        });
        // What /undo says of the command's changes: none under read-only.
        structured[SANDBOX] = json!(mode.to_string());
        if outcome.dropped > 0 {
            // Counted into the call's `truncated_bytes` with what the
            // output cap cuts after.
            structured[DROPPED_BYTES] = json!(outcome.dropped);
        }
        Ok(ToolOutput {
            text: format_outcome(&outcome),
            structured: Some(structured),
            // A command that failed is shown and sent as a failure.
            is_error: code != Some(0),
        })
    }
}

/// Whether the command was stopped by quire (a timeout, an interrupt).
fn stopped(e: &ToolError) -> bool {
    match e {
        ToolError::Interrupted | ToolError::Timeout(_) => true,
        ToolError::WithOutput { cause, .. } => stopped(cause),
        _ => false,
    }
}

/// Applies the approval policy; returns the sandbox the command runs in
/// and, for a command asked about that runs the workspace's code outside
/// the sandbox, its "always" key (its run's end is told to the approver).
async fn approve(
    args: &Args,
    cwd: &std::path::Path,
    ctx: &ToolContext,
) -> Result<(SandboxMode, Option<String>), ToolError> {
    // Without a sandbox there is nothing to escalate from.
    let escalate = args.escalate && ctx.sandbox != SandboxMode::DangerFullAccess;
    if escalate && ctx.sandbox_fixed {
        return Err(ToolError::Denied(format!(
            "this agent's definition fixes the {} sandbox ({}), so commands cannot run outside it. Run the command inside the sandbox, or answer with what you need and why.",
            ctx.sandbox,
            crate::tools::sandbox::FIXED_BY
        )));
    }
    let ask = match ctx.approval_policy {
        ApprovalPolicy::Never if escalate => {
            // Read-only: the user can let commands write the workspace.
            let allow = match ctx.sandbox {
                SandboxMode::ReadOnly => format!(
                    " They can let commands write the workspace with {}.",
                    crate::tools::sandbox::WRITES_ALLOWED_BY
                ),
                _ => String::new(),
            };
            return Err(ToolError::Denied(format!(
                "the approval policy is `never`, so commands cannot run outside the {} sandbox. Run the command inside the sandbox, or tell the user what you need and why.{allow}",
                ctx.sandbox
            )));
        }
        ApprovalPolicy::Never => false,
        ApprovalPolicy::OnRequest => escalate,
        ApprovalPolicy::Untrusted => escalate || !safe::is_known_safe_in(&args.command, cwd).await,
    };
    let mut watched = None;
    if ask {
        // Where it runs, when not where the session does: the same command
        // in another folder runs other code (that folder's Makefile).
        let elsewhere = folder_shown(cwd, &ctx.cwd);
        let always_key = shell_always_key(&args.command, cwd, escalate)
            .await
            .map(|k| match &elsewhere {
                Some(dir) if escalate => format!("{k} in {dir}"),
                _ => k,
            });
        let planted = match escalate {
            true => programs_in_workspace(&args.command, cwd, ctx),
            false => Vec::new(),
        };
        // An "always" given before a program was planted does not cover
        // it, and one given with it holds while the files stay as they are.
        let always_key = always_key.map(|k| with_programs(k, &planted));
        let runs_code = runs_code::runs_workspace_code(&args.command) || !planted.is_empty();
        let mut code_in = match escalate && runs_code {
            true => code_folders(&args.command, cwd, &ctx.workspace),
            false => Vec::new(),
        };
        for program in &planted {
            if !code_in.iter().any(|root| program.path.starts_with(root)) {
                code_in.push(program.path.clone());
            }
        }
        if !code_in.is_empty() {
            watched.clone_from(&always_key);
        }
        let request = ApprovalRequest {
            tool: "shell".into(),
            summary: match &elsewhere {
                Some(dir) => format!("{}    (in {dir})", args.command),
                None => args.command.clone(),
            },
            reason: args.justification.clone(),
            always_key,
            files: Vec::new(),
            agent: None,
            escalated: escalate,
            code_in,
            asked_again: None,
            workspace_programs: planted,
            outside_writes: None,
        };
        match ctx.approver.ask(request).await {
            ApprovalDecision::Approved | ApprovalDecision::ApprovedAlways => {}
            ApprovalDecision::Denied => {
                return Err(ToolError::Denied(denial_text(
                    ctx.approver.as_ref(),
                    &format!("`{}`", args.command),
                )));
            }
        }
    }
    let mode = match escalate {
        true => SandboxMode::DangerFullAccess,
        false => ctx.sandbox,
    };
    Ok((mode, watched))
}

/// `dir` as the approval prompt names it when it is not the session's
/// folder (`sub/..` and a link to it are): relative to that folder when
/// inside it, else in full.
fn folder_shown(dir: &std::path::Path, session: &std::path::Path) -> Option<String> {
    let real =
        |p: &std::path::Path| super::apply_patch::real_path(&super::apply_patch::normalize(p));
    let (dir, session) = (real(dir), real(session));
    match dir.strip_prefix(&session) {
        Ok(rel) if rel.as_os_str().is_empty() => None,
        Ok(rel) => Some(rel.display().to_string()),
        Err(_) => Some(dir.display().to_string()),
    }
}

/// Where the code of `command` run at `cwd` lives: the workspace, the
/// folder it runs in when that is elsewhere (a sandboxed command can
/// write the temp folder too), and a program or script it names by a
/// path out of both (`/tmp/x.sh`, `python3 /tmp/t.py`).
fn code_folders(command: &str, cwd: &std::path::Path, workspace: &std::path::Path) -> Vec<PathBuf> {
    // Real paths: `..` and links resolved, so what lies elsewhere is
    // looked at where it is.
    let real =
        |p: &std::path::Path| super::apply_patch::real_path(&super::apply_patch::normalize(p));
    let mut roots = vec![real(workspace)];
    let cwd = real(cwd);
    if !cwd.starts_with(&roots[0]) {
        roots.push(cwd.clone());
    }
    for named in runs_code::named_programs(command) {
        let path = real(&cwd.join(named));
        if !roots.iter().any(|r| path.starts_with(r)) {
            roots.push(path);
        }
    }
    roots
}

/// The programs of escalated `command` run in `cwd` that the model's
/// sandboxed commands can write: inside the workspace, the folder it
/// runs in, the `writable_roots` or the temp folder, or found through a
/// relative `PATH` entry of the command's environment.
fn programs_in_workspace(
    command: &str,
    cwd: &std::path::Path,
    ctx: &ToolContext,
) -> Vec<super::approval::WorkspaceProgram> {
    // Run outside the sandbox: without what only sandboxed commands get.
    let env = ctx.shell_env.build(false);
    let path = env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.as_os_str());
    let temp = std::env::temp_dir();
    let dirs = [ctx.workspace.as_path(), cwd];
    let mut roots = crate::writable_path::writable_roots(dirs);
    let others = ctx.writable_roots.iter().chain([&temp]);
    roots.extend(others.filter_map(|d| d.canonicalize().ok()));
    workspace_programs::find(command, cwd, path, &roots)
}

/// `key` naming the files of `planted` it runs.
fn with_programs(key: String, planted: &[super::approval::WorkspaceProgram]) -> String {
    planted.iter().fold(key, |key, p| {
        format!("{key} [{} = {}]", p.word, p.path.display())
    })
}

/// The "always" key of `command`: a run outside the sandbox has its own
/// ([`super::approval::escalated_key`]), so "always" given for the
/// sandboxed command never lets it out of the sandbox, and the reverse.
async fn shell_always_key(command: &str, cwd: &std::path::Path, escalate: bool) -> Option<String> {
    let key = safe::always_key_in(command, cwd).await?;
    Some(match escalate {
        true => super::approval::escalated_key(&key),
        false => key,
    })
}

fn policy_for(mode: SandboxMode, ctx: &ToolContext) -> SandboxPolicy {
    let mut policy = SandboxPolicy {
        unix_sockets: ctx.unix_sockets,
        ..super::sandbox::workspace_policy(mode, &ctx.workspace, ctx.network, &ctx.writable_roots)
    };
    super::plugin_data::grant(&mut policy, &ctx.plugin_data);
    policy
}

/// The structured field of a command's result holding the bytes dropped
/// from the middle of its output before it reached the output cap.
pub const DROPPED_BYTES: &str = "dropped_bytes";
/// The structured result's key for the sandbox the command ran in
/// (`tool_completed`'s `sandbox`).
pub const SANDBOX: &str = "sandbox";

fn format_outcome(o: &exec::ExecOutcome) -> String {
    let mut text = format!(
        "{}\n{}{:.1} s\n",
        o.status_line(),
        result_text::WALL_TIME,
        o.wall.as_secs_f64()
    );
    if o.dropped > 0 {
        text.push_str(&result_text::dropped_line(o.dropped));
    }
    if o.output_left_open {
        text.push_str(
            "Note: a background process still holds the output open; output after the command exited may be missing\n",
        );
    }
    text.push_str(result_text::OUTPUT);
    text.push_str(&o.output);
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_of_a_command_is_looked_for_where_it_runs_and_what_it_names() {
        let workspace = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let ws = std::fs::canonicalize(workspace.path()).unwrap();
        let other = std::fs::canonicalize(elsewhere.path()).unwrap();
        let script = other.join("t.py");
        assert_eq!(super::code_folders("make test", &ws, &ws), vec![ws.clone()]);
        // A folder outside the workspace, reached with `..` too.
        let up = ws.join("..").join(other.file_name().unwrap());
        assert_eq!(
            super::code_folders("make test", &up, &ws),
            [ws.clone(), other.clone()]
        );
        assert_eq!(
            super::code_folders(&format!("python3 {}", script.display()), &ws, &ws),
            [ws.clone(), script]
        );
        assert_eq!(
            super::code_folders("./ci.sh", &ws, &ws),
            vec![ws.clone()],
            "a script in the workspace is in its fingerprint already"
        );
    }

    #[test]
    fn the_session_folder_by_another_path_is_no_other_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/up")).unwrap();
        assert_eq!(super::folder_shown(&root.join("sub/.."), root), None);
        assert_eq!(super::folder_shown(&root.join("sub/up"), root), None);
        assert_eq!(
            super::folder_shown(&root.join("sub"), root).as_deref(),
            Some("sub")
        );
    }

    #[tokio::test]
    async fn a_run_outside_the_sandbox_has_its_own_always_key() {
        let dir = tempfile::tempdir().unwrap();
        let inside = super::shell_always_key("make test", dir.path(), false).await;
        let outside = super::shell_always_key("make test", dir.path(), true).await;
        assert_eq!(inside.as_deref(), Some("make test"));
        assert_eq!(outside.as_deref(), Some("make test (outside the sandbox)"));
        assert!(
            super::shell_always_key("rm -rf x", dir.path(), true)
                .await
                .is_none()
        );
    }
}
