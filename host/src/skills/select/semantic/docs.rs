//! The vectors of skill and tool texts: kept in memory, read from the disk
//! cache, and embedded — in the background when many are missing, so that
//! the first message of a session never waits for thousands of texts.
//!
//! A few missing texts (at most one request, [`client::BATCH`]: a skill
//! added mid-session, an edited tool) are embedded on the spot, so the turn
//! that needs them still fuses. More than that start one background job
//! (one thread per [`Docs`], never two at once) that embeds them batch by
//! batch, caching each batch on disk as it comes; until every text asked
//! for is in, the caller gets `None` and selection is lexical, exactly as
//! without semantic scoring. Texts found missing while the job runs are
//! added to its queue. The job's thread holds no runtime of the session
//! and is not joined: the process exits without waiting for it, and the
//! disk cache writes each vector atomically, so an exit mid-batch leaves
//! no partial entry.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use super::Warn;
use super::client::{self, DiskCache, EmbedError};
use super::config::Endpoint;

/// A vector shared between the cache and its users.
pub type Vector = Arc<Vec<f32>>;

/// See the module docs. Also owns the endpoint, its client and the
/// session's "semantic is off" flag, shared with the background job.
pub struct Docs {
    pub(super) endpoint: Endpoint,
    pub(super) http: Option<reqwest::Client>,
    disk: Option<DiskCache>,
    state: Mutex<State>,
    /// Signalled when a background job ends.
    idle: Condvar,
    failed: AtomicBool,
    /// Whether the user was told about a background job (once a session).
    announced: AtomicBool,
    warn: Warn,
}

#[derive(Default)]
struct State {
    memory: HashMap<String, Vector>,
    /// Texts the background job has still to embed: (cache key, text).
    queue: VecDeque<(String, String)>,
    /// Keys queued or being embedded by the job.
    pending: HashSet<String>,
    /// Whether a background job is running.
    running: bool,
}

impl Docs {
    pub fn new(endpoint: Endpoint, disk: Option<DiskCache>, warn: Warn) -> Docs {
        Docs {
            endpoint,
            http: client::http_client(),
            disk,
            state: Mutex::new(State::default()),
            idle: Condvar::new(),
            failed: AtomicBool::new(false),
            announced: AtomicBool::new(false),
            warn,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether semantic scoring is off for the session.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Turns semantic scoring off for the session; the first time, with
    /// one warning. A running job stops after its current batch.
    pub fn give_up(&self, error: &EmbedError) {
        if !self.failed.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = %error, "semantic selection off");
            (self.warn)(format!(
                "semantic selection is off for this session, selection is lexical only: {error}"
            ));
        }
    }

    /// The vector of each of `docs`, in order; `Ok(None)` while some are
    /// being embedded in the background (a job is started or extended for
    /// those missing). An error comes only from embedding on the spot.
    pub fn vectors(self: &Arc<Self>, docs: &[String]) -> Result<Option<Vec<Vector>>, EmbedError> {
        let keys: Vec<String> = docs
            .iter()
            .map(|d| client::key(&self.endpoint.model, d))
            .collect();
        let mut state = self.lock();
        let mut missing: Vec<usize> = Vec::new();
        let mut waiting = false;
        let mut seen = HashSet::new();
        for (i, k) in keys.iter().enumerate() {
            if state.pending.contains(k) {
                waiting = true;
            } else if !self.resident(&mut state, k) && seen.insert(k.as_str()) {
                missing.push(i);
            }
        }
        // Ready, or a few missing and no job to wait for anyway.
        let now =
            !waiting && (missing.is_empty() || (!state.running && missing.len() <= client::BATCH));
        if now {
            if !missing.is_empty() {
                // A few: on the spot (the lock held, so no caller embeds
                // them twice; no job runs to be held up).
                tracing::debug!(texts = missing.len(), "embedding texts");
                let texts: Vec<String> = missing.iter().map(|&i| docs[i].clone()).collect();
                for (&i, v) in missing.iter().zip(self.embed(&texts)?) {
                    self.cache(&mut state, &keys[i], v);
                }
            }
            return Ok(Some(
                keys.iter()
                    .map(|k| state.memory.get(k).cloned().unwrap_or_default())
                    .collect(),
            ));
        }
        for &i in &missing {
            state.pending.insert(keys[i].clone());
            state.queue.push_back((keys[i].clone(), docs[i].clone()));
        }
        if !state.running && !missing.is_empty() {
            state.running = true;
            let queued = state.queue.len();
            drop(state);
            self.start(queued);
        }
        Ok(None)
    }

