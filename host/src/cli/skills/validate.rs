//! `quire skills validate PATH... [--strict]` and `quire skills to-prompt PATH...`.

use std::path::{Path, PathBuf};

use quire::skills::parse::{self, Origin};
use quire::skills::prompt_xml::{PromptEntry, to_prompt as xml};
use quire::skills::validate::{find_skill_md, parent_dir, skills_in, validate_path};
use quire::skills::{Scope, Skill};

use crate::cli::{EXIT_FAILED, EXIT_OK};

pub fn validate(paths: &[PathBuf], strict: bool) -> i32 {
    let mut total = 0;
    let mut failed = 0;
    for path in paths {
        for report in validate_path(path, strict) {
            total += 1;
            if report.is_valid() {
                listln!("ok: {}", report.dir.display());
                continue;
            }
            failed += 1;
            for p in &report.problems {
                elistln!("{}: {p}", report.location().display());
            }
        }
    }
    if failed == 0 {
        return EXIT_OK;
    }
    eprintln!(
        "{failed} of {} failed validation{}",
        quire::plural::counted(total, "skill"),
        if strict { " (--strict)" } else { "" }
    );
    EXIT_FAILED
}

pub fn to_prompt(paths: &[PathBuf]) -> i32 {
    let mut skills = Vec::new();
    for path in paths {
        // A folder of skills stands for each skill in it, as for validate.
        let (dirs, skipped) = skills_in(path);
        for (file, reason) in &skipped {
            eprintln!("warning: {}: {reason}; left out", file.display());
        }
        let one = [path.clone()];
        let each: &[PathBuf] = if dirs.is_empty() { &one } else { &dirs };
        for dir in each {
            match load(dir) {
                Ok(s) => skills.push(s),
                Err(e) => {
                    eprintln!("error: {}: {e}", dir.display());
                    return EXIT_FAILED;
                }
            }
        }
    }
    let entries: Vec<PromptEntry<'_>> = skills
        .iter()
        .map(|s| PromptEntry {
            name: &s.name,
            description: &s.description,
            location: &s.file,
        })
        .collect();
    say!("{}", xml(&entries));
    EXIT_OK
}

/// A skill folder or SKILL.md, parsed leniently, with absolute paths.
fn load(path: &Path) -> Result<Skill, String> {
    let is_file = path.is_file()
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case("skill.md"));
    let dir = if is_file {
        parent_dir(path)
    } else {
        path.to_path_buf()
    };
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("cannot open: {e}"))?;
    let file = find_skill_md(&dir)
        .ok_or("no SKILL.md in this folder, nor in a folder inside it; give a skill folder, its SKILL.md or a folder of skills")?;
    parse::read_skill(Origin {
        dir: &dir,
        file: &file,
        root: &dir,
        scope: Scope::Configured,
    })
    .map_err(|e| e.0)
}
