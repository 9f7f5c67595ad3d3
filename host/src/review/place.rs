//! Where a finding is. Its path is made the repository-relative one the
//! diff uses (`src/../src/a.py`, `/REPO/src/a.py`, `src\a.py` → `src/a.py`;
//! a path that leads out of the repository is refused), it must be on a
//! file of the reviewed change, and its lines inside that file's new
//! version: a finding elsewhere, or starting past the end, is dropped, one
//! ending past the end is cut to the last line, with a warning either way.

use std::collections::HashMap;
use std::path::{Component, Path};

use super::finding::Finding;
use super::target::Target;
use crate::printable::quoted_name;

/// Where a review ran, what it reviewed, and the files of the diff it
/// sent to the model.
#[derive(Debug, Clone, Copy)]
pub struct Reviewed<'a> {
    pub repo: &'a Path,
    pub target: &'a Target,
    pub files: &'a [&'a str],
}

impl Reviewed<'_> {
    /// `raw`, a path a model wrote, as the repository-relative,
    /// `/`-separated path the diff uses; `Err` says why it is refused.
    pub fn path(&self, raw: &str) -> Result<String, String> {
        let outside = || format!("its file \"{raw}\" is outside the repository");
        let reviewed = |p: &str| self.files.contains(&p);
        // `src\a.py` is `src/a.py` unless the repository has a file of
        // that very name (a name may hold a backslash on Unix).
        let slashed;
        let mut p = raw;
        if p.contains('\\') && !reviewed(p) && self.repo.join(p).symlink_metadata().is_err() {
            slashed = p.replace('\\', "/");
            p = &slashed;
        }
        let relative = if Path::new(p).is_absolute() {
            let normal = normalise(p).ok_or_else(outside)?;
            inside(self.repo, &normal).ok_or_else(outside)?
        } else {
            let p = p.trim_start_matches("./");
            // `b/src/a.py`, as the diff's header writes it.
            let p = match p.strip_prefix("b/") {
                Some(rest) if !reviewed(p) && reviewed(rest) => rest,
                _ => p,
            };
            normalise(p).ok_or_else(outside)?
        };
        if relative.is_empty() {
            return Err(format!("its file \"{raw}\" names no file"));
        }
        Ok(relative)
    }

    /// Why a finding on `file` is dropped: it is not a file of the
    /// reviewed change; `None` when it is.
    pub fn not_reviewed(&self, file: &str) -> Option<String> {
        if self.files.contains(&file) {
            return None;
        }
        let name = quoted_name(file);
        Some(if self.repo.join(file).symlink_metadata().is_ok() {
            format!("{name} is not part of the reviewed change")
        } else {
            format!("{name} does not exist in the repository")
        })
    }
}

/// `p` with `.` and `..` resolved, `/`-separated (a leading `/` kept);
/// `None` when a `..` climbs above its start.
fn normalise(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(p).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir | Component::RootDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Prefix(_) => return None,
        }
    }
    let joined = parts.join("/");
    Some(if p.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    })
}

/// The part of the absolute, normalised `path` inside `repo` (as given or
/// with its links resolved); `None` when it is elsewhere.
fn inside(repo: &Path, path: &str) -> Option<String> {
    let path = Path::new(path);
    let real = repo.canonicalize().ok();
    [Some(repo), real.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|r| path.strip_prefix(r).ok())
        .and_then(|rest| rest.to_str())
        .map(str::to_string)
}

/// How many lines each file has in the change's new version, read once
/// per file from git (or the working tree for `--uncommitted`).
#[derive(Debug, Default)]
pub struct Lengths {
    known: HashMap<String, Option<u32>>,
}

impl Lengths {
    /// The lines of `file` in `at`'s new version; `None` when it cannot be
    /// read (the finding is then kept as it is).
    fn of(&mut self, at: &Reviewed<'_>, file: &str) -> Option<u32> {
        if let Some(n) = self.known.get(file) {
            return *n;
        }
        let n = super::version::new_version(at.repo, at.target, file)
            .map(|text| u32::try_from(text.lines().count()).unwrap_or(u32::MAX));
        self.known.insert(file.to_string(), n);
        n
    }
}

/// The findings of `source` (a pass, named in warnings) that are on a
/// file of the reviewed change and start inside its new version; those
/// ending past its end are cut to its last line. Each one dropped or cut
/// is said in `warnings`, naming the file and why.
pub fn check(
    at: &Reviewed<'_>,
    lengths: &mut Lengths,
    findings: Vec<Finding>,
    source: &str,
    warnings: &mut Vec<String>,
) -> Vec<Finding> {
    let mut kept = Vec::with_capacity(findings.len());
    for mut f in findings {
        let title = quoted_name(&f.title).into_owned();
        if let Some(why) = at.not_reviewed(&f.file) {
            tracing::warn!(file = %f.file, "review: finding on a file not reviewed dropped");
            warnings.push(format!(
                "{source}: finding \"{title}\" dropped: {why} (only findings on the changed files are kept)"
            ));
            continue;
        }
        let Some(last) = lengths.of(at, &f.file) else {
            kept.push(f);
            continue;
        };
        let name = quoted_name(&f.file).into_owned();
        if f.line_start > last {
            warnings.push(format!(
                "{source}: finding \"{title}\" dropped: its lines {}-{} are past the end of {name} ({last} lines)",
                f.line_start, f.line_end
            ));
            continue;
        }
        if f.line_end > last {
            warnings.push(format!(
                "{source}: finding \"{title}\": lines {}-{} cut to {}-{last}, the end of {name}",
                f.line_start, f.line_end, f.line_start
            ));
            f.line_end = last;
        }
        kept.push(f);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_repository_relative_and_never_leave_it() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        std::fs::create_dir(repo.join("src")).unwrap();
        std::fs::write(repo.join("src/a.py"), "x\n").unwrap();
        let files = ["src/a.py"];
        let at = Reviewed {
            repo,
            target: &Target::Staged,
            files: &files,
        };
        let abs = format!("{}/src/a.py", repo.display());
        let abs_dots = format!("{}/src/../src/a.py", repo.display());
        for raw in [
            "src/a.py",
            "./src/a.py",
            "b/src/a.py",
            "src/../src/a.py",
            "src\\a.py",
            abs.as_str(),
            abs_dots.as_str(),
        ] {
            assert_eq!(at.path(raw).as_deref(), Ok("src/a.py"), "{raw}");
        }
        let escape = format!("{}/../x", repo.display());
        for raw in ["../x", "src/../../x", "/etc/passwd", escape.as_str()] {
            assert!(at.path(raw).is_err(), "{raw}");
        }
        assert!(at.path(".").is_err());
    }
}