    /// Embeds every one of `docs` found neither in memory nor on disk, now,
    /// batch by batch (each cached as it comes), telling `progress` (done,
    /// total) before the first batch and after each; returns how many were
    /// embedded. For commands that answer only once the vectors are in
    /// (`quire skills pick`, `eval`); a session uses [`Docs::vectors`].
    pub fn embed_missing(
        &self,
        docs: &[String],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, EmbedError> {
        let mut missing: Vec<(String, String)> = Vec::new();
        {
            let mut state = self.lock();
            let mut seen = HashSet::new();
            for d in docs {
                let k = client::key(&self.endpoint.model, d);
                if !self.resident(&mut state, &k) && seen.insert(k.clone()) {
                    missing.push((k, d.clone()));
                }
            }
        }
        let total = missing.len();
        progress(0, total);
        let mut done = 0;
        for batch in missing.chunks(client::BATCH) {
            let texts: Vec<String> = batch.iter().map(|(_, t)| t.clone()).collect();
            let vectors = self.embed(&texts)?;
            let mut state = self.lock();
            for ((k, _), v) in batch.iter().zip(vectors) {
                self.cache(&mut state, k, v);
            }
            drop(state);
            done += batch.len();
            progress(done, total);
        }
        Ok(total)
    }

    /// Whether `key`'s vector is in memory, after looking on disk.
    fn resident(&self, state: &mut State, key: &str) -> bool {
        if state.memory.contains_key(key) {
            return true;
        }
        match self.disk.as_ref().and_then(|d| d.get(key)) {
            Some(v) => {
                state.memory.insert(key.to_string(), Arc::new(v));
                true
            }
            None => false,
        }
    }

    /// One request embedding `texts` (documents: the longer timeout).
    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        client::embed(
            &self.endpoint,
            self.http.as_ref(),
            texts,
            client::DOCS_TIMEOUT,
        )
    }

    fn cache(&self, state: &mut State, key: &str, vector: Vec<f32>) {
        if let Some(d) = &self.disk {
            d.put(key, &vector);
        }
        state.memory.insert(key.to_string(), Arc::new(vector));
    }

    /// Starts the background job for the `queued` texts (`running` is
    /// set). Without a thread, the job runs here.
    fn start(self: &Arc<Self>, queued: usize) {
        tracing::info!(
            texts = queued,
            "embedding skill and tool texts in the background; selection is lexical until done"
        );
        if !self.announced.swap(true, Ordering::Relaxed) {
            (self.warn)(format!(
                "embedding {queued} skill and tool texts for semantic selection in the background; selection is lexical until they are done"
            ));
        }
        let docs = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("quire-embed".into())
            .spawn(move || docs.run());
        if let Err(e) = spawned {
            tracing::debug!(error = %e, "no embedding thread; embedding here");
            Arc::clone(self).run();
        }
    }

    /// The background job: batch after batch until the queue is empty or
    /// semantic scoring is off.
    fn run(self: Arc<Self>) {
        // Ends the job should the loop panic, so that waiters wake and a
        // later call may start another.
        let _end = JobEnd(&self);
        let started = Instant::now();
        let mut embedded = 0usize;
        loop {
            let batch: Vec<(String, String)> = {
                let mut state = self.lock();
                if self.failed() || state.queue.is_empty() {
                    // Under the lock that callers queue under: nothing
                    // queued from now on is left to a job that ended.
                    end(&mut state);
                    drop(state);
                    self.idle.notify_all();
                    break;
                }
                let n = state.queue.len().min(client::BATCH);
                state.queue.drain(..n).collect()
            };
            let texts: Vec<String> = batch.iter().map(|(_, t)| t.clone()).collect();
            match self.embed(&texts) {
                Ok(vectors) => {
                    let mut state = self.lock();
                    for ((key, _), v) in batch.iter().zip(vectors) {
                        self.cache(&mut state, key, v);
                        state.pending.remove(key);
                    }
                    embedded += batch.len();
                }
                Err(e) => self.give_up(&e),
            }
        }
        tracing::info!(
            texts = embedded,
            seconds = started.elapsed().as_secs_f32(),
            "background embedding done"
        );
    }

    /// Blocks until no background job runs (at once when none does).
    pub fn wait(&self) {
        let mut state = self.lock();
        while state.running {
            state = self.idle.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Marks the job ended: what is still queued (only when semantic
/// scoring went off) is dropped.
fn end(state: &mut State) {
    state.running = false;
    state.queue.clear();
    state.pending.clear();
}

/// Ends the job if its thread panics.
struct JobEnd<'a>(&'a Docs);

impl Drop for JobEnd<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            end(&mut self.0.lock());
            self.0.idle.notify_all();
        }
    }
}
