//! Semantic scoring with many texts to embed (`quire::skills::select::
//! semantic`, against the test model server's `/v1/embeddings`): they are
//! embedded in the background while selection stays lexical, a few are
//! embedded on the spot, and a background failure turns semantic scoring
//! off with one warning.

use std::sync::{Arc, Mutex};

use quire::skills::select::semantic::{Endpoint, Semantic};

use crate::support::model_server::{ModelServer, Reply};

/// Semantic scoring against `server`, caching in `cache`, with the
/// messages it gives the user.
fn semantic(
    server: &ModelServer,
    cache: Option<&std::path::Path>,
) -> (Semantic, Arc<Mutex<Vec<String>>>) {
    let endpoint = Endpoint {
        base_url: server.base_url_openai(),
        model: "test-embed".into(),
        api_key: None,
    };
    let told = Arc::new(Mutex::new(Vec::new()));
    let to = told.clone();
    let warn = Arc::new(move |w: String| to.lock().unwrap().push(w));
    (Semantic::new(endpoint, cache, warn), told)
}

/// 40 skill texts (more than one request's worth); the last is about PDF
/// forms.
fn docs() -> Vec<String> {
    let mut docs: Vec<String> = (0..39)
        .map(|i| format!("skill-{i}: Counts apples in orchard {i}."))
        .collect();
    docs.push("pdf-forms: Fill in PDF form fields and flatten forms.".into());
    docs
}

fn batch_sizes(server: &ModelServer) -> Vec<usize> {
    server
        .embedding_requests()
        .iter()
        .map(|r| r.body["input"].as_array().map_or(1, Vec::len))
        .collect()
}

#[test]
fn many_missing_texts_leave_the_first_turn_lexical_and_fuse_once_embedded() {
    let server = ModelServer::start();
    server.embed_rule("tax paperwork", &[1.0, 0.0]);
    server.embed_rule("PDF form", &[0.9, 0.2]);
    let cache = tempfile::tempdir().unwrap();
    let (sem, told) = semantic(&server, Some(cache.path()));
    let docs = docs();
    let message = "my tax paperwork needs completing";

    // The first turn does not wait for the 40 texts: lexical.
    assert_eq!(sem.similarities(&docs, message, None), None);
    sem.wait_for_background();
    // The message, then the texts in batches of at most 16.
    assert_eq!(batch_sizes(&server), vec![1, 16, 16, 8]);
    let told = told.lock().unwrap().clone();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("40 skill and tool texts"), "{told:?}");
    assert!(told[0].contains("lexical until"), "{told:?}");

    // The next turn fuses, and embeds nothing new (the message is kept).
    let sims = sem.similarities(&docs, message, None).expect("fused");
    assert_eq!(sims.len(), 40);
    assert!(sims[39] > 0.9 && sims[..39].iter().all(|s| *s <= 0.0));
    assert_eq!(server.embedding_requests().len(), 4);

    // A skill added mid-session (one text): embedded on the spot, the
    // turn that first sees it fuses.
    let mut more = docs.clone();
    more.push("tax-returns: tax paperwork for the year.".into());
    let sims = sem.similarities(&more, message, None).expect("fused");
    assert!(sims[40] > 0.99, "{sims:?}");
    assert_eq!(*batch_sizes(&server).last().unwrap(), 1);

    // A new session reads every vector from the disk cache: its first
    // turn fuses, with only the message embedded.
    let (again, told) = semantic(&server, Some(cache.path()));
    let before = server.embedding_requests().len();
    assert!(again.similarities(&more, message, None).is_some());
    assert_eq!(server.embedding_requests().len(), before + 1);
    assert!(told.lock().unwrap().is_empty());
}

#[test]
fn texts_asked_for_during_or_after_a_job_are_embedded_once_and_told_once() {
    let server = ModelServer::start();
    server.embed_rule("make_dir", &[1.0, 0.0]);
    let (sem, told) = semantic(&server, None);
    let skills = docs();
    let mut tools: Vec<String> = (0..19)
        .map(|i| format!("mcp__fs__tool_{i}: Lists files."))
        .collect();
    tools.push("mcp__fs__make_dir: Create a folder.".into());
    assert_eq!(
        sem.similarities(&skills, "call make_dir for docs", None),
        None
    );
    // The tools' turn, while the skills' job runs (the tools join it) or
    // after it (a job of their own): lexical either way.
    assert_eq!(
        sem.similarities(&tools, "call make_dir for docs", None),
        None
    );
    sem.wait_for_background();
    assert!(
        sem.similarities(&skills, "call make_dir for docs", None)
            .is_some()
    );
    let sims = sem
        .similarities(&tools, "call make_dir for docs", None)
        .expect("fused");
    assert!(sims[19] > 0.99 && sims[..19].iter().all(|s| *s <= 0.0));
    // Every text embedded once (after the message); one notice however
    // many jobs ran.
    let sizes = batch_sizes(&server);
    assert_eq!(sizes[0], 1);
    assert_eq!(sizes[1..].iter().sum::<usize>(), 60, "{sizes:?}");
    assert!(sizes[1..].iter().all(|&n| n <= 16), "{sizes:?}");
    assert_eq!(told.lock().unwrap().len(), 1);
}

#[test]
fn texts_already_in_fuse_while_a_job_embeds_others() {
    let server = ModelServer::start();
    server.embed_rule("make_dir", &[1.0, 0.0]);
    // The skills' batches are never answered: their job runs all along.
    server.embed_batches(2, Reply::Hang);
    let (sem, _told) = semantic(&server, None);
    let tools = vec!["mcp__fs__make_dir: Create a folder.".to_string()];
    let message = "call make_dir for docs";
    assert!(sem.similarities(&tools, message, None).is_some());
    assert_eq!(sem.similarities(&docs(), message, None), None);
    let sims = sem.similarities(&tools, message, None).expect("fused");
    assert!(sims[0] > 0.99, "{sims:?}");
}

#[test]
fn a_background_failure_turns_semantic_off_with_one_warning() {
    let server = ModelServer::start();
    server.embed_rule("PDF form", &[1.0, 0.0]);
    server.embed_batches(2, Reply::status(500));
    let (sem, told) = semantic(&server, None);
    let docs = docs();
    assert_eq!(sem.similarities(&docs, "fill the PDF form", None), None);
    sem.wait_for_background();
    let told = told.lock().unwrap().clone();
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told[0].contains("in the background"), "{told:?}");
    assert!(told[1].contains("lexical only"), "{told:?}");
    assert!(told[1].contains("500"), "{told:?}");
    // The job stopped at the failing batch; later turns stay lexical and
    // ask the endpoint nothing more, even for a text or two.
    assert_eq!(batch_sizes(&server), vec![1, 16]);
    assert_eq!(sem.similarities(&docs, "fill the PDF form", None), None);
    assert_eq!(sem.similarities(&docs[..1], "another message", None), None);
    assert_eq!(server.embedding_requests().len(), 2);
}
