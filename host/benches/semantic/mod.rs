//! The semantic part of the `skills_select` and `tool_select` benches: a
//! real embedding model behind an OpenAI-compatible `/v1/embeddings`, and
//! quire's [`Semantic`] pointed at it.
//!
//! The endpoint is `QUIRE_BENCH_EMBEDDINGS_URL` (a base URL such as
//! `http://127.0.0.1:8089/v1`, model `QUIRE_BENCH_EMBEDDINGS_MODEL`,
//! default `all-MiniLM-L6-v2`) when set; otherwise, when
//! `scripts/embed-setup` has made `target/embed-venv`, the bench starts
//! `scripts/embed-server.py` on a free port of 127.0.0.1 for its run and
//! stops it at the end. Neither: the part is skipped.
//! `QUIRE_BENCH_EMBEDDINGS_CACHE` keeps the vectors between runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use quire::skills::select::semantic::{Endpoint, Semantic};

/// The model named in requests when the bench starts the server.
pub const LOCAL_MODEL: &str = "all-MiniLM-L6-v2";

/// An embeddings endpoint for the run (the server process, if the bench
/// started it, is stopped when this is dropped).
pub struct Server {
    pub url: String,
    pub model: String,
    child: Option<Child>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The endpoint to measure with, or `None` (with the reason printed).
pub fn server() -> Option<Server> {
    if let Ok(url) = std::env::var("QUIRE_BENCH_EMBEDDINGS_URL")
        && !url.is_empty()
    {
        let model = std::env::var("QUIRE_BENCH_EMBEDDINGS_MODEL")
            .ok()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| LOCAL_MODEL.to_string());
        return Some(Server {
            url: url.trim_end_matches('/').to_string(),
            model,
            child: None,
        });
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let python = target.join("embed-venv/bin/python");
    if !python.is_file() {
        println!(
            "\nsemantic part skipped: no embeddings endpoint (set QUIRE_BENCH_EMBEDDINGS_URL, or run scripts/embed-setup to make {})",
            python.display()
        );
        return None;
    }
    let mut child = match Command::new(&python)
        .arg(root.join("scripts/embed-server.py"))
        .args(["--port", "0", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            println!(
                "\nsemantic part skipped: could not start {}: {e}",
                python.display()
            );
            return None;
        }
    };
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let Some(url) = line.trim().strip_prefix("listening on ") else {
        let _ = child.kill();
        let _ = child.wait();
        println!("\nsemantic part skipped: scripts/embed-server.py did not start ({line:?})");
        return None;
    };
    Some(Server {
        url: url.to_string(),
        model: LOCAL_MODEL.to_string(),
        child: Some(child),
    })
}

/// Where vectors are cached: `QUIRE_BENCH_EMBEDDINGS_CACHE` when set (kept
/// between runs, so only the first run's figure is a cold one), else a
/// folder in `tmp`.
pub fn cache_dir(tmp: &Path) -> PathBuf {
    match std::env::var_os("QUIRE_BENCH_EMBEDDINGS_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => tmp.join("embeddings"),
    }
}

/// quire's semantic scoring against `server`, caching vectors in `cache`.
pub fn semantic(server: &Server, cache: &Path) -> Arc<Semantic> {
    let endpoint = Endpoint {
        base_url: server.url.clone(),
        model: server.model.clone(),
        api_key: None,
    };
    Arc::new(Semantic::new(
        endpoint,
        Some(cache),
        Arc::new(|w| eprintln!("semantic: {w}")),
    ))
}

/// `texts` embedded: once cold, then again by a new [`Semantic`] that
/// reads them from the disk cache, as a new session would. The cache
/// lives in `_tmp`, kept as long as the scoring.
pub struct Embedded {
    pub semantic: Arc<Semantic>,
    pub cold: Duration,
    pub from_disk: Duration,
    _tmp: tempfile::TempDir,
}

/// The endpoint ([`server`]) and `texts` embedded against it, or `None`
/// (after saying why) when there is no endpoint or it fails.
pub fn start(texts: &[String]) -> Option<(Server, Embedded)> {
    let server = server()?;
    let tmp = tempfile::tempdir().expect("tempdir");
    let embedded = embed(&server, tmp, texts)?;
    Some((server, embedded))
}

fn embed(server: &Server, tmp: tempfile::TempDir, texts: &[String]) -> Option<Embedded> {
    let cache = cache_dir(tmp.path());
    let t = std::time::Instant::now();
    let cold = semantic(server, &cache);
    // The texts are embedded in the background; the call after the job
    // fuses, or not when the endpoint failed.
    let _ = cold.similarities(texts, "warm up", None);
    cold.wait_for_background();
    if cold.similarities(texts, "warm up", None).is_none() {
        println!("\nsemantic part: the endpoint {} failed", server.url);
        return None;
    }
    let cold_time = t.elapsed();
    let semantic = semantic(server, &cache);
    let t = std::time::Instant::now();
    let _ = semantic.similarities(texts, "warm up", None);
    Some(Embedded {
        semantic,
        cold: cold_time,
        from_disk: t.elapsed(),
        _tmp: tmp,
    })
}

/// The median of `v`.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
