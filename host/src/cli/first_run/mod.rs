//! The first run: no config file and no API key. In a terminal, a short
//! setup asks for the provider (OpenAI, Anthropic, or a local
//! OpenAI-compatible server found on 127.0.0.1), the model (listed by a
//! local server) and the environment variable holding the key, and writes
//! `~/.quire/config.toml`. Outside a terminal, an error names the two ways
//! to configure.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use quire::config::probe::{self, LocalServer};

use super::args::GlobalArgs;
use super::setup::{self, Setup};

mod answers;
use answers::{api_url, key_refused, local_port, numbers};
use quire::config::key_env::{is_var_name, looks_like_key};

/// What is said when the setup is stopped (Ctrl-D, Ctrl-C).
const STOPPED: &str = "setup stopped; nothing was written (run quire again to restart it)";

/// True when nothing tells quire which model to use: no config file, and
/// the provider in effect (the default, OpenAI) wants a key that is not set.
pub fn needed(setup: &Setup) -> bool {
    if setup.home.join("config.toml").exists() {
        return false;
    }
    match setup.config.resolve_provider() {
        Ok(p) => p.api_key_env.is_some() && p.api_key.is_none(),
        Err(_) => false,
    }
}

/// Runs the setup when [`needed`]: returns the setup to use (reloaded
/// after writing the config), or the error to show (exit 2).
pub fn ensure(global: &GlobalArgs, max_turns: Option<u32>, setup: Setup) -> anyhow::Result<Setup> {
    if !needed(&setup) {
        return Ok(setup);
    }
    let config = setup.home.join("config.toml");
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        let var = setup
            .config
            .resolve_provider()
            .ok()
            .and_then(|p| p.api_key_env)
            .unwrap_or_else(|| "OPENAI_API_KEY".into());
        // The other built-in provider's key, so that each is named once.
        let other = if var == "ANTHROPIC_API_KEY" {
            "OPENAI_API_KEY with --provider openai"
        } else {
            "ANTHROPIC_API_KEY with --provider anthropic"
        };
        anyhow::bail!(
            "no model provider is set up: {var} is not set and {} does not exist.\n\
             Configure it in one of two ways:\n  \
             1. set the key in the environment: export {var}=… (or {other};\n     \
                --provider ollama for a local server needs none)\n  \
             2. write {}, for example:\n       \
                provider = \"local\"\n       model = \"qwen3-coder\"\n       [providers.local]\n       \
                wire_api = \"chat\"\n       base_url = \"http://127.0.0.1:11434/v1\"\n\
             Or run `quire` in a terminal once for a guided setup.",
            config.display(),
            config.display()
        );
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stop_on_ctrl_c = super::stop_on_ctrl_c::StopOnCtrlC::install(STOPPED);
    let text = ask(&mut input, &config)?;
    drop(stop_on_ctrl_c);
    if let Some(dir) = config.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&config, &text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", config.display()))?;
    eprintln!(
        "wrote {} (edit it any time; `quire doctor` checks it)\n",
        config.display()
    );
    setup::load(global, max_turns)
}

/// Reads one answer that is not for a secret: an API key typed there is
/// refused (not kept) and the question asked again. `key_var` is the
/// variable the provider reads its key from, when known.
fn line(input: &mut dyn BufRead, prompt: &str, key_var: Option<&str>) -> anyhow::Result<String> {
    loop {
        let answer = any_line(input, prompt)?;
        if !looks_like_key(&answer) {
            return Ok(answer);
        }
        eprintln!("{}", key_refused(key_var));
    }
}

/// Reads one answer; an error at the end of input (Ctrl-D).
fn any_line(input: &mut dyn BufRead, prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut s = String::new();
    let n = input
        .read_line(&mut s)
        .map_err(|e| anyhow::anyhow!("cannot read the answer: {e}"))?;
    if n == 0 {
        anyhow::bail!("{STOPPED}");
    }
    Ok(s.trim().to_string())
}

/// A number from 1 to `max`, or `default` on an empty answer.
fn choose(
    input: &mut dyn BufRead,
    prompt: &str,
    max: usize,
    default: usize,
) -> anyhow::Result<usize> {
    loop {
        let a = line(input, prompt, None)?;
        if a.is_empty() {
            return Ok(default);
        }
        match a.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => return Ok(n),
            _ => eprintln!("{}", numbers(max)),
        }
    }
}

