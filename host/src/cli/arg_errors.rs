//! A command-line error (`--fail-on P9`, `--bogus`, `--max-turns 0`) of
//! `quire exec --json` or `quire review --json` (or `--format sarif` /
//! `github`) is also said on stdout in the form the command promises: an
//! `error` event, a review report with `error`, a failed SARIF run, a
//! `::error` annotation. clap refuses the arguments before either command runs,
//! so what was asked for is read from the words themselves; the same for
//! an environment variable refused at start (`json_saying`).

use quire::agent::Event;
use quire::review::{Report, Target};

/// The JSON to print on stdout for `error`, a refusal of `raw` (the
/// arguments without the program name); `None` unless `raw` asked for
/// `exec --json` or `review --json` (`--format json`, no
/// `--output-schema`).
pub fn json_for(raw: &[String], error: &clap::Error) -> Option<String> {
    let (_, command) = subcommand(raw)?;
    let message = format!(
        "{} (quire {command} --help lists the options)",
        sentence(error)
    );
    json_saying(raw, message)
}

/// [`json_for`] of any refusal before the command runs (a bad
/// `QUIRE_GIT_TIMEOUT`): `message` in the form `raw` asked for.
pub fn json_saying(raw: &[String], message: String) -> Option<String> {
    let (at, command) = subcommand(raw)?;
    let rest: Vec<&str> = raw[at + 1..]
        .iter()
        .map(String::as_str)
        .take_while(|a| *a != "--")
        .collect();
    match command {
        // Quire's `error` event is also Codex's (`--json=codex`).
        "exec"
            if rest.iter().any(|a| {
                *a == "--json" || a.starts_with("--json=") || *a == "--experimental-json"
            }) =>
        {
            serde_json::to_string(&Event::Error { message })
                .ok()
                .map(|l| format!("{l}\n"))
        }
        "review" if wants_json(&rest) && !has(&rest, "--output-schema") => {
            let mut report = Report::new(target(&rest), None);
            report.error = Some(message);
            let value = report.to_checked_json().ok()?;
            Some(format!("{value:#}\n"))
        }
        // A CI upload step gets a valid failed run, not an empty file.
        "review" => {
            let mut report = Report::new(target(&rest), None);
            report.error = Some(message);
            match value(&rest, "--format") {
                Some("sarif") => Some(format!(
                    "{:#}\n",
                    quire::review::output::sarif::render(&report)
                )),
                Some("github") => Some(quire::review::output::github::render(
                    &report,
                    std::path::Path::new("."),
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Why `--json codex` (or `--json quire`) is refused: the word after
/// `--json` is read as the task, not as its value.
pub fn json_shape_slip(shape: &str) -> String {
    format!(
        "`--json {shape}` would run the task \"{shape}\": write `--json={shape}` for that shape of events, or quote a longer task"
    )
}

/// [`json_shape_slip`] when clap refused `raw` because `exec --json
/// codex "task"` left the task over.
pub fn slipped_shape(raw: &[String], error: &clap::Error) -> Option<String> {
    if error.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    let (at, "exec") = subcommand(raw)? else {
        return None;
    };
    raw[at + 1..]
        .windows(2)
        .take_while(|w| w[0] != "--")
        .find(|w| w[0] == "--json" && matches!(w[1].as_str(), "codex" | "quire"))
        .map(|w| json_shape_slip(&w[1]))
}

/// The subcommand's position and name: the first word that is neither
/// an option nor a global option's value.
fn subcommand(raw: &[String]) -> Option<(usize, &str)> {
    let mut i = 0;
    while let Some(a) = raw.get(i) {
        if a == "--" {
            return None;
        }
        if super::typo::VALUED.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            return Some((i, a));
        }
        i += 1;
    }
    None
}

/// `--json`, `--format json` or `--format=json`.
fn wants_json(rest: &[&str]) -> bool {
    rest.contains(&"--json") || value(rest, "--format") == Some("json")
}

fn has(rest: &[&str], option: &str) -> bool {
    rest.iter()
        .any(|a| *a == option || a.strip_prefix(option).is_some_and(|r| r.starts_with('=')))
}

/// The value of `option` (`--opt VALUE` or `--opt=VALUE`), the last given.
fn value<'a>(rest: &[&'a str], option: &str) -> Option<&'a str> {
    let mut found = None;
    for (i, a) in rest.iter().enumerate() {
        if *a == option {
            found = rest.get(i + 1).copied().or(found);
        } else if let Some(v) = a.strip_prefix(option).and_then(|r| r.strip_prefix('=')) {
            found = Some(v);
        }
    }
    found
}

/// The review's target as the words name it (the report's `target`);
/// target options that conflict are named as such, not read as one of
/// them.
fn target(rest: &[&str]) -> String {
    let mut given: Vec<String> = Vec::new();
    for flag in ["--uncommitted", "--staged"] {
        if has(rest, flag) {
            given.push(flag.to_string());
        }
    }
    for flag in ["--base", "--commit", "--range"] {
        if has(rest, flag) {
            given.push(match value(rest, flag) {
                Some(v) => format!("{flag} {v}"),
                None => flag.to_string(),
            });
        }
    }
    if given.len() > 1 {
        return format!("none: conflicting targets {}", given.join(", "));
    }
    let t = if has(rest, "--staged") {
        Target::Staged
    } else if let Some(r) = value(rest, "--base") {
        Target::Base(r.to_string())
    } else if let Some(c) = value(rest, "--commit") {
        Target::Commit(c.to_string())
    } else if let Some(r) = value(rest, "--range") {
        Target::Range(r.to_string())
    } else {
        Target::Uncommitted
    };
    t.describe()
}

/// clap's sentence, without its `error:` and its tips.
fn sentence(e: &clap::Error) -> String {
    e.render()
        .to_string()
        .lines()
        .map(|l| l.trim_start_matches("error:").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("the arguments were refused")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn a_shape_given_without_equals_before_a_task_is_named() {
        let refused = |line: &str| {
            let raw = words(line);
            let e = crate::cli::help::command()
                .try_get_matches_from(std::iter::once("quire".to_string()).chain(raw.clone()))
                .unwrap_err();
            slipped_shape(&raw, &e)
        };
        let said = refused("exec --json codex fix-it").unwrap();
        assert!(said.contains("`--json=codex`"), "{said}");
        assert!(
            refused("exec --json quire fix-it")
                .unwrap()
                .contains("--json=quire")
        );
        assert_eq!(refused("exec --json fix-it extra"), None);
        assert_eq!(refused("exec --bogus codex"), None);
    }

    #[test]
    fn the_subcommand_and_its_options_are_found_past_global_options() {
        let raw = words("-c max_turns=2 -m x review --base main --format=json");
        assert_eq!(subcommand(&raw), Some((4, "review")));
        let rest: Vec<&str> = raw[5..].iter().map(String::as_str).collect();
        assert!(wants_json(&rest));
        assert_eq!(target(&rest), "changes since main");
        assert_eq!(
            target(&["--staged", "--commit", "HEAD"]),
            "none: conflicting targets --staged, --commit HEAD"
        );
        assert_eq!(subcommand(&words("-- review")), None);
        assert_eq!(
            subcommand(&words("--network exec --json")),
            Some((1, "exec"))
        );
    }
}
