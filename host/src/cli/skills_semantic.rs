//! Semantic scoring for `quire skills pick` and `quire skills eval`: with
//! `[selection] embeddings` set they rank as a session does, the lexical
//! ranking fused with meaning. Unlike a session (which stays lexical while
//! texts are embedded in the background) they first embed the skills'
//! texts not yet cached, with progress on stderr: the vectors are kept in
//! `~/.quire/cache/embeddings`, so running `pick` once also prepares the
//! cache for every later session.

use std::io::Write as _;
use std::sync::Arc;

use quire::skills::Skill;
use quire::skills::select::semantic::{self, Semantic, rank};

use super::setup::Setup;

/// The semantic scoring `[selection]` asks for, with every skill text
/// embedded; `None` when it is off or failed (said on stderr: the command
/// goes on lexical).
pub fn ready(setup: &Setup, skills: &[Skill]) -> Option<Semantic> {
    if setup.config.selection.embeddings == semantic::config::EmbeddingsSource::Off {
        return None;
    }
    let endpoint = match setup
        .config
        .resolve_provider()
        .map_err(|e| e.to_string())
        .and_then(|p| setup.config.selection.endpoint(&p))
    {
        Ok(Some(e)) => e,
        Ok(None) => return None,
        Err(e) => {
            eprintln!("warning: {e}; ranking is lexical only");
            return None;
        }
    };
    let warn: semantic::Warn = Arc::new(|m: String| eprintln!("warning: {m}"));
    let dir = setup.home.join("cache").join("embeddings");
    let semantic = Semantic::new(endpoint, Some(&dir), warn);
    let texts: Vec<String> = skills.iter().map(rank::skill_text).collect();
    let mut progress = |done: usize, total: usize| {
        if total == 0 {
            return;
        }
        let mut err = std::io::stderr();
        if done == 0 {
            let _ = writeln!(
                err,
                "embedding {total} skill texts with {} (once: kept in {})",
                semantic.model(),
                dir.display()
            );
        } else {
            let _ = write!(err, "\rembedded {done} of {total} skill texts");
        }
        if done == total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    };
    match semantic.embed_missing(&texts, &mut progress) {
        Ok(_) => Some(semantic),
        Err(e) => {
            eprintln!("\nwarning: embeddings failed, ranking is lexical only: {e}");
            None
        }
    }
}

/// What a ranking line says about how it was made.
pub fn describe(semantic: Option<&Semantic>) -> String {
    match semantic {
        Some(s) => format!("ranking: words and meaning ({}), fused by score", s.model()),
        None => "ranking: words".to_string(),
    }
}
