//! `read_file`: a text file's lines, numbered like `cat -n`, one window at a
//! time.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;

use super::typed::{Typed, TypedTool};
use super::{ToolContext, ToolError, ToolOutput};

/// Lines shown when the call gives no `limit`.
pub const DEFAULT_LIMIT: usize = 1000;
/// Characters of one line shown; the rest is cut with a marker.
pub const MAX_LINE_CHARS: usize = 2000;
/// Bytes of output of one call: kept under the registry's default 16 KiB
/// cap, so a page is never cut in the middle; the model pages on with
/// `offset`.
pub const MAX_OUTPUT_BYTES: usize = 15 * 1024;
/// Bytes at the start of a file searched for NUL to call it binary.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// Bytes of one line kept in memory (enough for `MAX_LINE_CHARS` chars).
const MAX_LINE_BYTES: usize = MAX_LINE_CHARS * 4;

const DESCRIPTION: &str = "Read a text file. Returns its lines numbered like `cat -n` \
(line number, tab, text). Reads up to 1000 lines (and about 15 KiB) from `offset` (1-based, default 1); \
for large files read a window with `offset` and `limit` and follow the note at the end, \
which gives the next offset. Prefer this over `cat`/`sed` in the shell. Lines longer than \
2000 characters are cut. Binary files are refused; to see a directory use list_dir.";

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The file to read, absolute or relative to the working directory.
    path: String,
    /// The first line to show, 1-based. Default 1.
    #[schemars(range(min = 1))]
    offset: Option<usize>,
    /// How many lines to show. Default 1000.
    #[schemars(range(min = 1))]
    limit: Option<usize>,
}

/// The `read_file` tool ([`ReadFile`] as a [`super::Tool`]).
pub type ReadFileTool = Typed<ReadFile>;

#[derive(Default)]
pub struct ReadFile;

impl TypedTool for ReadFile {
    type Args = Args;
    const NAME: &'static str = "read_file";
    const DESCRIPTION: &'static str = DESCRIPTION;
    const READ_ONLY: bool = true;
    const DESTRUCTIVE: bool = false;

    async fn run(&self, args: Args, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let offset = args.offset.unwrap_or(1);
        let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
        if offset == 0 || limit == 0 {
            return Err(ToolError::InvalidArguments(
                "offset and limit must be at least 1 (offset is 1-based)".into(),
            ));
        }
        super::nul_path::refuse_nul("path", &args.path)?;
        let resolved = ctx.resolve(&args.path);
        let shown = args.path.clone();
        tokio::task::spawn_blocking(move || read_numbered(&resolved, &shown, offset, limit))
            .await
            .map_err(|e| ToolError::Failed(format!("reading {}: {e}", args.path)))?
            .map(ToolOutput::text)
    }
}

