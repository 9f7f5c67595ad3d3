//! `/model` in the TUI and the line REPL: show the model and what the
//! provider lists, or switch to a name the provider lists. A typo is
//! refused at once (with the nearest listed name) instead of failing the
//! next message; a server that lists no models, or cannot be asked, does
//! not stop the switch, and the note says it was not checked. A server
//! that serves more than it lists (a proxy, a gateway, an alias, a model
//! being pulled) is reached with `/model NAME --force`, which says
//! whether the list holds the name (`--force` not needed) or not.

use std::time::Duration;

use quire::config::ProviderConfig;

/// How long `/model` waits for the provider's model list.
const WAIT: Duration = Duration::from_secs(4);

/// Listed models shown at most.
const SHOWN: usize = 12;

/// The flag of `/model NAME --force`: switch without checking the list.
pub const FORCE: &str = "--force";

/// What `/model NAME` decided.
#[derive(Debug, PartialEq)]
pub enum Switch {
    /// Switch to `model`, with the note to show.
    To { model: String, note: String },
    /// Keep the current model: why.
    Refused(String),
}

/// How `/model` is typed, for the messages refusing its arguments.
pub const USAGE: &str = "/model [NAME [--force]]";

/// `/model`'s argument: the name, and whether `--force` was given
/// (before or after it); `--force` twice or another option is refused,
/// naming it.
fn parse(arg: &str) -> Result<(String, bool), String> {
    let mut force = false;
    let mut name = Vec::new();
    for word in arg.split_whitespace() {
        if word == FORCE {
            if force {
                return Err(format!("{FORCE} is given twice; usage: {USAGE}"));
            }
            force = true;
        } else if word.starts_with('-') {
            return Err(format!("unknown option {word}; usage: {USAGE}"));
        } else {
            name.push(word);
        }
    }
    Ok((name.join(" "), force))
}

/// Decides `/model NAME` given the provider's list (or why there is none).
pub fn decide(
    provider: &str,
    current: &str,
    name: &str,
    listed: Result<Vec<String>, String>,
) -> Switch {
    if name.split_whitespace().count() > 1 {
        return Switch::Refused(format!(
            "a model name has no spaces: \"{name}\"; the model stays {current}"
        ));
    }
    let to = |note: String| Switch::To {
        model: name.to_string(),
        note,
    };
    match listed {
        Ok(models) if models.is_empty() => to(format!(
            "model: {name} ({provider} lists no models, so the name was not checked)"
        )),
        Ok(models) if quire::config::probe::names_listed_model(&models, name) => {
            to(format!("model: {name}"))
        }
        Ok(models) => {
            // Ollama's ids carry a tag that is not typed (`qwen3:latest`).
            let names = models
                .iter()
                .map(|m| m.strip_suffix(":latest").unwrap_or(m));
            let hint = quire::suggest::did_you_mean(name, names);
            let mut why = format!(
                "{name} is not among the {} {provider} lists{hint}",
                quire::plural::counted(models.len(), "model")
            );
            if !why.ends_with('?') {
                why.push('.');
            }
            Switch::Refused(format!(
                "{why} The model stays {current}. Listed: {}. A server may serve more than it lists: `/model {name} {FORCE}` switches without checking",
                shown(&models)
            ))
        }
        Err(why) => to(format!(
            "model: {name} (not checked: {why}; the next message tells whether {provider} has it)"
        )),
    }
}

/// `/model NAME [--force]`: asks the provider for its list, then
/// [`decide`]s; with `--force`, switches whatever the list holds
/// ([`forced`]).
pub fn switch(provider: &ProviderConfig, current: &str, arg: &str) -> Switch {
    let (name, force) = match parse(arg) {
        Ok(parsed) => parsed,
        Err(why) => return Switch::Refused(format!("{why}; the model stays {current}")),
    };
    let name = name.as_str();
    if name.is_empty() {
        return Switch::Refused(format!(
            "{FORCE} needs a model name: /model NAME {FORCE}; the model stays {current}"
        ));
    }
    if name.split_whitespace().count() > 1 || name == current {
        return decide(&provider.name, current, name, Ok(vec![name.to_string()]));
    }
    let listed = super::doctor::listed_models(provider, WAIT);
    match force {
        true => forced(&provider.name, name, listed),
        false => decide(&provider.name, current, name, listed),
    }
}

