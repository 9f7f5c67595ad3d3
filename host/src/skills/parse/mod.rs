//! Lenient parsing of one `SKILL.md`: what real skills need is accepted
//! with a warning (BOM, CRLF, unquoted `: ` in values, a description
//! written as a list, a numeric name, unknown keys, a name that does not
//! match its folder); a file without a description or with frontmatter
//! that cannot be read at all is refused with the reason.
//!
//! Nothing here panics on any input: bytes are decoded lossily, sizes are
//! capped, and every failure becomes a [`ParseError`] naming the problem.

mod fallback;
mod fields;
mod hidden;
mod tabs;

use std::io::Read;
use std::path::Path;

use crate::skills::{Scope, Skill, yaml};

pub use fallback::{flow_list, parse_lines, parse_lines_joining};
pub use fields::raw_value;
pub use tabs::tab_problems;

/// `SKILL.md` files larger than this are not loaded.
pub const MAX_SKILL_FILE_BYTES: u64 = 1024 * 1024;

/// Why a `SKILL.md` was not loaded (the text is shown to the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// Where a parsed file was found.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The skill's folder (absolute).
    pub dir: &'a Path,
    /// Its `SKILL.md`.
    pub file: &'a Path,
    /// The root it was found under.
    pub root: &'a Path,
    pub scope: Scope,
}

/// Reads and parses one `SKILL.md`.
pub fn read_skill(origin: Origin<'_>) -> Result<Skill, ParseError> {
    let bytes = read_capped(origin.file)?;
    parse_skill(&bytes, origin)
}

