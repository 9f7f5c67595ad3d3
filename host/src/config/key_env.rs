//! What `api_key_env` (Codex's `env_key`) may hold: the NAME of the
//! environment variable that holds a provider's API key, never the key.
//! A key written there (an easy mix-up) is refused where it was written,
//! without being shown: it would otherwise land in every error and in
//! `quire doctor`'s advice (`export sk-…=…`). [`looks_like_key`] is also
//! the first-run setup's test for a key typed at one of its questions.

use toml::{Table, Value};

/// Whether an answer is an API key (pasted by mistake where a variable
/// name, a model, a URL or a number is asked for), or holds one: an
/// `Authorization` header's `Bearer TOKEN`, any word (split at
/// spaces, quotes, `=` and `:`) starting with a key's usual prefix (`sk-`,
/// `sk_`, `key_`, `gsk_`, `hf_`, `xai-`, `pplx-`, `AIza`), or a long run of
/// letters and digits mixing lower case, upper case and digits, which
/// variable names (`OPENAI_API_KEY`) and the words of model names
/// (`Qwen2.5-Coder-32B-Instruct`) are not. The config never gets it.
pub fn looks_like_key(answer: &str) -> bool {
    const PREFIXES: [&str; 14] = [
        "sk-",
        "sk_",
        "key_",
        "gsk_",
        "hf_",
        "xai-",
        "pplx-",
        "AIza",
        "ghp_",
        "gho_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
    ];
    let words: Vec<&str> = answer
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '=' | ':'))
        .filter(|w| !w.is_empty())
        .collect();
    // `Bearer TOKEN`, alone or after `Authorization:`.
    if words
        .windows(2)
        .any(|pair| pair[0].eq_ignore_ascii_case("bearer"))
    {
        return true;
    }
    if words
        .iter()
        .any(|w| PREFIXES.iter().any(|p| w.starts_with(p)))
    {
        return true;
    }
    answer
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|run| {
            run.len() >= 24
                && run.chars().any(|c| c.is_ascii_lowercase())
                && run.chars().any(|c| c.is_ascii_uppercase())
                && run.chars().any(|c| c.is_ascii_digit())
        })
}

/// Whether `name` can be an environment variable's name a shell can
/// export: letters, digits and `_`, not starting with a digit.
pub fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The path (as written) of the first provider key of one layer that
/// names the key variable (`providers.NAME.api_key_env`, Codex's
/// `model_providers.NAME.env_key`) with something that is not a
/// variable's name, or `None`. An empty value (no key) is fine.
pub(super) fn refused(own: &Table) -> Option<Vec<String>> {
    for (table, key) in [("providers", "api_key_env"), ("model_providers", "env_key")] {
        let Some(providers) = own.get(table).and_then(Value::as_table) else {
            continue;
        };
        for (name, provider) in providers {
            let Some(Value::String(value)) = provider.get(key) else {
                continue;
            };
            let value = value.trim();
            if !value.is_empty() && (looks_like_key(value) || !is_var_name(value)) {
                return Some(vec![table.to_string(), name.clone(), key.to_string()]);
            }
        }
    }
    None
}

/// The variable a value written as a shell reference names (`$NAME` or
/// `${NAME}`), when the value at `path` of `own` is one.
fn shell_reference(own: &Table, path: &[String]) -> Option<String> {
    let mut value = own.get(path.first()?)?;
    for part in path.get(1..)? {
        value = value.get(part)?;
    }
    let text = value.as_str()?.trim().strip_prefix('$')?;
    let name = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    is_var_name(name).then(|| name.to_string())
}

