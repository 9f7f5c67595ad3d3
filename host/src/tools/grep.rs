//! `grep`: regex search over files, respecting ignore files (the ripgrep
//! libraries).

use std::path::PathBuf;

use grep_matcher::Matcher;
use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder, Sink, SinkMatch};
use ignore::overrides::OverrideBuilder;
use schemars::JsonSchema;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::list_dir::walk_builder;
use super::typed::{Typed, TypedTool};
use super::unreadable::{Unreadable, shown_path};
use super::{ToolContext, ToolError, ToolOutput};
use shown::shown;
use windows::Found;

pub const DEFAULT_MAX_RESULTS: usize = 200;
pub const MAX_RESULTS: usize = 2000;
/// Characters of a matching line shown (around the match in a longer line).
pub const MAX_LINE_CHARS: usize = 500;
/// Bytes of one line the searcher holds; a file with a longer line is
/// searched in windows, so a grep's memory stays bounded.
const LINE_LIMIT: usize = 1024 * 1024;

const DESCRIPTION: &str = "Search file contents with a regular expression (Rust regex syntax, \
like ripgrep) and get `path:line:text` for each matching line. Searches `path` (default the \
working directory) recursively, skipping binary files, the .git directory and what \
.gitignore/.ignore exclude. Narrow with `glob` (e.g. `*.rs`, `src/**/*.ts`) and keep \
patterns specific; results stop at `max_results` (default 200). Use it to find definitions, \
usages and strings before reading files with read_file.";

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Rust regex matched against each line, e.g. `fn\s+parse_\w+` or `TODO`. Escape regex metacharacters to match them literally.
    pattern: String,
    /// File or directory to search, absolute or relative to the working directory. Default ".".
    path: Option<String>,
    /// Only search files matching this glob, relative to `path`, e.g. `*.rs` or `src/**/*.ts`.
    glob: Option<String>,
    /// Match regardless of case. Default false.
    #[serde(default)]
    case_insensitive: bool,
    /// Most matching lines returned. Default 200, at most 2000.
    #[schemars(range(min = 1, max = MAX_RESULTS))]
    max_results: Option<usize>,
}

/// The `grep` tool ([`Grep`] as a [`super::Tool`]).
pub type GrepTool = Typed<Grep>;

#[derive(Default)]
pub struct Grep;

impl TypedTool for Grep {
    type Args = Args;
    const NAME: &'static str = "grep";
    const DESCRIPTION: &'static str = DESCRIPTION;
    const READ_ONLY: bool = true;
    const DESTRUCTIVE: bool = false;

    async fn run(&self, args: Args, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let max = args.max_results.unwrap_or(DEFAULT_MAX_RESULTS);
        if !(1..=MAX_RESULTS).contains(&max) {
            return Err(ToolError::InvalidArguments(format!(
                "max_results must be from 1 to {MAX_RESULTS}, got {max}"
            )));
        }
        let shown = args.path.clone().unwrap_or_else(|| ".".into());
        super::nul_path::refuse_nul("path", &shown)?;
        if let Some(glob) = &args.glob {
            super::nul_path::refuse_nul("glob", glob)?;
        }
        let job = Job {
            root: ctx.resolve(&shown),
            shown,
            cwd: ctx.cwd.clone(),
            pattern: args.pattern,
            glob: args.glob,
            case_insensitive: args.case_insensitive,
            max,
        };
        let cancel = ctx.cancel.clone();
        tokio::task::spawn_blocking(move || job.run(&cancel))
            .await
            .map_err(|e| ToolError::Failed(format!("search failed: {e}")))?
            .map(ToolOutput::text)
    }
}

struct Job {
    root: PathBuf,
    shown: String,
    cwd: PathBuf,
    pattern: String,
    glob: Option<String>,
    case_insensitive: bool,
    max: usize,
}

impl Job {
    /// The pattern as a matcher; `multi_line` for the windowed search,
    /// where `^` and `$` must match at line breaks inside the haystack.
    fn matcher(&self, multi_line: bool) -> Result<RegexMatcher, ToolError> {
        RegexMatcherBuilder::new()
            .case_insensitive(self.case_insensitive)
            .line_terminator(Some(b'\n'))
            .multi_line(multi_line)
            .build(&self.pattern)
            .map_err(|e| {
                ToolError::InvalidArguments(format!(
                    "invalid regex {:?}: {e}\nFix the pattern (Rust regex syntax; escape metacharacters such as ( [ {{ . * + ? with a backslash).",
                    self.pattern
                ))
            })
    }

