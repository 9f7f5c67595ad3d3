//! `quire doctor`'s lines on Claude Code's settings files: how many
//! permission rules each gave, its `defaultMode`, `env`, switches, the
//! folders `additionalDirectories` lets commands write, and each rule or
//! value quire does not use, with why.

use quire::config::claude_settings::ClaudeSettings;
use quire::tools::permissions::Permissions;

use super::Check;
use crate::cli::setup::Setup;

const AREA: &str = "claude";

/// Whether the config warning `w` is about Claude Code's settings (said
/// here, not among the config keys).
pub fn is_about(claude: &ClaudeSettings, w: &str) -> bool {
    claude.warnings.iter().any(|c| c == w)
        || claude
            .files
            .iter()
            .any(|f| w.starts_with(&f.path.display().to_string()))
}

pub fn check(setup: &Setup) -> Vec<Check> {
    let claude = &setup.config.claude;
    let mut out: Vec<Check> = claude
        .summary()
        .into_iter()
        .map(|line| Check::ok(AREA, line))
        .collect();
    if !out.is_empty() && !claude.project_trusted {
        out.push(Check::ok(
            AREA,
            "the repository is not trusted: its deny and ask rules, `plan` mode, disabled MCP servers and hooks apply; its allow rules, env, additionalDirectories and other modes do not",
        ));
    }
    let (dirs, _) = quire::config::claude_dirs::writable(claude);
    if !dirs.is_empty() {
        let dirs: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        out.push(Check::ok(
            AREA,
            format!(
                "permissions.additionalDirectories: commands and apply_patch may also write {}",
                dirs.join(", ")
            ),
        ));
    }
    let (_, notes) = Permissions::new(claude, &setup.cwd);
    let fix = "correct or remove the rule (Claude Code's form: Tool or Tool(pattern), e.g. Bash(npm run test:*), Read(./.env), Edit(src/**), mcp__server)";
    for n in notes.not_needed {
        out.push(Check::ok(AREA, n));
    }
    for n in notes.unusable {
        // A sound rule unused only because the repository is untrusted:
        // trusting it is the fix, not the rule.
        let fix = if n.contains("the repository is not trusted") {
            "`quire trust` if you trust this repository; until then its allow rules stay unused"
        } else if n.contains("changed since you trusted") {
            "read the file, then `quire trust` to use it"
        } else {
            fix
        };
        out.push(Check::warn(AREA, n, fix));
    }
    for w in &setup.warnings {
        if is_about(claude, w) {
            out.push(Check::warn(
                AREA,
                w.clone(),
                "see the README, \"Claude Code settings\"",
            ));
        }
    }
    out
}
