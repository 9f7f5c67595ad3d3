//! The question whether to trust a repository with settings of its own
//! (or whose trusted settings changed), asked by both front ends.

use super::args::GlobalArgs;
use super::setup;

/// What is said when Ctrl-C stops the trust question.
pub(crate) const TRUST_STOPPED: &str =
    "stopped at the trust question; nothing was trusted (run quire again to answer it)";

fn answer_word(line: &str) -> String {
    line.trim().to_ascii_lowercase()
}

/// Whether `line` answers the trust question (yes, no, or an empty line
/// for no).
pub(crate) fn is_answer(line: &str) -> bool {
    matches!(answer_word(line).as_str(), "y" | "yes" | "n" | "no" | "")
}

/// In a repository with settings of its own that the user has not decided
/// about yet, asks whether to trust it; on yes records that and returns the
/// configuration loaded again (now with the repository's settings).
pub(crate) async fn ask_trust(
    mut ask: impl AsyncFnMut(&str) -> Option<String>,
    setup: &setup::Setup,
    global: &GlobalArgs,
) -> anyhow::Result<Option<setup::Setup>> {
    use quire::config::trust;
    if setup.config.project_trusted {
        return Ok(None);
    }
    let workspace =
        quire::agent::prompt::repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
    let found = trust::project_settings(&workspace);
    let decided = trust::decide_in(&setup.config.projects, &workspace);
    // Trusted, yet not in effect: its settings changed since (config::seal).
    let changed = decided == Some(trust::TrustLevel::Trusted);
    if found.is_empty() || (decided.is_some() && !changed) {
        return Ok(None);
    }
    let question = if changed {
        let files = quire::config::seal::changed(&setup.home, &workspace)
            .map(|f| f.join(", "))
            .unwrap_or_else(|e| e);
        eprintln!(
            "{}'s settings changed since you trusted it: {files}. Read them before you answer: they can start programs (.mcp.json) and turn the sandbox off (.quire/config.toml).",
            workspace.display()
        );
        "Use the changed settings? [y]es, [n]o: "
    } else {
        eprintln!(
            "{} has settings of its own: {}.\nThey can start programs (.mcp.json), add instructions (skills, plugins) and change quire's configuration.",
            workspace.display(),
            found.join(", ")
        );
        "Trust this repository? [y]es, [n]o: "
    };
    // What the settings would run, asked first or again: the same lines
    // as `quire trust` shows.
    for line in quire::config::trust_review::notable_settings(&workspace) {
        eprintln!("  {line}");
    }
    for w in super::trust::repo_warnings(&setup.home, &workspace) {
        eprintln!("warning: {w}");
    }
    let answer = loop {
        match ask(question).await {
            Some(l) if is_answer(&l) => break matches!(answer_word(&l).as_str(), "y" | "yes"),
            Some(_) => eprintln!("answer y or n"),
            None => break false,
        }
    };
    if !answer && changed {
        eprintln!(
            "the changed settings stay off (`quire trust` turns them on). {}",
            quire::config::seal::HOOKS_STILL_RUN
        );
        return Ok(None);
    }
    if !answer {
        eprintln!(
            "not trusted: its settings stay off (`quire trust` turns them on, `quire trust --deny` stops this question)"
        );
        return Ok(None);
    }
    super::trust::loadable(&setup.home, &workspace).map_err(anyhow::Error::msg)?;
    trust::record(
        &setup.home.join("config.toml"),
        &workspace,
        Some(trust::TrustLevel::Trusted),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    quire::config::seal::record(&setup.home, &workspace).map_err(|e| anyhow::anyhow!(e))?;
    eprintln!("trusted {}", workspace.display());
    Ok(Some(setup::load(global, None)?))
}
