//! `list_dir`: a compact tree of a directory, respecting ignore files.

use std::path::Path;

use ignore::WalkBuilder;
use schemars::JsonSchema;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::typed::{Typed, TypedTool};
use super::unreadable::{Unreadable, shown_path};
use super::{ToolContext, ToolError, ToolOutput};
use crate::printable::quoted_os_name;

pub const DEFAULT_DEPTH: usize = 2;
pub const MAX_DEPTH: usize = 5;
/// Entries shown by one call.
pub const MAX_ENTRIES: usize = 1000;
/// Entries past the cap that are still counted for the note.
const MAX_COUNTED: usize = 100_000;

const DESCRIPTION: &str = "List a directory as an indented tree (directories end with `/`), \
to get oriented in a project or find files. Goes `depth` levels down (default 2, max 5). \
Skips what .gitignore/.ignore files exclude (in a git repository) and the .git directory; \
hidden files are shown. Shows at most 1000 entries: for large trees list a subdirectory or \
lower the depth. To search file contents use grep; to read a file use read_file.";

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The directory to list, absolute or relative to the working directory. Default ".".
    path: Option<String>,
    /// How many levels to descend: 1 lists only the directory's own entries. Default 2.
    #[schemars(range(min = 1, max = MAX_DEPTH))]
    depth: Option<usize>,
}

/// The walker every file tool uses: ignore files as git applies them
/// (`.gitignore` counts only inside a git repository; `.ignore` always),
/// hidden files included, `.git` skipped, entries sorted by name.
pub(crate) fn walk_builder(root: &Path) -> WalkBuilder {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git")
        .sort_by_file_name(|a, b| a.cmp(b));
    builder
}

/// The `list_dir` tool ([`ListDir`] as a [`super::Tool`]).
pub type ListDirTool = Typed<ListDir>;

#[derive(Default)]
pub struct ListDir;

impl TypedTool for ListDir {
    type Args = Args;
    const NAME: &'static str = "list_dir";
    const DESCRIPTION: &'static str = DESCRIPTION;
    const READ_ONLY: bool = true;
    const DESTRUCTIVE: bool = false;

    async fn run(&self, args: Args, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let shown = args.path.unwrap_or_else(|| ".".into());
        super::nul_path::refuse_nul("path", &shown)?;
        let depth = args.depth.unwrap_or(DEFAULT_DEPTH);
        if !(1..=MAX_DEPTH).contains(&depth) {
            return Err(ToolError::InvalidArguments(format!(
                "depth must be from 1 to {MAX_DEPTH}, got {depth}"
            )));
        }
        let root = ctx.resolve(&shown);
        let cancel = ctx.cancel.clone();
        tokio::task::spawn_blocking(move || list(&root, &shown, depth, &cancel))
            .await
            .map_err(|e| ToolError::Failed(format!("listing failed: {e}")))?
            .map(ToolOutput::text)
    }
}

fn list(
    root: &Path,
    shown: &str,
    depth: usize,
    cancel: &CancellationToken,
) -> Result<String, ToolError> {
    let meta = std::fs::metadata(root).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ToolError::Failed(format!(
                "directory not found: {shown} (looked at {}). List a parent directory to see what exists.",
                root.display()
            ))
        } else {
            ToolError::Failed(format!("cannot list {shown}: {e}"))
        }
    })?;
    if !meta.is_dir() {
        return Err(ToolError::Failed(format!(
            "{shown} is a file, not a directory. Use read_file to read it."
        )));
    }

    let mut out = format!("{}/\n", shown.trim_end_matches('/'));
    let mut shown_entries = 0usize;
    let mut more = 0usize;
    let mut unreadable = Unreadable::default();
    // Under the folder as the call named it (`src/locked`).
    let relative = |p: &Path| match p.strip_prefix(root) {
        Ok(rel) if shown != "." => {
            quoted_os_name(Path::new(shown).join(rel).as_os_str()).into_owned()
        }
        _ => shown_path(p, root),
    };
    for entry in walk_builder(root).max_depth(Some(depth)).build() {
        if cancel.is_cancelled() {
            return Err(ToolError::Interrupted);
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                unreadable.walk_error(&e, relative);
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        if shown_entries >= MAX_ENTRIES {
            more += 1;
            if more >= MAX_COUNTED {
                break;
            }
            continue;
        }
        shown_entries += 1;
        let indent = "  ".repeat(entry.depth());
        // A name with a line break or bytes that are not UTF-8 shown
        // quoted and escaped: it must not read as two entries, or as
        // another name.
        let name = quoted_os_name(entry.file_name());
        let ft = entry.file_type();
        if ft.is_some_and(|t| t.is_dir()) {
            out.push_str(&format!("{indent}{name}/\n"));
        } else if ft.is_some_and(|t| t.is_symlink()) {
            let target = std::fs::read_link(entry.path())
                .map(|t| quoted_os_name(t.as_os_str()).into_owned())
                .unwrap_or_else(|_| "?".into());
            out.push_str(&format!("{indent}{name} -> {target}\n"));
        } else {
            out.push_str(&format!("{indent}{name}\n"));
        }
    }
    if shown_entries == 0 {
        out.push_str("  (empty)\n");
    }
    if more > 0 {
        let plus = if more >= MAX_COUNTED { "+" } else { "" };
        out.push_str(&format!(
            "… {more}{plus} more entries (list a subdirectory or use a smaller depth to see them)\n"
        ));
    }
    if let Some(note) = unreadable.note() {
        out.push_str(&note);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