/// The refusal of the value at `path` of `own` (as written, ending in
/// `api_key_env` or `env_key`), which never shows the value: a `$NAME`
/// there ([`shell_reference`]) is told to drop the `$`.
pub(super) fn refusal(own: &Table, path: &[String]) -> String {
    let key = path.last().map(String::as_str).unwrap_or("api_key_env");
    if let Some(name) = shell_reference(own, path) {
        return format!(
            "`{key}` takes the variable's name without the $ (quire reads the variable itself): write {key} = \"{name}\""
        );
    }
    let example = match key {
        "env_key" => "env_key = \"MY_API_KEY\"",
        _ => "api_key_env = \"MY_API_KEY\"",
    };
    format!(
        "`{key}` takes the NAME of the environment variable that holds the API key, not the key (and what is written there is not a variable's name; it is not shown here): put the key in a variable, export MY_API_KEY=…, and write {example}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_told_from_variable_names() {
        for key in [
            "sk_proj_AbCdEf0123456789",
            "sk-ant-api03-abc",
            "key_123",
            "AbCdEfGhIjKlMnOpQrStUvWx0123",
        ] {
            assert!(looks_like_key(key), "{key}");
        }
        for name in [
            "OPENAI_API_KEY",
            "MY_KEY",
            "ANTHROPIC_API_KEY_2",
            "KEY_FOR_LOCAL",
            "",
        ] {
            assert!(!looks_like_key(name), "{name}");
        }
    }

    #[test]
    fn keys_are_told_from_model_names_and_urls() {
        for key in [
            "sk-proj-abc",
            "AIzaSyA0123456789abcdefghijklmnopqrstuv",
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
            "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56",
            // A key shown shortened, after `Bearer ` or in a header.
            "Bearer sk-proj-abc…789",
            "bearer abc…789",
            "Authorization: Bearer x",
            "OPENAI_API_KEY=sk-proj-abc…789",
            "\"sk-abc\"",
        ] {
            assert!(looks_like_key(key), "{key}");
        }
        for answer in [
            "gpt-5.1",
            "claude-sonnet-4-5",
            "Qwen2.5-Coder-32B-Instruct",
            "meta-llama/Meta-Llama-3.1-70B-Instruct",
            "hf.co/bartowski/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M",
            "http://127.0.0.1:11434/v1",
            "https://api.example.com/v1",
            "bearer-model",
            "Bearer",
            "2",
        ] {
            assert!(!looks_like_key(answer), "{answer}");
        }
    }

    #[test]
    fn variable_names_and_what_is_refused() {
        for name in ["OPENAI_API_KEY", "_K", "key2", "MY_KEY"] {
            assert!(is_var_name(name), "{name}");
        }
        for name in ["", "2KEY", "MY-KEY", "$MY_KEY", "MY KEY", "env.KEY"] {
            assert!(!is_var_name(name), "{name}");
        }
        let table: Table = toml::from_str(
            "[providers.a]\napi_key_env = \"A_KEY\"\n[providers.b]\napi_key_env = \"\"\n[model_providers.c]\nenv_key = \"sk-proj-AbCdEf0123456789\"\n",
        )
        .unwrap();
        assert_eq!(
            refused(&table),
            Some(vec!["model_providers".into(), "c".into(), "env_key".into()])
        );
        let table: Table = toml::from_str("[providers.a]\napi_key_env = \"$A_KEY\"\n").unwrap();
        assert!(refused(&table).is_some());
        let path: Vec<String> = vec!["providers".into(), "a".into(), "api_key_env".into()];
        assert_eq!(shell_reference(&table, &path).as_deref(), Some("A_KEY"));
        let table: Table = toml::from_str("[providers.a]\napi_key_env = \"${A_KEY}\"\n").unwrap();
        assert_eq!(shell_reference(&table, &path).as_deref(), Some("A_KEY"));
        assert_eq!(
            refusal(&table, &path),
            "`api_key_env` takes the variable's name without the $ (quire reads the variable itself): write api_key_env = \"A_KEY\""
        );
        let message = refusal(&Table::new(), &path);
        assert!(
            message.contains("api_key_env = \"MY_API_KEY\""),
            "{message}"
        );
    }
}
