//! How long one of quire's git commands may run: past it git is stopped
//! (its process group and what it started, [`crate::child::stop_command`])
//! and the command fails saying so. Generous by default — a huge
//! repository's checkout takes a while — so that only a git that hangs
//! (a lock it waits on, a network filesystem, a prompt nobody sees) is
//! stopped: [`LOCAL`] for commands in a repository, [`NETWORK`] for a
//! clone; a command may have a shorter one of its own (`/diff`'s,
//! [`super::Git::usual_timeout`]). `QUIRE_GIT_TIMEOUT=SECONDS` sets them all.

use std::time::Duration;

/// The variable that sets the deadline of every git command quire runs.
pub const VAR: &str = "QUIRE_GIT_TIMEOUT";

/// The deadline of a local command.
const LOCAL: Duration = Duration::from_secs(300);
/// The deadline of a clone, which may fetch a large repository.
const NETWORK: Duration = Duration::from_secs(900);

/// The deadline of a command (`network`: one that may fetch) whose own
/// (`usual`, when it has one) is not the default, or why [`VAR`] cannot
/// be read. [`VAR`] sets them all.
pub(super) fn default(network: bool, usual: Option<Duration>) -> Result<Duration, String> {
    let fallback = usual.unwrap_or(if network { NETWORK } else { LOCAL });
    Ok(set()?.unwrap_or(fallback))
}

/// The deadline [`VAR`] sets (none when it is unset or empty), or why
/// it cannot be read: checked when quire starts, so that a bad value is
/// refused once, before anything runs.
pub fn set() -> Result<Option<Duration>, String> {
    parse(std::env::var(VAR).ok().as_deref())
}

fn parse(value: Option<&str>) -> Result<Option<Duration>, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match value.parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(Some(Duration::from_secs(secs))),
        _ => Err(format!(
            "{VAR}={value:?} is not a number of seconds: set it to a whole number above 0 (for example {VAR}=600), or unset it for the defaults ({} s, {} s for a clone)",
            LOCAL.as_secs(),
            NETWORK.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_sets_every_deadline_and_a_bad_one_is_named() {
        assert_eq!(parse(None), Ok(None));
        assert_eq!(parse(Some("")), Ok(None));
        assert_eq!(parse(Some("7")), Ok(Some(Duration::from_secs(7))));
        for bad in ["0", "ten", "-3", "1.5"] {
            let why = parse(Some(bad)).unwrap_err();
            assert!(why.contains(&format!("{VAR}=\"{bad}\"")), "{why}");
        }
    }
}
