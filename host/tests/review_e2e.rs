//! `quire review` end to end: the real binary in real git repositories
//! against the model server, with triage, deep and merge answers keyed by
//! the pass each request belongs to (`REVIEW-PASS: …`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod support;

#[path = "review_e2e/repo.rs"]
mod repo;

#[path = "review_e2e/targets.rs"]
mod targets;

#[path = "review_e2e/passes.rs"]
mod passes;

#[path = "review_e2e/outputs.rs"]
mod outputs;

#[path = "review_e2e/subagents.rs"]
mod subagents;

#[path = "review_e2e/tui.rs"]
mod tui;

#[path = "review_e2e/skills.rs"]
mod skills;

#[path = "review_e2e/commands.rs"]
mod commands;
