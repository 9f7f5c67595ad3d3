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
    let mut out = Report {
        json: args.json,
        checks: Vec::new(),
    };
    match setup::load(global, None) {
        Err(e) => out.add([Check::fail(
            "config",
            format!("{e:#}"),
            "fix the file or flag named above; `quire doctor` runs the other checks once it loads",
        )]),
        Ok(setup) => {
            out.add(checks::config(&setup));
            out.add(claude::check(&setup));
            let setup_runs = crate::cli::first_run::needed(&setup);
            out.add(provider::check(&setup.config, setup_runs).await);
            out.add([checks::sandbox(&setup.config)]);
            out.add(checks::mcp(&setup).await);
            out.add(checks::plugins(&setup).await);
            out.add(checks::skills(&setup));
            out.add(checks::caches(&setup));
        }
    }
    out.finish()
}

/// The checks so far; the human report prints each as it is added (a
/// slow server does not hold back the lines known at once), `--json`
/// prints one object at the end.
struct Report {
    json: bool,
    checks: Vec<Check>,
}

impl Report {
    fn add(&mut self, checks: impl IntoIterator<Item = Check>) {
        for c in checks {
            if !self.json {
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
            self.checks.push(c);
        }
    }

    /// The JSON object or the summary line; the exit code.
    fn finish(self) -> i32 {
        let out = self.checks;
        let failed = out.iter().any(|c| c.status == Status::Fail);
        if self.json {
            let v = serde_json::json!({"ok": !failed, "checks": out});
            println!("{v}");
        } else {
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
}

/// A line of the human report on stdout, cleaned of escape sequences on a
/// terminal or not (a repository's settings are quoted in it: `quire
/// doctor | less -R` must not act on them); a closed pipe is not an error.
fn say(line: &str) {
    listln!("{line}");
}
