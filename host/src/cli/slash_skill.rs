//! `/skill args` in the three front ends: the skill's instructions are
//! filled with the arguments by the custom commands' code (`$ARGUMENTS`,
//! `$ARGUMENTS[N]` and `$N` from `$0`, as Claude Code fills a skill's;
//! without a placeholder "ARGUMENTS: …" after them), its `` !`command` ``
//! lines run under its `allowed-tools`, and the message then activates it
//! with that text. A skill the model activates, or called without
//! arguments, keeps its instructions as written.

use std::path::Path;

use quire::agent::Session;
use quire::commands::{self, CommandSource, ExpandContext, Numbering, SlashCommand};
use quire::config::Config;
use quire::skills::{DiscoverOptions, Skill};

/// Where a session in `cwd` finds the skills a user may call (`None` when
/// skills are off).
pub fn options(config: &Config, home: &Path, cwd: &Path) -> Option<DiscoverOptions> {
    config.skills.enabled.then(|| {
        DiscoverOptions::new(
            cwd.to_path_buf(),
            quire::agent::prompt::repo_root(cwd),
            home.to_path_buf(),
            &config.skills,
        )
        .trusting(config.project_trusted)
    })
}

/// When `/name args` calls a skill the user may call with arguments: its
/// instructions filled in, handed to the session for the next message.
/// `Ok(false)` when it calls none (or no arguments were given).
pub async fn prepare(
    skills: Option<&DiscoverOptions>,
    (name, args): (&str, &str),
    session: &mut Session,
    ctx: impl FnOnce(&Session) -> ExpandContext,
) -> Result<bool, String> {
    let Some(opts) = skills.filter(|_| !args.trim().is_empty()) else {
        return Ok(false);
    };
    let found = quire::skills::discover(opts);
    let Some(skill) = found
        .skills
        .iter()
        .find(|s| s.user_invocable && s.called_by(name))
    else {
        return Ok(false);
    };
    // Its `` !`…` `` lines get what SessionStart hooks set.
    session.run_start_hooks().await;
    let ctx = ctx(session);
    let cmd = as_command(skill);
    let expanded = commands::expand_as(&cmd, args, &ctx, Numbering::FromZero)
        .await
        .map_err(|e| e.to_string())?;
    for w in expanded.warnings {
        session.warn(w);
    }
    session.invoke_skill(&skill.name, &expanded.text);
    Ok(true)
}

/// The skill as a custom command: its body (a plugin's paths already
/// filled in), its `allowed-tools`, its file for what errors name.
fn as_command(skill: &Skill) -> SlashCommand {
    let plugin_root = quire::plugins::bundle::plugin_folder_of(&skill.root);
    let plugin = plugin_root
        .as_deref()
        .and_then(|r| r.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    SlashCommand {
        name: skill.handle(),
        description: skill.description.clone(),
        argument_hint: None,
        allowed_tools: skill.allowed_tools.clone(),
        model: None,
        body: skill.body.clone(),
        path: skill.file.clone(),
        plugin_data: plugin
            .as_deref()
            .map(|p| quire::plugins::bundle::mcp::data_dir(&quire::config::quire_home(), p)),
        source: plugin.map_or(CommandSource::User, CommandSource::Plugin),
        plugin_root,
        warnings: Vec::new(),
    }
}