    fn run(self, cancel: &CancellationToken) -> Result<String, ToolError> {
        let matcher = self.matcher(false)?;
        if !self.root.exists() {
            return Err(ToolError::Failed(format!(
                "path not found: {} (looked at {}). Check it with list_dir.",
                self.shown,
                self.root.display()
            )));
        }
        let mut walker = walk_builder(&self.root);
        if let Some(glob) = &self.glob {
            let overrides = OverrideBuilder::new(&self.root)
                .add(glob)
                .and_then(|b| b.build())
                .map_err(|e| ToolError::InvalidArguments(format!("invalid glob {glob:?}: {e}")))?;
            walker.overrides(overrides);
        }
        // A line longer than LINE_LIMIT makes the searcher fail instead of
        // growing its buffer to the line's size; the file is then searched
        // in windows (windows.rs).
        let mut searcher = SearcherBuilder::new()
            .line_number(true)
            .binary_detection(BinaryDetection::quit(0))
            .heap_limit(Some(LINE_LIMIT))
            .build();
        let mut windowed: Option<RegexMatcher> = None;

        let mut out = String::new();
        let mut count = 0usize;
        let mut capped = false;
        let mut unreadable = Unreadable::default();
        for entry in walker.build() {
            if cancel.is_cancelled() {
                return Err(ToolError::Interrupted);
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    unreadable.walk_error(&e, |p| shown_path(p, &self.cwd));
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let name = shown_path(entry.path(), &self.cwd);
            let room = self.max - count;
            let mut sink = FileSink {
                matcher: &matcher,
                found: Found::default(),
                room,
            };
            // Opened without blocking, a regular file only: one swapped for
            // a FIFO since the walk must not hang the search.
            let searched = crate::file_kind::open_regular(entry.path())
                .and_then(|file| searcher.search_file(&matcher, &file, &mut sink));
            let found = match searched {
                Ok(()) => sink.found,
                Err(e) if too_long(&e) => {
                    let windowed = match &windowed {
                        Some(m) => m,
                        None => windowed.insert(self.matcher(true)?),
                    };
                    match windows::search(entry.path(), windowed, room, &|| cancel.is_cancelled()) {
                        Ok(Some(found)) => found,
                        Ok(None) => return Err(ToolError::Interrupted),
                        Err(e) => {
                            unreadable.add(Some(name), &e);
                            continue;
                        }
                    }
                }
                // Gone since the walk, or no longer a regular file.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidInput
                    ) =>
                {
                    continue;
                }
                Err(e) => {
                    unreadable.add(Some(name), &e);
                    continue;
                }
            };
            if found.binary {
                continue;
            }
            for (line, text) in &found.hits {
                out.push_str(&format!("{name}:{line}:{text}\n"));
            }
            count += found.hits.len();
            if found.capped {
                capped = true;
                break;
            }
        }
        let skipped = unreadable.note().unwrap_or_default();
        if count == 0 {
            return Ok(format!("No matches.\n{skipped}").trim_end().to_string());
        }
        if capped {
            out.push_str(&format!(
                "[stopped at {} matches (max_results); narrow the pattern, path or glob, or raise max_results (at most {MAX_RESULTS})]\n",
                self.max
            ));
        }
        out.push_str(&skipped);
        Ok(out)
    }
}

/// The searcher gave up on a line longer than [`LINE_LIMIT`]
/// (grep-searcher's "configured allocation limit (N) exceeded").
fn too_long(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Other && e.to_string().contains("allocation limit")
}

/// Collects one file's matches; notes binary data and the result cap.
struct FileSink<'m> {
    matcher: &'m RegexMatcher,
    found: Found,
    room: usize,
}

impl Sink for FileSink<'_> {
    type Error = std::io::Error;

    fn matched(&mut self, _: &Searcher, mat: &SinkMatch<'_>) -> Result<bool, Self::Error> {
        if self.found.hits.len() >= self.room {
            self.found.capped = true;
            return Ok(false);
        }
        let mut line = mat.bytes();
        while let Some((b'\n' | b'\r', rest)) = line.split_last() {
            line = rest;
        }
        // Where the match is, so a long line is shown around it.
        let at = self
            .matcher
            .find(line)
            .ok()
            .flatten()
            .map_or(0, |m| m.start());
        let text = shown(line, at, 0, false);
        self.found.hits.push((mat.line_number().unwrap_or(0), text));
        Ok(true)
    }

    fn binary_data(&mut self, _: &Searcher, _offset: u64) -> Result<bool, Self::Error> {
        self.found.binary = true;
        Ok(false)
    }
}

mod shown;
#[cfg(test)]
mod tests;
mod windows;