/// The provider an empty answer picks (numbered from 1): the first whose
/// key is set in the environment, else the first local server found (it
/// needs no key), else OpenAI.
fn default_choice(choices: &[(String, Choice)]) -> usize {
    let set = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    let at = choices.iter().position(|(_, c)| match c {
        Choice::OpenAi => set("OPENAI_API_KEY"),
        Choice::Anthropic => set("ANTHROPIC_API_KEY"),
        _ => false,
    });
    let local = || {
        choices
            .iter()
            .position(|(_, c)| matches!(c, Choice::Local(_)))
    };
    at.or_else(local).map_or(1, |i| i + 1)
}

enum Choice {
    OpenAi,
    Anthropic,
    Local(LocalServer),
    Other,
}

/// Asks the questions and returns the text of config.toml.
fn ask(input: &mut dyn BufRead, config: &Path) -> anyhow::Result<String> {
    eprintln!(
        "quire has no model provider yet. Three questions set one up; the answers go to {}.",
        config.display()
    );
    let servers = probe::local_servers(&probe::ports());
    let mut choices = vec![
        ("OpenAI (API key)".to_string(), Choice::OpenAi),
        ("Anthropic (API key)".to_string(), Choice::Anthropic),
    ];
    for s in servers {
        let label = format!(
            "the local server at {} ({})",
            s.base_url,
            quire::plural::counted(s.models.len(), "model")
        );
        choices.push((label, Choice::Local(s)));
    }
    choices.push((
        "another OpenAI-compatible server (you give its URL)".into(),
        Choice::Other,
    ));
    eprintln!("\nWhich provider?");
    for (i, (label, _)) in choices.iter().enumerate() {
        eprintln!("  {}) {label}", i + 1);
    }
    let default = default_choice(&choices);
    let n = choose(
        input,
        &format!("provider [{default}]: "),
        choices.len(),
        default,
    )?;
    let choice = choices.swap_remove(n - 1).1;
    let (name, base_url, models, default_key) = match choice {
        Choice::OpenAi => ("openai", None, Vec::new(), "OPENAI_API_KEY"),
        Choice::Anthropic => ("anthropic", None, Vec::new(), "ANTHROPIC_API_KEY"),
        Choice::Local(s) => ("local", Some(s.base_url), s.models, ""),
        Choice::Other => {
            let (url, models) = other_server(input)?;
            ("local", Some(url), models, "")
        }
    };
    let model = pick_model(
        input,
        name,
        &models,
        Some(default_key).filter(|k| !k.is_empty()),
    )?;
    let key_prompt = if default_key.is_empty() {
        "environment variable holding its API key (empty: none): ".to_string()
    } else {
        format!("environment variable holding the API key [{default_key}]: ")
    };
    let key = loop {
        let k = any_line(input, &format!("\n{key_prompt}"))?;
        let k = if k.is_empty() {
            default_key.to_string()
        } else {
            k
        };
        if looks_like_key(&k) {
            eprintln!(
                "that looks like an API key itself, not the name of a variable holding it; it was not saved. Put the key in a variable (export MY_API_KEY=…) and type the variable's name"
            );
            continue;
        }
        if k.is_empty() || is_var_name(&k) {
            break k;
        }
        eprintln!(
            "a variable name has letters, digits and underscores and does not start with a digit, for example MY_API_KEY"
        );
    };
    if !key.is_empty() && std::env::var_os(&key).is_none() {
        eprintln!(
            "note: {key} is not set in this shell; export it before quire talks to the model"
        );
    }
    Ok(render(name, base_url.as_deref(), &model, &key))
}

/// The base URL of "another server", checked when it is on this machine:
/// a server that answers with its model list is used at the URL it
/// answers on (with `/v1`); one that does not is kept only if the user
/// says so. Returns the URL and the models it lists.
fn other_server(input: &mut dyn BufRead) -> anyhow::Result<(String, Vec<String>)> {
    loop {
        let url = loop {
            let u = line(
                input,
                "its base URL (for example http://127.0.0.1:11434/v1): ",
                None,
            )?;
            if u.starts_with("http://") || u.starts_with("https://") {
                break u.trim_end_matches('/').to_string();
            }
            if let Some(url) = answers::with_scheme(&u) {
                eprintln!("using {url} (http:// added)");
                break url.trim_end_matches('/').to_string();
            }
            eprintln!(
                "write a URL starting with http:// or https://, or a host and port (127.0.0.1:8080)"
            );
        };
        let Some(port) = local_port(&url) else {
            eprintln!("(not checked now: `quire doctor` checks it once the setup is written)");
            return Ok((api_url(url), Vec::new()));
        };
        // A server that accepts and never answers takes seconds to give
        // up on: say what is being waited for.
        eprintln!("checking http://127.0.0.1:{port}/v1/models…");
        if let Some(found) = probe::local_servers(&[port]).into_iter().next() {
            eprintln!(
                "it answered: {}",
                quire::plural::counted(found.models.len(), "model")
            );
            if found.base_url != url {
                eprintln!("the server answers at {}: using that", found.base_url);
            }
            return Ok((found.base_url, found.models));
        }
        // Why not, in `quire doctor`'s words: nothing listening, a server
        // that never answers, or one without a model list there.
        match super::doctor::no_model_list("local", &answers::with_api_path(&url)) {
            Some((what, fix)) => eprintln!(
                "no model list from {url} (GET http://127.0.0.1:{port}/v1/models): {}\n  {fix}",
                what.trim_start_matches("local: ")
            ),
            None => eprintln!(
                "nothing at {url} answered with a model list (GET http://127.0.0.1:{port}/v1/models): is the server running, and is the port right?"
            ),
        }
        if yes(input, "keep this URL anyway? [y/N]: ", None)? {
            return Ok((api_url(url), Vec::new()));
        }
    }
}