/// `/model NAME --force`: the switch, with a note saying what the list
/// said; a listed name needed no `--force` (and is said to be listed).
fn forced(provider: &str, name: &str, listed: Result<Vec<String>, String>) -> Switch {
    let note = match listed {
        Ok(models) if quire::config::probe::names_listed_model(&models, name) => {
            format!("model: {name} ({FORCE} not needed: {provider} lists {name})")
        }
        Ok(models) if models.is_empty() => format!(
            "model: {name} (forced: {provider} lists no models, so the name was not checked)"
        ),
        Ok(_) => format!(
            "model: {name} (forced: not among what {provider} lists; the next message tells whether it has it)"
        ),
        Err(why) => format!(
            "model: {name} (forced: not checked: {why}; the next message tells whether {provider} has it)"
        ),
    };
    Switch::To {
        model: name.to_string(),
        note,
    }
}

/// `/model` alone: the model, and what the provider lists.
pub fn show(provider: &ProviderConfig, current: &str) -> String {
    match super::doctor::listed_models(provider, WAIT) {
        Ok(models) if !models.is_empty() => format!(
            "model: {current} (switch with /model NAME; {} lists {}: {})",
            provider.name,
            models.len(),
            shown(&models)
        ),
        Ok(_) => format!(
            "model: {current} (switch with /model NAME; {} lists no models)",
            provider.name
        ),
        Err(why) => format!("model: {current} (switch with /model NAME; no model list: {why})"),
    }
}

fn shown(models: &[String]) -> String {
    let mut names: Vec<&str> = models.iter().take(SHOWN).map(String::as_str).collect();
    if models.len() > SHOWN {
        names.push("…");
    }
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(names: &[&str]) -> Result<Vec<String>, String> {
        Ok(names.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_listed_name_switches_and_a_typo_is_refused_with_the_nearest_name() {
        let models = listed(&["qwen3-coder:latest", "llama3.2:latest"]);
        assert_eq!(
            decide("ollama", "llama3.2", "qwen3-coder", models.clone()),
            Switch::To {
                model: "qwen3-coder".into(),
                note: "model: qwen3-coder".into()
            }
        );
        let Switch::Refused(why) = decide("ollama", "llama3.2", "qwen3-codr", models) else {
            panic!("a typo switched");
        };
        assert!(why.contains("did you mean 'qwen3-coder'"), "{why}");
        assert!(why.contains("The model stays llama3.2"), "{why}");
        assert!(why.contains("`/model qwen3-codr --force`"), "{why}");
    }

    #[test]
    fn force_is_read_before_or_after_the_name() {
        assert_eq!(parse("a --force"), Ok(("a".to_string(), true)));
        assert_eq!(parse("--force a"), Ok(("a".to_string(), true)));
        assert_eq!(parse("a"), Ok(("a".to_string(), false)));
        assert_eq!(parse("--force"), Ok((String::new(), true)));
    }

    #[test]
    fn force_twice_or_another_option_is_refused_by_name() {
        let twice = parse("a --force --force").unwrap_err();
        assert_eq!(
            twice,
            "--force is given twice; usage: /model [NAME [--force]]"
        );
        let other = parse("a --froce").unwrap_err();
        assert_eq!(
            other,
            "unknown option --froce; usage: /model [NAME [--force]]"
        );
    }

    #[test]
    fn forcing_a_listed_name_says_it_is_listed() {
        let Switch::To { note, .. } = forced("test", "b", listed(&["a", "b"])) else {
            panic!("refused");
        };
        assert_eq!(note, "model: b (--force not needed: test lists b)");
        let Switch::To { note, .. } = forced("test", "c", listed(&["a", "b"])) else {
            panic!("refused");
        };
        assert!(note.contains("forced: not among what test lists"), "{note}");
    }

    #[test]
    fn without_a_list_the_switch_goes_ahead_and_says_it_was_not_checked() {
        let Switch::To { note, .. } = decide("local", "a", "b", Err("cannot reach x".into()))
        else {
            panic!("refused without a list");
        };
        assert!(note.contains("not checked: cannot reach x"), "{note}");
        assert!(matches!(
            decide("local", "a", "b c", Err(String::new())),
            Switch::Refused(_)
        ));
    }
}
