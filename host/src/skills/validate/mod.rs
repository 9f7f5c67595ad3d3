//! `quire skills validate`: every check of the reference validator
//! `skills-ref`, with the same meaning and wording, plus the `--strict`
//! checks (body size, file references, angle brackets).

mod strict;
mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use strict::{
    BODY_MAX_LINES, BODY_MAX_TOKENS, PLACEHOLDER_DESCRIPTION, estimate_tokens, file_references,
};
pub use yaml::{Refusal, Strict, StrictValue, parse_strict};

use super::discover::{self, Root};
use super::names::{self, MAX_COMPATIBILITY_CHARS, MAX_DESCRIPTION_CHARS};
use super::{Scope, parse};

/// The frontmatter fields the spec allows.
pub const ALLOWED_FIELDS: [&str; 6] = [
    "allowed-tools",
    "compatibility",
    "description",
    "license",
    "metadata",
    "name",
];

/// The frontmatter fields Claude Code documents for a SKILL.md besides
/// [`ALLOWED_FIELDS`]: a plugin's skills may use them (`plugins validate`).
pub const CLAUDE_CODE_FIELDS: [&str; 14] = [
    "user-invocable",
    "disable-model-invocation",
    "argument-hint",
    "version",
    "tools",
    "model",
    "when_to_use",
    "when-to-use",
    "context",
    "agent",
    "hooks",
    "paths",
    "effort",
    "shell",
];

/// How the problem listing fields outside [`ALLOWED_FIELDS`] starts.
pub const UNEXPECTED_FIELDS: &str = "Unexpected fields in frontmatter:";

/// A `SKILL.md` as `validate` reads it: frontmatter, body, and what
/// strictyaml refuses in otherwise valid YAML.
pub type StrictFile = (BTreeMap<String, StrictValue>, String, Vec<Refusal>);

/// The outcome for one skill folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The skill folder (or the path given, when it is not one).
    pub dir: PathBuf,
    /// Its `SKILL.md`, when there is one.
    pub file: Option<PathBuf>,
    /// Empty when the skill is valid.
    pub problems: Vec<String>,
    /// The frontmatter fields outside [`ALLOWED_FIELDS`] (also one
    /// problem, starting with [`UNEXPECTED_FIELDS`]).
    #[serde(skip)]
    pub unexpected_fields: Vec<String>,
    /// What quire's own loader warns about (it loads the skill, but not
    /// quite as written: `disable-model-invocation: maybe` is read as
    /// false).
    #[serde(skip)]
    pub load_warnings: Vec<String>,
    /// Whether quire's loader refuses the skill (said in `problems`).
    #[serde(skip)]
    pub not_loaded: bool,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// Where the problems are: the `SKILL.md`, else the folder.
    pub fn location(&self) -> &Path {
        self.file.as_deref().unwrap_or(&self.dir)
    }
}

/// Whether a field written as Claude Code reads it is fine: in a
/// plugin's skills (`plugins validate`), `argument-hint: [name]` and
/// `allowed-tools: [Bash, Read]` are what Claude Code's authors write, and
/// quire's loader reads them; the reference validator refuses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    Spec,
    ClaudeCode,
}

/// Validates what `path` names: a `SKILL.md`, a skill folder, or a folder
/// of skill folders (each found one is validated).
pub fn validate_path(path: &Path, strict: bool) -> Vec<Report> {
    validate_path_as(path, strict, Fields::Spec)
}

/// [`validate_path`], with Claude Code's way of writing its fields
/// accepted when `fields` says so.
pub fn validate_path_as(path: &Path, strict: bool, fields: Fields) -> Vec<Report> {
    let validate_dir = |dir: &Path, strict| validate_dir_as(dir, strict, fields);
    let is_skill_file = path.is_file()
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case("skill.md"));
    if is_skill_file {
        return vec![validate_dir(&parent_dir(path), strict)];
    }
    if !path.is_dir() || find_skill_md(path).is_some() {
        return vec![validate_dir(path, strict)];
    }
    let roots = [Root {
        path: path.to_path_buf(),
        scope: Scope::Configured,
    }];
    let (found, skipped) = discover::scan(&roots);
    if found.is_empty() && skipped.is_empty() {
        return vec![validate_dir(path, strict)];
    }
    let mut out: Vec<Report> = found.iter().map(|c| validate_dir(&c.dir, strict)).collect();
    out.extend(skipped.into_iter().map(|s| Report {
        load_warnings: Vec::new(),
        not_loaded: true,
        dir: s.path.parent().map(Path::to_path_buf).unwrap_or_default(),
        file: Some(s.path),
        problems: vec![s.reason],
        unexpected_fields: Vec::new(),
    }));
    out
}

/// The skills under `path`, a folder of skills (not a skill itself):
/// each skill's folder, and the files skipped with why. Both empty when
/// `path` is a skill, no folder, or holds none.
pub fn skills_in(path: &Path) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    if !path.is_dir() || find_skill_md(path).is_some() {
        return (Vec::new(), Vec::new());
    }
    let roots = [Root {
        path: path.to_path_buf(),
        scope: Scope::Configured,
    }];
    let (found, skipped) = discover::scan(&roots);
    (
        found.into_iter().map(|c| c.dir).collect(),
        skipped.into_iter().map(|s| (s.path, s.reason)).collect(),
    )
}

/// The folder holding `file` (`.` for a bare file name).
pub fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `SKILL.md`, else `skill.md`, in `dir`.
pub fn find_skill_md(dir: &Path) -> Option<PathBuf> {
    ["SKILL.md", "skill.md"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists())
}

/// Validates one skill folder.
pub fn validate_dir(dir: &Path, strict: bool) -> Report {
    validate_dir_as(dir, strict, Fields::Spec)
}

