//! `quire review` end to end: the real binary in real git repositories
//! against the model server, with triage, deep and merge answers keyed by
//! the pass each request belongs to (`REVIEW-PASS: …`).

mod repo;

mod targets;

mod passes;

mod outputs;

mod subagents;

mod tui;

mod skills;

mod commands;

mod limits;

mod json_errors;

mod refused_patch;

mod failed_outputs;

mod merge_files;

mod git_traps;

mod git_format;

mod placed;

mod reviewed_version;

mod shallow;

mod binary;

mod interrupted_stats;
