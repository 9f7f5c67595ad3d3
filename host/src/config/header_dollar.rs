//! `$NAME` without braces in a provider's header value: quire expands
//! `${NAME}` and `${NAME:-default}` only, so `Bearer $TOKEN` would be sent
//! to the model server as written. The provider in use is warned about
//! at start, with the braced form to write (as an MCP server's headers
//! are, [`crate::mcp::bare_dollar`]).

use super::Config;
use crate::mcp::bare_dollar;

/// Warnings for the headers of the provider in use that hold a bare
/// `$NAME`.
pub fn warnings(config: &Config) -> Vec<String> {
    let name = config.provider.as_str();
    let Some(entry) = config.providers.get(name) else {
        return Vec::new();
    };
    entry
        .headers
        .iter()
        .filter_map(|(header, value)| {
            let var = bare_dollar::bare_name(value)?;
            let key = format!("providers.{name}.headers.{header}");
            Some(format!(
                "{}; write ${{{var}}}",
                bare_dollar::advice(&key, var)
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::provider::ProviderEntry;

    fn with_header(provider: &str, value: &str) -> Config {
        let mut entry = ProviderEntry::default();
        entry.headers.insert("Authorization".into(), value.into());
        let mut config = Config {
            provider: "gw".into(),
            ..Config::default()
        };
        config.providers.insert(provider.into(), entry);
        config
    }

    #[test]
    fn a_bare_variable_in_the_provider_in_use_is_named_with_the_braced_form() {
        let said = warnings(&with_header("gw", "Bearer $GW_TOKEN"));
        assert_eq!(said.len(), 1);
        assert!(
            said[0].contains("providers.gw.headers.Authorization"),
            "{said:?}"
        );
        assert!(said[0].contains("write ${GW_TOKEN}"), "{said:?}");
    }

    #[test]
    fn braced_variables_and_other_providers_are_not_warned_about() {
        assert!(warnings(&with_header("gw", "Bearer ${GW_TOKEN}")).is_empty());
        assert!(warnings(&with_header("gw", "pa$$word")).is_empty());
        assert!(warnings(&with_header("other", "Bearer $GW_TOKEN")).is_empty());
    }
}
