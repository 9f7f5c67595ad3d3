//! A provider's key written where quire does not read it: `base_url`,
//! `wire_api`… at the top of config.toml or as `-c base_url=…` (they
//! belong in `[providers.NAME]`), and `api_key` anywhere (quire reads a
//! key from the environment variable `api_key_env` names). What the
//! unknown-key warning or error adds.

/// The keys of a `[providers.NAME]` table.
const PROVIDER_KEYS: [&str; 8] = [
    "base_url",
    "wire_api",
    "api_key_env",
    "headers",
    "connect_timeout_secs",
    "stream_idle_timeout_secs",
    "stream_usage",
    "thinking_budget",
];

/// For the unknown top-level `key` (a whole dotted path as serde names
/// it), with `provider` the provider in use: where it belongs, or `None`
/// when it is no provider's key. `flag` when it was a `-c` override.
pub(super) fn hint(key: &str, provider: &str, flag: bool) -> Option<String> {
    let first = key.split('.').next().unwrap_or(key);
    if first == "api_key" {
        let fix = if flag {
            format!("-c providers.{provider}.api_key_env=MY_API_KEY")
        } else {
            format!("api_key_env = \"MY_API_KEY\" in [providers.{provider}]")
        };
        return Some(format!("; {}, and write {fix}", in_variable()));
    }
    if !PROVIDER_KEYS.contains(&first) {
        return None;
    }
    Some(if flag {
        format!("; {first} is a provider's key: -c providers.{provider}.{first}=…")
    } else {
        format!(
            "; {first} is a provider's key and belongs in its table: [providers.{provider}] with {first} = … under it"
        )
    })
}

/// For `api_key` written inside a provider's table.
pub(super) fn in_table_hint(key: &str) -> String {
    if key == "api_key" {
        format!(
            "; {}, and write api_key_env = \"MY_API_KEY\" here",
            in_variable()
        )
    } else {
        String::new()
    }
}

fn in_variable() -> &'static str {
    "quire reads a provider's API key from an environment variable, never from config: export MY_API_KEY=…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_keys_are_sent_to_the_provider_table() {
        assert_eq!(
            hint("base_url", "ollama", false).unwrap(),
            "; base_url is a provider's key and belongs in its table: [providers.ollama] with base_url = … under it"
        );
        assert_eq!(
            hint("base_url", "local", true).unwrap(),
            "; base_url is a provider's key: -c providers.local.base_url=…"
        );
        assert!(
            hint("api_key", "openai", false)
                .unwrap()
                .contains("api_key_env = \"MY_API_KEY\" in [providers.openai]")
        );
        assert!(
            hint("headers.X", "x", false)
                .unwrap()
                .contains("[providers.x]")
        );
        assert!(hint("retyr", "x", false).is_none());
        assert!(in_table_hint("api_key").contains("api_key_env"));
        assert!(in_table_hint("other").is_empty());
    }
}
