//! Which model a resumed session continues with: the one it last used
//! (its last `/model`, else the one it started with), unless this run
//! named a model or provider itself (`-m`, `-p`, `-c model=…`,
//! `QUIRE_MODEL`, `QUIRE_PROVIDER`) or the session ran on another
//! provider. The config's model changing since (a new default) does not
//! silently move an old conversation to another model; the note says how
//! to switch.

use crate::config::{Config, ProviderConfig};
use crate::store::LoadedSession;

/// The model to continue `loaded` with and the note saying so, when it
/// is not `configured` (the model this run would otherwise use).
pub(crate) fn choose(
    config: &Config,
    provider: &ProviderConfig,
    configured: &str,
    loaded: &LoadedSession,
) -> Option<(String, String)> {
    let last = loaded.model.as_str();
    if config.model_given_by.is_some()
        || loaded.meta.provider != provider.name
        || last.is_empty()
        || last == configured
    {
        return None;
    }
    let note = format!(
        "continuing with model {last}, which this session last used (the config names {configured}; `/model {configured}` or `-m {configured}` switches)"
    );
    Some((last.to_string(), note))
}
