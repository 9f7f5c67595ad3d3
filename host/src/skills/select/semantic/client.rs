//! The embeddings endpoint (`POST {base_url}/embeddings`, OpenAI-compatible:
//! OpenAI, Ollama, vLLM, llama.cpp) and the on-disk cache of document
//! vectors, keyed by the model and the text's content hash.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::config::Endpoint;

/// Texts sent in one request: small enough that a local model on a CPU
/// answers one batch well within [`DOCS_TIMEOUT`] (all-MiniLM-L6-v2 in
/// numpy on two shared cores: about 6 s for 16 skill texts).
pub const BATCH: usize = 16;
/// How long embedding a message may take before semantic scoring is
/// given up (it holds up the turn).
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long one batch of skill or tool texts may take: done once per
/// text and model (then cached), and slow on a local CPU model.
pub const DOCS_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("embeddings request to {url} failed: {message}")]
    Request { url: String, message: String },
    #[error("embeddings endpoint {url} answered HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("embeddings endpoint {url} answered {message}")]
    Shape { url: String, message: String },
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Datum>,
}

#[derive(Deserialize)]
struct Datum {
    #[serde(default)]
    index: Option<usize>,
    embedding: Vec<f32>,
}

/// An HTTP client to share between [`embed`] calls (building one per
/// request cost more than a local model's answer). It keeps no idle
/// connections: each call runs on a runtime of its own, and a pooled
/// connection would outlive the runtime it was made on.
pub fn http_client() -> Option<reqwest::Client> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| tracing::debug!(error = %e, "no shared embeddings client"))
        .ok()
}

/// Embeds `texts` in one request, one vector per text in order; the
/// request may take `timeout`. `shared`: the client from [`http_client`]
/// (a new one is built without it).
///
/// Blocking: runs the request on a thread of its own with its own runtime,
/// so it may be called from synchronous code inside an async task.
pub fn embed(
    endpoint: &Endpoint,
    shared: Option<&reqwest::Client>,
    texts: &[String],
    timeout: Duration,
) -> Result<Vec<Vec<f32>>, EmbedError> {
    let url = format!("{}/embeddings", endpoint.base_url);
    let fail = |message: String| EmbedError::Request {
        url: crate::config::shown_url::shown_url(&url).into_owned(),
        message: crate::config::shown_url::shown_url(&message).into_owned(),
    };
    let body = serde_json::json!({"model": endpoint.model, "input": texts});
    let result = crate::own_thread::apart(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| fail(e.to_string()))?;
        runtime.block_on(async {
            let client = match shared {
                Some(c) => c.clone(),
                None => reqwest::Client::builder()
                    .build()
                    .map_err(|e| fail(e.to_string()))?,
            };
            let mut req = client.post(&url).timeout(timeout).json(&body);
            if let Some(key) = &endpoint.api_key {
                req = req.bearer_auth(key);
            }
            let resp = req.send().await.map_err(|e| fail(e.to_string()))?;
            let status = resp.status();
            let text = resp.text().await.map_err(|e| fail(e.to_string()))?;
            if !status.is_success() {
                return Err(EmbedError::Status {
                    url: url.clone(),
                    status: status.as_u16(),
                    body: text.chars().take(300).collect(),
                });
            }
            Ok(text)
        })
    })
    .map_err(|e| fail(format!("the request's thread: {e}")))??;
    let shape = |message: String| EmbedError::Shape {
        url: url.clone(),
        message,
    };
    let parsed: Response = serde_json::from_str(&result)
        .map_err(|e| shape(format!("JSON that is not an embeddings response: {e}")))?;
    if parsed.data.len() != texts.len() {
        return Err(shape(format!(
            "{} vectors for {} texts",
            parsed.data.len(),
            texts.len()
        )));
    }
    let mut data: Vec<(usize, Vec<f32>)> = parsed
        .data
        .into_iter()
        .enumerate()
        .map(|(i, d)| (d.index.unwrap_or(i), d.embedding))
        .collect();
    data.sort_by_key(|d| d.0);
    Ok(data.into_iter().map(|d| d.1).collect())
}

/// The cache key of `text` embedded by `model`.
pub fn key(model: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Vectors on disk: one file per key (little-endian `f32`s).
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
    /// Set once this cache swept the temporary files of writes that never
    /// finished (a process killed between write and rename).
    swept: Arc<std::sync::Once>,
}

/// Age after which a temporary vector file is an abandoned write.
const TMP_AGE: Duration = Duration::from_secs(3600);

impl DiskCache {
    /// The cache in `dir` (created on the first write).
    pub fn new(dir: &Path) -> DiskCache {
        DiskCache {
            dir: dir.to_path_buf(),
            swept: Arc::new(std::sync::Once::new()),
        }
    }

    /// Removes temporary files older than [`TMP_AGE`]: done at the first
    /// write of a process, which is when texts get embedded (never on a
    /// session's start, which only reads).
    fn sweep_abandoned(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = std::time::SystemTime::now();
        for e in entries.flatten() {
            let stale = e.file_name().to_string_lossy().contains(".tmp")
                && e.metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| now.duration_since(t).ok())
                    .is_some_and(|age| age > TMP_AGE);
            if stale && let Err(err) = std::fs::remove_file(e.path()) {
                tracing::debug!(file = %e.path().display(), "abandoned vector file kept: {err}");
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<Vec<f32>> {
        let bytes = std::fs::read(self.dir.join(key)).ok()?;
        if bytes.is_empty() || bytes.len() % 4 != 0 {
            return None;
        }
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }

    /// Stores `vector`; a failure only costs a later re-embedding. The
    /// file is written under a name of its own (process and write) and
    /// renamed into place, so a reader, or a process that exits mid-write,
    /// never sees part of a vector.
    pub fn put(&self, key: &str, vector: &[f32]) {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        self.swept.call_once(|| self.sweep_abandoned());
        let bytes: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .dir
            .join(format!("{key}.tmp{}-{n}", std::process::id()));
        let written = std::fs::create_dir_all(&self.dir)
            .and_then(|_| std::fs::write(&tmp, &bytes))
            .and_then(|_| std::fs::rename(&tmp, self.dir.join(key)));
        if let Err(e) = written {
            tracing::debug!(error = %e, "embedding not cached");
        }
    }
}