/// Reads a regular file of at most [`MAX_SKILL_FILE_BYTES`].
pub fn read_capped(file: &Path) -> Result<Vec<u8>, ParseError> {
    let meta = std::fs::metadata(file)
        .map_err(|e| ParseError(format!("cannot read {}: {e}", file.display())))?;
    if meta.is_dir() {
        return Err(ParseError(format!(
            "{} is a folder, not a file",
            file.display()
        )));
    }
    if !meta.is_file() {
        return Err(ParseError(format!(
            "{} is not a regular file (a pipe, socket or device)",
            file.display()
        )));
    }
    if meta.len() > MAX_SKILL_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let f = std::fs::File::open(file)
        .map_err(|e| ParseError(format!("cannot read {}: {e}", file.display())))?;
    let mut bytes = Vec::new();
    f.take(MAX_SKILL_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ParseError(format!("cannot read {}: {e}", file.display())))?;
    if bytes.len() as u64 > MAX_SKILL_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(len: u64) -> ParseError {
    ParseError(format!(
        "SKILL.md is {len} bytes; the limit is {MAX_SKILL_FILE_BYTES} bytes (1 MiB): move long material into references/"
    ))
}

/// Parses the bytes of a `SKILL.md` found at `origin`.
pub fn parse_skill(bytes: &[u8], origin: Origin<'_>) -> Result<Skill, ParseError> {
    let mut warnings = Vec::new();
    let text = decode(bytes, &mut warnings);
    let (frontmatter, body) = split_frontmatter(&text, &mut warnings)?;
    let map = parse_frontmatter(frontmatter, &mut warnings)?;
    let folder = origin
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let f = fields::extract(&map, frontmatter, &folder, &mut warnings)?;
    let mut shown = vec![
        ("name", f.name.as_str(), true),
        ("description", f.description.as_str(), false),
    ];
    shown.extend(
        f.when_to_use
            .iter()
            .map(|w| ("when_to_use", w.as_str(), false)),
    );
    shown.extend(
        f.keywords
            .iter()
            .map(|k| ("metadata.keywords", k.as_str(), true)),
    );
    if let Some(why) = hidden::problem(&folder, &shown) {
        return Err(ParseError(why));
    }
    let body = body.trim().to_string();
    Ok(Skill {
        name: f.name,
        description: f.description,
        when_to_use: f.when_to_use,
        keywords: f.keywords,
        license: f.license,
        compatibility: f.compatibility,
        allowed_tools: f.allowed_tools,
        metadata: f.metadata,
        disable_model_invocation: f.disable_model_invocation,
        user_invocable: f.user_invocable,
        extra: f.extra,
        headings: headings(&body),
        body,
        dir: origin.dir.to_path_buf(),
        file: origin.file.to_path_buf(),
        scope: origin.scope,
        root: origin.root.to_path_buf(),
        warnings,
        drift: None,
    })
}

/// UTF-8 (lossy, with a warning), without a BOM, with `\n` line ends.
fn decode(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    let mut text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            warnings.push(format!(
                "not valid UTF-8 (first bad byte at offset {}); invalid bytes were replaced",
                e.valid_up_to()
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    let normal = crate::skills::folder::normalize(&text);
    if normal.bom {
        warnings.push("starts with a UTF-8 byte order mark (BOM); it was ignored".into());
    }
    if normal.cr {
        warnings.push("uses CRLF (Windows) line endings; read as LF".into());
    }
    text = normal.text;
    text
}

/// Splits `---\nFRONTMATTER\n---\nBODY` ([`crate::skills::folder`] owns
/// the rules). Blank lines before the opening `---` are tolerated with a
/// warning.
pub fn split_frontmatter<'a>(
    text: &'a str,
    warnings: &mut Vec<String>,
) -> Result<(&'a str, &'a str), ParseError> {
    crate::skills::folder::split_frontmatter(text, warnings).map_err(|e| ParseError(e.0))
}

/// Frontmatter larger than this is refused.
pub const MAX_FRONTMATTER_BYTES: usize = 64 * 1024;
/// Deeper `[`/`{` nesting is not handed to the YAML parser, whose scanner
/// is quadratic in the nesting depth.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Checks that `front` is safe to give to the YAML parser.
pub fn yaml_guard(front: &str) -> Result<(), String> {
    let mut depth = 0usize;
    for b in front.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err(format!(
                        "brackets nested more than {MAX_FLOW_DEPTH} levels deep"
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => depth = depth.min(MAX_FLOW_DEPTH),
            _ => {}
        }
    }
    Ok(())
}

/// YAML first; if that fails, plain `key: value` lines with a warning. A
/// NUL byte is refused (see below).
/// Skills and agent definitions (`agents/*.md`) both read theirs here.
pub fn parse_frontmatter(
    front: &str,
    warnings: &mut Vec<String>,
) -> Result<yaml::Mapping, ParseError> {
    if front.len() > MAX_FRONTMATTER_BYTES {
        return Err(ParseError(format!(
            "the frontmatter is {} bytes; the limit is {MAX_FRONTMATTER_BYTES} (keep long text in the body)",
            front.len()
        )));
    }
    // The YAML parser stops at a NUL and keeps what came before: the keys
    // after it (`disable-model-invocation: true`) would vanish unsaid.
    if let Some(at) = front.find('\0') {
        let line = front[..at].matches('\n').count() + 2;
        return Err(ParseError(format!(
            "the frontmatter holds a NUL byte (line {line} of the file), which would hide the keys after it; remove it"
        )));
    }
    let yaml = match yaml_guard(front) {
        Ok(()) => yaml::from_str(front).map_err(|e| {
            // A tab is the usual cause, and the parser's words do not say so.
            let tabs = tab_problems(front);
            if tabs.is_empty() {
                yaml_error_text(&e)
            } else {
                tabs.join("; ")
            }
        }),
        Err(why) => Err(why),
    };
    match yaml {
        Ok(yaml::Value::Mapping(m)) => Ok(m),
        Ok(yaml::Value::Null) => Ok(yaml::Mapping::new()),
        Ok(_) => match parse_lines(front) {
            Some(m) => {
                warnings.push(
                    "the frontmatter is not a YAML mapping; read it as key: value lines".into(),
                );
                Ok(m)
            }
            None => Err(ParseError(
                "the frontmatter is not a mapping: write one 'key: value' per line".into(),
            )),
        },
        Err(why) => match parse_lines(front) {
            Some(m) => {
                warnings.push(format!(
                        "the frontmatter is not valid YAML ({why}); read it as key: value lines (quote values that contain ': ')"
                    ));
                Ok(m)
            }
            None => Err(ParseError(format!("unparseable frontmatter: {why}"))),
        },
    }
}

/// A YAML error as one line, with the line and column in the file (the
/// frontmatter starts on the file's second line).
pub fn yaml_error_text(e: &yaml::YamlError) -> String {
    e.in_file(2)
}

/// The Markdown headings of `body`, outside fenced code blocks.
pub fn headings(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let t = line.trim_start();
        for marker in ["```", "~~~"] {
            if t.starts_with(marker) {
                fence = match fence {
                    None => Some(marker),
                    Some(m) if m == marker => None,
                    other => other,
                };
            }
        }
        if fence.is_some() || !t.starts_with('#') || line.len() - t.len() > 3 {
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        let rest = &t[hashes..];
        if hashes <= 6 && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
            let h = rest.trim().trim_end_matches('#').trim();
            if !h.is_empty() {
                out.push(h.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
