//! A command or HTTP hook's run: its environment (the session's
//! variables, the plugin's folders, `CLAUDE_ENV_FILE`), its `PATH`, and
//! whether it is waited for or goes on in the background
//! ([`super::super::background`]).

use super::*;
use crate::hooks::runner::Wait;

impl Hooks {
    /// A command or HTTP hook. A background one ([`HookDef::background`])
    /// answers [`runner::RunStatus::Detached`] at once; its output is read
    /// when it ends, for the next turn.
    pub(super) async fn run_process(
        &self,
        hook: &Hook,
        info: &SessionInfo,
        git_env: &[(String, String)],
        body: Vec<u8>,
    ) -> RunOutput {
        if hook.def.kind == HookKind::Http {
            let client = self.http.get_or_init(reqwest::Client::new);
            return runner::run_http(
                client,
                hook.def.url.as_deref().unwrap_or(""),
                &hook.def.headers,
                &hook.def.allowed_env_vars,
                body,
                hook.def.timeout(),
            )
            .await;
        }
        let project = info.project_dir.display().to_string();
        let mut env: Vec<(&str, String)> = info
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        env.extend([
            ("QUIRE_PROJECT_DIR", project.clone()),
            ("CLAUDE_PROJECT_DIR", project),
            ("QUIRE_SESSION_ID", info.session_id.clone()),
        ]);
        env.extend(git_env.iter().map(|(k, v)| (k.as_str(), v.clone())));
        if let Some(root) = hook.put_root() {
            let root = match &hook.root_alias {
                Some(link) => crate::hooks::root_alias::written(link),
                None => root.display().to_string(),
            };
            env.push(("CLAUDE_PLUGIN_ROOT", root.clone()));
            env.push(("PLUGIN_ROOT", root));
        }
        // As Claude Code does: the plugin's persistent folder, made on
        // first use (its MCP servers get the same one).
        if let Some(data) = &hook.plugin_data {
            if let Err(e) = crate::tools::plugin_data::make(data) {
                tracing::warn!("hooks: cannot make {}: {e}", data.display());
            }
            let data = data.display().to_string();
            env.push(("CLAUDE_PLUGIN_DATA", data.clone()));
            env.push(("PLUGIN_DATA", data));
        }
        // Claude Code's CLAUDE_ENV_FILE: read when the hook ends.
        let env_file = (hook.event == HookEvent::SessionStart)
            .then(|| {
                self.env_files
                    .new_file(&info.transcript_path, &info.session_id)
            })
            .flatten();
        let env_file_var = env_file.as_ref().map(|f| f.display().to_string());
        env.extend(env_file_var.map(|f| ("CLAUDE_ENV_FILE", f)));
        let path = hook_path(info);
        // A repository's hook runs where its relative paths were resolved
        // and approved (`trust::script_hashes`): the repository's root,
        // not the folder quire started in — there a `.claude/hooks/x.sh`
        // the model wrote would run instead of the approved one.
        let cwd = match hook.scope {
            crate::hooks::HookScope::Project => &info.project_dir,
            crate::hooks::HookScope::User => &info.cwd,
        };
        let label = hook.def.label();
        let env_later = env_file.clone().map(|file| {
            let (files, events, label) =
                (self.env_files.clone(), self.events.clone(), label.clone());
            move || {
                for message in files.take_in(&file, &label) {
                    events.send(Event::Warning { message });
                }
            }
        });
        let timeout = hook.def.timeout();
        let wait = match hook.def.background {
            true => Wait::Background(timeout),
            false => Wait::For(timeout),
        };
        // A background hook's answer, read when it ends.
        let answer_later = hook.def.background.then(|| {
            let (later, events, label) = (self.later.clone(), self.events.clone(), label.clone());
            let event = hook.event;
            move |out: &RunOutput| {
                later.ended((event, &label, timeout.as_secs()), out, &events);
            }
        });
        let out = runner::run_command_then(
            hook.def.command.as_deref().unwrap_or(""),
            cwd,
            &env,
            path.as_deref(),
            &body,
            wait,
            // A detached hook's file is read when it ends.
            move |out| {
                env_later.into_iter().for_each(|read| read());
                answer_later.into_iter().for_each(|read| read(&out));
            },
        )
        .await;
        if let Some(file) = env_file
            && !matches!(out.status, runner::RunStatus::Detached(_))
        {
            for message in self.env_files.take_in(&file, &label) {
                self.events.send(Event::Warning { message });
            }
        }
        out
    }
}

/// The `PATH` a command hook runs with: quire's, without the entries
/// the model's sandboxed commands can write (inside the workspace, or
/// relative: [`crate::writable_path`]), so `python3` or `jq` in a hook is
/// never a program the model planted in an activated `.venv/bin`. The
/// same for every hook: a user's runs without approval each time, and a
/// repository's approval covers the files its command names, not what a
/// `PATH` lookup finds (name `.venv/bin/ruff` to run the project's).
fn hook_path(info: &SessionInfo) -> Option<std::ffi::OsString> {
    let path = std::env::var_os("PATH")?;
    let roots = crate::writable_path::writable_roots([info.cwd.as_path(), &info.project_dir]);
    Some(crate::writable_path::without_writable(&path, &roots))
}
