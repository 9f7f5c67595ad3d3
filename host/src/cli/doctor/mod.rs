//! `quire doctor [--json]`: checks the setup and says, for each problem,
//! what to do. Every line is ok, warn or fail; exit 1 when any failed.

mod checks;
mod claude;
mod provider;

pub(crate) use provider::{listed_models, no_model_list};

use clap::Args;
use serde::Serialize;

use super::args::GlobalArgs;
use super::{EXIT_FAILED, EXIT_OK, setup};

/// Check quire's setup: config files and their trust, the provider (reached
/// with a cheap request that also tests the key), the model, the sandbox the
/// kernel can enforce, each MCP server and plugin, skills, caches.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// One JSON object: {"ok": bool, "checks": [{"area", "status", "message", "fix"}]}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub area: &'static str,
    pub status: Status,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn ok(area: &'static str, message: impl Into<String>) -> Check {
        Check {
            area,
            status: Status::Ok,
            message: message.into(),
            fix: None,
        }
    }

    pub fn warn(area: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            area,
            status: Status::Warn,
            message: message.into(),
            fix: Some(fix.into()),
        }
    }

    pub fn fail(area: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            area,
            status: Status::Fail,
            message: message.into(),
            fix: Some(fix.into()),
        }
    }
}

pub async fn run(global: &GlobalArgs, args: &DoctorArgs) -> i32 {
    let mut out = Vec::new();
    match setup::load(global, None) {
        Err(e) => out.push(Check::fail(
            "config",
            format!("{e:#}"),
            "fix the file or flag named above; `quire doctor` runs the other checks once it loads",
        )),
        Ok(setup) => {
            out.extend(checks::config(&setup));
            out.extend(claude::check(&setup));
            out.extend(provider::check(&setup.config).await);
            out.push(checks::sandbox(&setup.config));
            out.extend(checks::mcp(&setup).await);
            out.extend(checks::plugins(&setup).await);
            out.extend(checks::skills(&setup));
            out.extend(checks::caches(&setup));
        }
    }
    let failed = out.iter().any(|c| c.status == Status::Fail);
    if args.json {
        let v = serde_json::json!({"ok": !failed, "checks": out});
        println!("{v}");
    } else {
        for c in &out {
            let tag = match c.status {
                Status::Ok => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
            };
            say(&format!("{tag}  {:<9} {}", c.area, c.message));
            if let Some(f) = &c.fix {
                say(&format!("      {:<9} fix: {f}", ""));
            }
        }
        let warns = out.iter().filter(|c| c.status == Status::Warn).count();
        let fails = out.iter().filter(|c| c.status == Status::Fail).count();
        say(&format!(
            "\n{}: {} ok, {}, {fails} failed",
            quire::plural::counted(out.len(), "check"),
            out.len() - warns - fails,
            quire::plural::counted(warns, "warning")
        ));
    }
    if failed { EXIT_FAILED } else { EXIT_OK }
}

/// A line of the human report on stdout, cleaned of escape sequences on a
/// terminal or not (a repository's settings are quoted in it: `quire
/// doctor | less -R` must not act on them); a closed pipe is not an error.
fn say(line: &str) {
    listln!("{line}");
}
