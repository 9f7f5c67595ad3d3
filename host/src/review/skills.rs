//! The review skills every pass is shown: the bundled `code-review` and
//! the repository's or user's own, chosen by the skills' BM25 index.
//!
//! A skill is about review when its name or description says so. One whose
//! *name* says review (`code-review`, `security-review`) is a general
//! review skill: it fits every review. Any other (a team's `sql-rules`,
//! "review rules for database code") fits only when the diff itself — its
//! paths and changed lines — matches it.

use std::path::Path;

use crate::config::Config;
use crate::skills::select::SkillSet;
use crate::skills::{DiscoverOptions, discover};

use super::diff::FileDiff;

/// At most this many review skills, each cut to this many bytes.
const SKILLS_MAX: usize = 3;
const SKILL_BYTES: usize = 8 * 1024;
/// How much of the changed lines the diff query reads.
const QUERY_BYTES: usize = 16 * 1024;

/// The general review query.
const GENERAL: &str = "review the code change for bugs: code review";

/// (name, body) of the review skills that fit the change in `files`, best
/// first.
pub fn fitting(
    config: &Config,
    home: &Path,
    repo: &Path,
    files: &[FileDiff],
) -> Vec<(String, String)> {
    if !config.skills.enabled {
        return Vec::new();
    }
    let opts = DiscoverOptions::new(
        repo.to_path_buf(),
        Some(repo.to_path_buf()),
        home.to_path_buf(),
        &config.skills,
    )
    .trusting(config.project_trusted);
    let (set, _) = SkillSet::build(discover(&opts).skills, None);
    let diff = diff_query(files);
    let general = set.plan(&config.skills, GENERAL, None, &Default::default());
    let specific = set.plan(&config.skills, &diff, None, &Default::default());
    let score = |plan: &crate::skills::select::Plan, i: usize| {
        plan.ranked
            .iter()
            .find(|r| r.skill == i)
            .map_or(0.0, |r| r.score)
    };
    let mut chosen: Vec<(f64, usize)> = Vec::new();
    for (i, s) in set.skills.iter().enumerate() {
        let name = s.name.to_lowercase();
        let about = format!("{name} {}", s.description.to_lowercase());
        if !about.contains("review") {
            continue;
        }
        let fit = score(&specific, i);
        let fits = fit > 0.0 || (name.contains("review") && score(&general, i) > 0.0);
        if fits {
            chosen.push((f64::from(fit) + f64::from(score(&general, i)), i));
        }
    }
    chosen.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    chosen
        .into_iter()
        .take(SKILLS_MAX)
        .map(|(_, i)| {
            let s = &set.skills[i];
            (s.name.clone(), cut(&s.body, SKILL_BYTES))
        })
        .collect()
}

/// The words of the change: its paths and its added and removed lines.
fn diff_query(files: &[FileDiff]) -> String {
    let mut q = String::new();
    for f in files {
        q.push_str(&f.path);
        q.push('\n');
    }
    'files: for f in files {
        for h in &f.hunks {
            for l in &h.lines {
                if let Some(rest) = l.strip_prefix(['+', '-']) {
                    if q.len() + rest.len() > QUERY_BYTES {
                        break 'files;
                    }
                    q.push_str(rest);
                    q.push('\n');
                }
            }
        }
    }
    q
}

fn cut(text: &str, max: usize) -> String {
    let mut cut = max.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_string()
}