/// Reads lines `offset..offset+limit` of `path` (`shown` names it in
/// messages) and numbers them.
fn read_numbered(
    path: &Path,
    shown: &str,
    offset: usize,
    limit: usize,
) -> Result<String, ToolError> {
    let meta = std::fs::metadata(path).map_err(|e| open_error(shown, path, &e))?;
    if meta.is_dir() {
        return Err(ToolError::Failed(format!(
            "{shown} is a directory, not a file. Use list_dir to see what it contains."
        )));
    }
    // Opened without blocking and checked on the open file: a FIFO (or a
    // link to one, or one swapped in since the check above) would block
    // the read forever, a device never ends.
    let file = crate::file_kind::open_regular(path).map_err(|e| open_error(shown, path, &e))?;
    let meta = file.metadata().map_err(|e| open_error(shown, path, &e))?;
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let io_err = |e: std::io::Error| ToolError::Failed(format!("reading {shown}: {e}"));

    let head = reader.fill_buf().map_err(io_err)?;
    let sniff = &head[..head.len().min(BINARY_SNIFF_BYTES)];
    if sniff.contains(&0) {
        return Err(ToolError::Failed(format!(
            "{shown} is a binary file ({} bytes); read_file shows text files only.",
            meta.len()
        )));
    }

    let mut out = String::new();
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut last_shown = 0usize;
    let mut capped = false;
    loop {
        line.clear();
        let Some(total_len) = next_line(&mut reader, &mut line).map_err(io_err)? else {
            break;
        };
        number += 1;
        if number < offset {
            continue;
        }
        if number >= offset.saturating_add(limit) {
            // One line past the window: the rest is only counted.
            let rest = 1 + count_lines(&mut reader).map_err(io_err)?;
            return Ok(finish(out, last_shown, rest, capped));
        }
        let text = render_line(&line, total_len);
        let entry = format!("{number:>6}\t{text}\n");
        if out.len() + entry.len() > MAX_OUTPUT_BYTES {
            capped = true;
            let rest = 1 + count_lines(&mut reader).map_err(io_err)?;
            return Ok(finish(out, last_shown, rest, capped));
        }
        out.push_str(&entry);
        last_shown = number;
    }
    if number == 0 {
        return Ok(format!("({shown} is an empty file)"));
    }
    if offset > number {
        return Err(ToolError::Failed(format!(
            "offset {offset} is past the end of {shown}: it has {number} lines. Use an offset from 1 to {number}."
        )));
    }
    Ok(out)
}

fn open_error(shown: &str, path: &Path, e: &std::io::Error) -> ToolError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ToolError::Failed(format!(
            "file not found: {shown} (looked at {}). Check the path with list_dir or grep.",
            path.display()
        ))
    } else if e.kind() == std::io::ErrorKind::InvalidInput {
        // file_kind::open_regular: "a named pipe, not a regular file".
        ToolError::Failed(format!(
            "cannot read {shown}: it is {e}. read_file reads regular files only."
        ))
    } else {
        ToolError::Failed(format!("cannot open {shown}: {e}"))
    }
}

/// Adds the note that says how to read on.
fn finish(mut out: String, last_shown: usize, rest: usize, capped: bool) -> String {
    if capped {
        out.push_str(&format!(
            "[output reached the {} KiB cap of one read]\n",
            MAX_OUTPUT_BYTES / 1024
        ));
    }
    out.push_str(&format!(
        "… {rest} more lines; call again with offset={}",
        last_shown + 1
    ));
    out
}

/// The text of one line: lossily decoded, line ending removed, cut at
/// `MAX_LINE_CHARS` characters.
fn render_line(kept: &[u8], total_len: usize) -> String {
    let mut bytes = kept;
    if bytes.last() == Some(&b'\n') {
        bytes = &bytes[..bytes.len() - 1];
    }
    if bytes.last() == Some(&b'\r') {
        bytes = &bytes[..bytes.len() - 1];
    }
    let text = String::from_utf8_lossy(bytes);
    if total_len <= MAX_LINE_CHARS {
        return text.into_owned();
    }
    match text.char_indices().nth(MAX_LINE_CHARS) {
        Some((cut, _)) => format!(
            "{}… [line cut at {MAX_LINE_CHARS} characters; it has {total_len} bytes]",
            &text[..cut]
        ),
        None => text.into_owned(),
    }
}

/// Reads one line into `kept` (at most `MAX_LINE_BYTES` of it, newline
/// included when it fits) and returns the line's full length in bytes
/// without the newline, or `None` at the end of the file.
fn next_line(reader: &mut impl BufRead, kept: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
    let mut total = 0usize;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((total > 0).then_some(total));
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        total += n;
        reader.consume(n);
        if done {
            return Ok(Some(total - 1));
        }
    }
}

/// Counts the lines left in `reader` (a last line without a newline counts).
fn count_lines(reader: &mut impl Read) -> std::io::Result<usize> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut lines = 0usize;
    let mut last = b'\n';
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests;