/// The model; `key_var`: the provider's key variable, when known (named if
/// a key is typed here).
fn pick_model(
    input: &mut dyn BufRead,
    provider: &str,
    models: &[String],
    key_var: Option<&str>,
) -> anyhow::Result<String> {
    let default = match provider {
        "openai" => "gpt-5.1",
        "anthropic" => "claude-sonnet-4-5",
        _ => models.first().map(String::as_str).unwrap_or(""),
    };
    eprintln!("\nWhich model?");
    if !models.is_empty() {
        for (i, m) in models.iter().enumerate() {
            eprintln!("  {}) {m}", i + 1);
        }
        return listed_or_typed(input, models, key_var);
    }
    loop {
        let prompt = if default.is_empty() {
            "model name: ".to_string()
        } else {
            format!("model [{default}]: ")
        };
        let m = line(input, &prompt, key_var)?;
        let m = if m.is_empty() { default.to_string() } else { m };
        if !m.is_empty() {
            return Ok(m);
        }
        eprintln!("the server's model name is needed, for example qwen3-coder");
    }
}

/// A number of the server's list (Enter: the first), or a name it did
/// not list, typed.
fn listed_or_typed(
    input: &mut dyn BufRead,
    models: &[String],
    key_var: Option<&str>,
) -> anyhow::Result<String> {
    loop {
        let a = line(input, "model [1] (a number, or type a name): ", key_var)?;
        if a.is_empty() {
            return Ok(models.first().cloned().unwrap_or_default());
        }
        match a.parse::<usize>() {
            Ok(n) if (1..=models.len()).contains(&n) => return Ok(models[n - 1].clone()),
            Ok(_) => eprintln!("{}, or type a model name", numbers(models.len())),
            Err(_) if models.contains(&a) => return Ok(a),
            Err(_) => {
                let hint = quire::suggest::did_you_mean(&a, models.iter().map(String::as_str));
                eprintln!(
                    "{a} is not in the server's list ({}){hint}",
                    answers::listed(models)
                );
                if yes(input, "use it anyway? [y/N]: ", key_var)? {
                    return Ok(a);
                }
            }
        }
    }
}

/// A yes/no question whose default is no.
fn yes(input: &mut dyn BufRead, prompt: &str, key_var: Option<&str>) -> anyhow::Result<bool> {
    let a = line(input, prompt, key_var)?;
    Ok(a.eq_ignore_ascii_case("y") || a.eq_ignore_ascii_case("yes"))
}

/// The config file for the answers.
fn render(provider: &str, base_url: Option<&str>, model: &str, key: &str) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut s = format!(
        "# Written by quire's first-run setup; see the README for every key.\nprovider = {}\nmodel = {}\n\n[providers.{provider}]\n",
        q(provider),
        q(model)
    );
    if let Some(url) = base_url {
        s.push_str(&format!("wire_api = \"chat\"\nbase_url = {}\n", q(url)));
    }
    if !key.is_empty() {
        s.push_str(&format!("api_key_env = {}\n", q(key)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_config_loads() {
        let text = render("local", Some("http://127.0.0.1:9/v1"), "m", "");
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("config.toml"), text).unwrap();
        let (c, w) = quire::config::load(&quire::config::LoadOptions {
            home: home.path().into(),
            ..Default::default()
        })
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        let p = c.resolve_provider().unwrap();
        assert_eq!(p.base_url, "http://127.0.0.1:9/v1");
        assert_eq!(c.model, "m");
    }
}
