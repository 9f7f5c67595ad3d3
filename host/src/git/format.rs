//! What keeps the output quire reads from git in git's default format,
//! whatever the user's or the repository's setup says, so that what
//! parses it (`/diff`, `quire review`, the subagents' worktrees) reads
//! the same thing everywhere: diff headers name `a/PATH` and `b/PATH`
//! (no `diff.noprefix`, `diff.mnemonicPrefix`, `diff.srcPrefix`,
//! `diff.dstPrefix`), paths from the top of the repository (no
//! `diff.relative`), a submodule's change as one line, blank context
//! lines with their space, paths quoted only for control characters, a
//! quote or a backslash (`core.quotePath=false`: other bytes as they
//! are), and no colours.

/// Settings of every git command quire runs (`-c`, which wins over every
/// configuration file); a caller's own `-c` comes after and wins.
pub(super) const FORMAT: &[&str] = &[
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.srcPrefix=a/",
    "diff.dstPrefix=b/",
    "diff.relative=false",
    "diff.submodule=short",
    "diff.suppressBlankEmpty=false",
    "core.quotePath=false",
    "color.ui=never",
    "color.diff=never",
    "color.status=never",
    "color.branch=never",
    "color.showBranch=never",
    "color.grep=never",
    "color.interactive=never",
    "color.advice=never",
    "color.push=never",
    "color.remote=never",
    "color.transport=never",
];
