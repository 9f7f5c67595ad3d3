//! From arguments to a loaded configuration.

use std::path::PathBuf;

use quire::agent::prompt::repo_root;
use quire::config::{self, Config, LoadOptions};

use super::args::{ApprovalArg, GlobalArgs, SandboxArg};

/// The loaded configuration and where the session runs.
pub struct Setup {
    pub config: Config,
    pub home: PathBuf,
    pub cwd: PathBuf,
    pub warnings: Vec<String>,
    /// Which layer set which settings (`/status`).
    pub sources: Vec<config::ConfigSource>,
}

/// Loads config layers and applies the flags (as `-c` overrides, last).
pub fn load(global: &GlobalArgs, max_turns: Option<u32>) -> anyhow::Result<Setup> {
    let cwd = match &global.cd {
        Some(d) => work_dir(d)?,
        None => std::env::current_dir()
            .map_err(|e| anyhow::anyhow!("cannot read the current directory: {e}"))?,
    };
    let home = config::quire_home();
    if let Some(clash) = config::codex_keys::override_clash(&global.overrides) {
        anyhow::bail!("{clash}");
    }
    let mut overrides = global.overrides.clone();
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    if let Some(p) = &global.provider {
        overrides.push(format!("provider={}", quoted(p)));
    }
    if let Some(m) = &global.model {
        overrides.push(format!("model={}", quoted(m)));
    }
    // Codex's --full-auto and --yolo (clap refuses them with -s or -a).
    let (sandbox, approval) = if global.full_auto {
        (
            Some(SandboxArg::WorkspaceWrite),
            Some(ApprovalArg::OnRequest),
        )
    } else if global.bypass_approvals_and_sandbox {
        (Some(SandboxArg::DangerFullAccess), Some(ApprovalArg::Never))
    } else {
        (global.sandbox, global.approval)
    };
    if let Some(s) = sandbox {
        let v = match s {
            SandboxArg::ReadOnly => "read-only",
            SandboxArg::WorkspaceWrite => "workspace-write",
            SandboxArg::DangerFullAccess => "danger-full-access",
        };
        overrides.push(format!("sandbox={}", quoted(v)));
    }
    if let Some(a) = approval {
        let v = match a {
            ApprovalArg::Never => "never",
            ApprovalArg::Untrusted => "untrusted",
            // Codex's on-failure: on-request, said below.
            ApprovalArg::OnRequest | ApprovalArg::OnFailure => "on-request",
        };
        overrides.push(format!("approval={}", quoted(v)));
    }
    if global.network {
        overrides.push("network=true".into());
    }
    if let Some(n) = max_turns {
        overrides.push(format!("max_turns={n}"));
    }
    let root = repo_root(&cwd);
    let opts = LoadOptions {
        home: home.clone(),
        workspace: Some(root.clone().unwrap_or_else(|| cwd.clone())),
        repo_root: root,
        overrides,
        profile: global.profile.clone(),
    };
    let (config, mut warnings) = config::load(&opts)?;
    if global.cd.is_none()
        && let Some(refusal) =
            super::pwd_link::refusal(&cwd, config.sandbox, &config.writable_roots)
    {
        anyhow::bail!("{refusal}");
    }
    if matches!(approval, Some(ApprovalArg::OnFailure)) {
        let flag = ["--ask-for-approval", "--approval"]
            .into_iter()
            .find(|long| super::args::spelled("-a", long) == *long)
            .unwrap_or("-a");
        warnings.push(config::codex_keys::on_failure_note(&format!(
            "{flag} on-failure"
        )));
    }
    let sources = config::sources(
        &opts,
        config.project_trusted,
        config.profile_applied.as_ref(),
    );
    Ok(Setup {
        config,
        home,
        cwd,
        warnings,
        sources,
    })
}

/// [`load`] for a command that prints its own output: the error said
/// (exit 2), the warnings said, else the setup.
pub fn load_or_say(global: &GlobalArgs) -> Result<Setup, i32> {
    let setup = match load(global, None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Err(super::EXIT_USAGE);
        }
    };
    for w in &setup.warnings {
        eprintln!("warning: {w}");
    }
    Ok(setup)
}

impl Setup {
    /// What the sandbox takes from this session beyond the usual (a temp
    /// root or the workspace that cannot take new files because it holds
    /// one of the user's own folders), shown at start.
    pub fn sandbox_notes(&self) -> Vec<String> {
        let workspace = repo_root(&self.cwd).unwrap_or_else(|| self.cwd.clone());
        quire::tools::sandbox::carve_notes(
            self.config.sandbox,
            &workspace,
            &self.config.writable_roots,
        )
    }

    /// [`Self::sandbox_notes`] and the writable roots left out when
    /// first pinned (reached through a link a command could have made),
    /// for a session's start.
    pub fn sandbox_warnings(&self) -> Vec<String> {
        let mut out = self.sandbox_notes();
        out.extend(quire::tools::pinned_roots::take_warnings());
        out
    }
}

/// The directory of `-C DIR`: it must exist and be a directory.
fn work_dir(d: &std::path::Path) -> anyhow::Result<PathBuf> {
    let flag = super::args::spelled("-C", "--cd");
    let shown = d.display();
    match std::fs::metadata(d) {
        Ok(m) if m.is_dir() => {
            std::fs::canonicalize(d).map_err(|e| anyhow::anyhow!("{flag} {shown}: {e}"))
        }
        Ok(_) => anyhow::bail!("{flag} {shown}: not a directory"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            anyhow::bail!("{flag} {shown}: no such directory")
        }
        Err(e) => anyhow::bail!("{flag} {shown}: {e}"),
    }
}