/// Validates one skill folder, Claude Code's fields as `fields` says.
pub fn validate_dir_as(dir: &Path, strict: bool, fields: Fields) -> Report {
    let mut report = Report {
        dir: dir.to_path_buf(),
        file: None,
        problems: Vec::new(),
        unexpected_fields: Vec::new(),
        load_warnings: Vec::new(),
        not_loaded: false,
    };
    if !dir.exists() {
        report
            .problems
            .push(format!("Path does not exist: {}", dir.display()));
        return report;
    }
    if !dir.is_dir() {
        report
            .problems
            .push(format!("Not a directory: {}", dir.display()));
        return report;
    }
    let Some(file) = find_skill_md(dir) else {
        report
            .problems
            .push("Missing required file: SKILL.md".into());
        return report;
    };
    report.file = Some(file.clone());
    match read_strict(&file) {
        Err(problem) => report.problems.push(problem),
        Ok((front, body, style)) => {
            let folder = folder_name(dir);
            let claude = |r: &Refusal| {
                fields == Fields::ClaudeCode
                    && r.field
                        .as_deref()
                        .is_some_and(|f| f == "allowed-tools" || CLAUDE_CODE_FIELDS.contains(&f))
            };
            report.problems = style
                .into_iter()
                .filter(|r| !claude(r))
                .map(|r| r.problem)
                .collect();
            report.unexpected_fields = front
                .keys()
                .filter(|k| !ALLOWED_FIELDS.contains(&k.as_str()))
                .cloned()
                .collect();
            report
                .problems
                .extend(validate_metadata(&front, folder.as_deref()));
            if strict {
                report.problems.extend(strict::check(&front, &body, dir));
            }
        }
    }
    // Valid for the reference validator (but for fields it does not know,
    // such as Claude Code's) yet refused by quire's loader (a hidden
    // character in its description), or loaded with a warning: never `ok`
    // or "loads" for a skill quire would skip.
    let spec_only = |p: &String| p.starts_with(UNEXPECTED_FIELDS);
    if report.problems.iter().all(spec_only) {
        match parse::read_skill(parse::Origin {
            dir,
            file: &file,
            root: dir,
            scope: Scope::Configured,
        }) {
            Err(why) => {
                report.not_loaded = true;
                report
                    .problems
                    .push(format!("quire does not load this skill: {why}"));
            }
            Ok(skill) => report.load_warnings = skill.warnings,
        }
    }
    report
}

/// The folder's own name (of its canonical path for `.` and `..`).
fn folder_name(dir: &Path) -> Option<String> {
    let name = match dir.file_name() {
        Some(n) => n.to_os_string(),
        None => std::fs::canonicalize(dir).ok()?.file_name()?.to_os_string(),
    };
    Some(name.to_string_lossy().into_owned())
}

/// Reads `file` and splits it as the reference validator does: it must be
/// UTF-8 and start with `---`; line ends are normalised.
/// Returns the frontmatter, the body and what strictyaml would refuse in
/// otherwise valid YAML ([`parse_strict`]).
pub fn read_strict(file: &Path) -> Result<StrictFile, String> {
    let bytes = parse::read_capped(file).map_err(|e| e.0)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        format!(
            "SKILL.md is not valid UTF-8 (first bad byte at offset {}): save it as UTF-8",
            e.valid_up_to()
        )
    })?;
    let normal = crate::skills::folder::normalize(text);
    let text = normal.text;
    if normal.bom || !text.starts_with("---") {
        let hint = if normal.bom {
            ": it starts with a UTF-8 byte order mark (BOM); remove it"
        } else {
            ""
        };
        return Err(format!(
            "SKILL.md must start with YAML frontmatter (---){hint}"
        ));
    }
    let (front, body) = parse::split_frontmatter(&text, &mut Vec::new())
        .map_err(|_| "SKILL.md frontmatter not properly closed with ---".to_string())?;
    let (map, style) = parse_strict(front)?;
    Ok((map, body.trim().to_string(), style))
}

/// The reference validator's checks on parsed frontmatter.
pub fn validate_metadata(
    front: &BTreeMap<String, StrictValue>,
    folder: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    let extra: Vec<&str> = front
        .keys()
        .map(String::as_str)
        .filter(|k| !ALLOWED_FIELDS.contains(k))
        .collect();
    if !extra.is_empty() {
        let allowed: Vec<String> = ALLOWED_FIELDS.iter().map(|f| format!("'{f}'")).collect();
        out.push(format!(
            "{UNEXPECTED_FIELDS} {}. Only [{}] are allowed.",
            extra.join(", "),
            allowed.join(", ")
        ));
    }
    match front.get("name") {
        None => out.push("Missing required field in frontmatter: name".into()),
        Some(StrictValue::Text(name)) => out.extend(names::name_problems(name, folder)),
        Some(_) => out.push("Field 'name' must be a non-empty string".into()),
    }
    match front.get("description").map(|d| d.as_text()) {
        None => out.push("Missing required field in frontmatter: description".into()),
        Some(Some(d)) if !d.trim().is_empty() => {
            let chars = d.chars().count();
            if chars > MAX_DESCRIPTION_CHARS {
                out.push(format!(
                    "Description exceeds {MAX_DESCRIPTION_CHARS} character limit ({chars} chars)"
                ));
            }
        }
        Some(_) => out.push("Field 'description' must be a non-empty string".into()),
    }
    match front.get("compatibility").map(|c| c.as_text()) {
        None => {}
        Some(None) => out.push("Field 'compatibility' must be a string".into()),
        Some(Some(c)) => {
            let chars = c.chars().count();
            if chars > MAX_COMPATIBILITY_CHARS {
                out.push(format!(
                    "Compatibility exceeds {MAX_COMPATIBILITY_CHARS} character limit ({chars} chars)"
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
