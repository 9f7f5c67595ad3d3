//! Two files of the sessions folder holding one session id: a copy made
//! by hand (`STAMP-ID.backup.jsonl`) or a foreign file whose meta line
//! names another session's id. The writer names a session's own file
//! `STAMP-ID.jsonl`; when exactly one of the files is named so, it is the
//! session and the others are copies, set apart from the listing (and so
//! from resume, show and delete by id), each named in a warning. When none
//! or several are named so, the session's files stay listed and a lookup
//! by its id names them all ([`super::StoreError::Duplicated`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::SessionSummary;

/// A file that holds the session another file holds under its own name.
#[derive(Debug, Clone, PartialEq)]
pub struct Copy {
    pub path: PathBuf,
    /// The session id its meta line names.
    pub id: String,
    /// The session's own file.
    pub original: PathBuf,
}

/// Whether `path` is named as the writer names the file of session `id`
/// (`STAMP-ID.jsonl`, or `ID.jsonl`).
pub fn named_for(path: &Path, id: &str) -> bool {
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
        return false;
    };
    stem == id || stem.split_once('-').is_some_and(|(_, rest)| rest == id)
}

/// `sessions` without the copies, and the copies.
pub fn set_apart(sessions: Vec<SessionSummary>) -> (Vec<SessionSummary>, Vec<Copy>) {
    let mut by_id: HashMap<&str, Vec<&SessionSummary>> = HashMap::new();
    for s in &sessions {
        by_id.entry(s.id.as_str()).or_default().push(s);
    }
    // The one file named for its id, of each id held by several files.
    let owners: HashMap<String, PathBuf> = by_id
        .into_iter()
        .filter(|(_, files)| files.len() > 1)
        .filter_map(|(id, files)| {
            let mut named = files.iter().filter(|s| named_for(&s.path, id));
            match (named.next(), named.next()) {
                (Some(only), None) => Some((id.to_string(), only.path.clone())),
                _ => None,
            }
        })
        .collect();
    let mut copies = Vec::new();
    let kept = sessions
        .into_iter()
        .filter(|s| match owners.get(&s.id) {
            Some(original) if *original != s.path => {
                copies.push(Copy {
                    path: s.path.clone(),
                    id: s.id.clone(),
                    original: original.clone(),
                });
                false
            }
            _ => true,
        })
        .collect();
    copies.sort_by(|a, b| a.path.cmp(&b.path));
    (kept, copies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, file: &str) -> SessionSummary {
        SessionSummary {
            id: id.into(),
            created: String::new(),
            cwd: String::new(),
            first_prompt: String::new(),
            turns: 1,
            turns_partial: false,
            path: PathBuf::from(file),
            parent: None,
            modified: None,
        }
    }

    #[test]
    fn the_file_named_for_the_id_is_the_session_and_the_others_are_copies() {
        let (kept, copies) = set_apart(vec![
            summary("a-1", "/s/T1-a-1.jsonl"),
            summary("a-1", "/s/T1-a-1.backup.jsonl"),
            summary("a-1", "/s/T2-b-2.jsonl"),
            summary("c-3", "/s/T3-c-3.jsonl"),
        ]);
        let kept: Vec<_> = kept.iter().map(|s| s.path.display().to_string()).collect();
        assert_eq!(kept, ["/s/T1-a-1.jsonl", "/s/T3-c-3.jsonl"]);
        assert_eq!(copies.len(), 2);
        assert!(
            copies
                .iter()
                .all(|c| c.original == Path::new("/s/T1-a-1.jsonl"))
        );
    }

    #[test]
    fn without_one_file_named_for_the_id_every_file_stays() {
        let (kept, copies) = set_apart(vec![
            summary("a-1", "/s/x.jsonl"),
            summary("a-1", "/s/y.jsonl"),
        ]);
        assert_eq!(kept.len(), 2);
        assert!(copies.is_empty());
        let (kept, _) = set_apart(vec![
            summary("a-1", "/s/T1-a-1.jsonl"),
            summary("a-1", "/s/T2-a-1.jsonl"),
        ]);
        assert_eq!(kept.len(), 2);
    }
}
