//! `grep`: regex search over files, respecting ignore files (the ripgrep
//! libraries).

use std::path::{Path, PathBuf};

use grep_regex::RegexMatcherBuilder;
use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder, Sink, SinkMatch};
use ignore::overrides::OverrideBuilder;
use schemars::JsonSchema;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::list_dir::walk_builder;
use super::typed::{Typed, TypedTool};
use super::{ToolContext, ToolError, ToolOutput};

pub const DEFAULT_MAX_RESULTS: usize = 200;
pub const MAX_RESULTS: usize = 2000;
/// Characters of a matching line shown.
pub const MAX_LINE_CHARS: usize = 500;

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
    fn run(self, cancel: &CancellationToken) -> Result<String, ToolError> {
        let matcher = RegexMatcherBuilder::new()
            .case_insensitive(self.case_insensitive)
            .line_terminator(Some(b'\n'))
            .build(&self.pattern)
            .map_err(|e| {
                ToolError::InvalidArguments(format!(
                    "invalid regex {:?}: {e}\nFix the pattern (Rust regex syntax; escape metacharacters such as ( [ {{ . * + ? with a backslash).",
                    self.pattern
                ))
            })?;
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
        let mut searcher = SearcherBuilder::new()
            .line_number(true)
            .binary_detection(BinaryDetection::quit(0))
            .build();

        let mut out = String::new();
        let mut count = 0usize;
        let mut capped = false;
        for entry in walker.build() {
            if cancel.is_cancelled() {
                return Err(ToolError::Interrupted);
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    tracing::debug!(error = %e, "grep: skipping an entry");
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let mut sink = FileSink {
                hits: Vec::new(),
                room: self.max - count,
                capped: false,
                binary: false,
            };
            if let Err(e) = searcher.search_path(&matcher, entry.path(), &mut sink) {
                tracing::debug!(path = %entry.path().display(), error = %e, "grep: skipping a file");
                continue;
            }
            if sink.binary {
                continue;
            }
            let name = self.display(entry.path());
            for (line, text) in &sink.hits {
                out.push_str(&format!("{name}:{line}:{text}\n"));
            }
            count += sink.hits.len();
            if sink.capped {
                capped = true;
                break;
            }
        }
        if count == 0 {
            return Ok("No matches.".into());
        }
        if capped {
            out.push_str(&format!(
                "[stopped at {} matches (max_results); narrow the pattern, path or glob, or raise max_results (at most {MAX_RESULTS})]\n",
                self.max
            ));
        }
        Ok(out)
    }

    /// The path as the model can pass it back: relative to the working
    /// directory when inside it, else absolute.
    fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.cwd) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
            _ => path.display().to_string(),
        }
    }
}

/// Collects one file's matches; notes binary data and the result cap.
struct FileSink {
    hits: Vec<(u64, String)>,
    room: usize,
    capped: bool,
    binary: bool,
}

impl Sink for FileSink {
    type Error = std::io::Error;

    fn matched(&mut self, _: &Searcher, mat: &SinkMatch<'_>) -> Result<bool, Self::Error> {
        if self.hits.len() >= self.room {
            self.capped = true;
            return Ok(false);
        }
        let text = String::from_utf8_lossy(mat.bytes());
        let text = text.trim_end_matches(['\n', '\r']);
        let text = match text.char_indices().nth(MAX_LINE_CHARS) {
            Some((cut, _)) => format!("{}… [line cut]", &text[..cut]),
            None => text.to_string(),
        };
        self.hits.push((mat.line_number().unwrap_or(0), text));
        Ok(true)
    }

    fn binary_data(&mut self, _: &Searcher, _offset: u64) -> Result<bool, Self::Error> {
        self.binary = true;
        Ok(false)
    }
}

#[cfg(test)]
mod tests;
