//! A new user's first hour, through the real binary: the first-run setup
//! (in a pty), `quire doctor`, help pages, completions, and typos that
//! never reach the model.

mod codex_config;
mod config_hints;
mod config_mistakes;
mod config_typos;
mod doctor;
mod first_run;
mod first_run_unlisted;
mod from_claude;
mod from_codex;
mod header_secrets;
mod help;
mod other_tools_forms;
mod profiles;
mod provider_places;
mod setup_answers;
mod typos;
mod unquoted;
mod url_not_found;
mod url_password;
