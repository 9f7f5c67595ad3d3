//! Plugin bundles and custom slash commands end to end: fixture bundles
//! in each layout (tests/fixtures/bundles/), a marketplace in a local git
//! repository, and the real binary against the model server.
use crate::support;
use crate::support::guests;

mod agent_skills;
mod agents_cli;
mod bom;
mod claude_compat;
mod claude_layout;
mod claude_mcp_names;
mod clone;
mod command_args;
mod command_mentions;
mod command_subfolder;
mod commands;
mod drift;
mod exec_slash_skill;
mod home_folder;
mod hook_file_shape;
mod hook_limits;
mod hook_scripts;
mod hooks;
mod install;
mod links_out;
mod manifest_hooks;
mod manifest_paths;
mod market;
mod market_entry;
mod market_names;
mod market_root;
mod market_url_secret;
mod mcp;
mod mcp_consent;
mod mcp_folder_seal;
mod mcp_links_out;
mod mcp_paths;
mod mcp_refused;
mod name_clash;
mod official_plugins;
mod personal;
mod plugin_data;
mod problems;
mod remove;
mod root_name;
mod skill_args;
mod trust_screens;
mod unrun_parts;
mod untrusted;
mod update;
mod usage;
mod user_guard;
mod user_scope;
mod validate;
mod wasm;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::quire::{Run, TestEnv};

/// The fixture bundle `name`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bundles")
        .join(name)
}

/// `quire ARGS` with HOME and CODEX_HOME inside the test's home, so the
/// developer's ~/.agents and ~/.codex are never read.
pub fn run(env: &TestEnv, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    isolate(env, &mut cmd);
    support::quire::finish(cmd.spawn().expect("spawn quire"))
}

/// The line of `r`'s output starting with `start`; fails the test naming
/// the whole output when there is none.
pub fn line_of(r: &Run, start: &str) -> String {
    r.stdout
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?}:\n{}{}", r.stdout, r.stderr))
        .to_string()
}

/// Sets HOME, CODEX_HOME and the MCP test server for `cmd`.
pub fn isolate(env: &TestEnv, cmd: &mut Command) {
    let user = env.home.path().join("user");
    std::fs::create_dir_all(&user).expect("user home");
    cmd.env("HOME", &user)
        .env("CODEX_HOME", env.home.path().join("codex"))
        .env("QUIRE_TEST_MCP_SERVER", "/bin/false");
}

/// The fixture `claude-kit` installed as a plugin of `env`'s repository,
/// with `hooks` as its hooks/hooks.json; its folder.
pub fn claude_kit_with_hooks(env: &TestEnv, hooks: &serde_json::Value) -> PathBuf {
    let kit = env.repo_path().join(".agents/plugins/claude-kit");
    copy_dir(&fixture("claude-kit"), &kit);
    std::fs::write(kit.join("hooks/hooks.json"), hooks.to_string()).expect("hooks.json");
    kit
}

/// Copies the folder `from` to `to` (files only, modes kept).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).expect("inside");
        let dst = to.join(rel);
        std::fs::create_dir_all(dst.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&entry, &dst).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs git in `dir`, failing the test on error.
pub fn git(dir: &Path, args: &[&str]) -> String {
    crate::support::quire::git_in(dir, args)
}
