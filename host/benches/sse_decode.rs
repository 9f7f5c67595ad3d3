//! Benchmark: decoding one large server-sent event (a Chat Completions
//! chunk whose `content` is N bytes) from a body read in 16 KiB chunks, as
//! reqwest hands them over. The old decoder (eventsource-stream) was
//! quadratic in the size of one event; ours is linear.
//!
//! Run: `cargo bench -p quire --profile dev --bench sse_decode` (numbers go
//! into BENCHMARKS.md by hand).
#![allow(clippy::print_stdout, clippy::expect_used)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use quire::model::sse;

const CHUNK: usize = 16 * 1024;
const RUNS: usize = 3;

/// One `data:` event of about `size` bytes, cut into [`CHUNK`]-byte reads.
fn body(size: usize) -> Vec<Vec<u8>> {
    let mut event = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"".to_vec();
    event.resize(event.len() + size, b'x');
    event.extend_from_slice(b"\"},\"finish_reason\":null}]}\n\n");
    event.chunks(CHUNK).map(<[u8]>::to_vec).collect()
}

fn decode_once(chunks: Vec<Vec<u8>>) -> (Duration, usize) {
    let body = futures::stream::iter(chunks.into_iter().map(Ok::<_, String>));
    let start = Instant::now();
    let events: Vec<_> = futures::executor::block_on(sse::decode(body).collect());
    let elapsed = start.elapsed();
    let bytes = events
        .into_iter()
        .map(|e| e.expect("the event decodes").data.len())
        .sum();
    (elapsed, bytes)
}

fn main() {
    println!("| event size | mean ms | min ms |");
    println!("|---|---|---|");
    for mib in [1usize, 8, 15] {
        let size = mib * 1024 * 1024;
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let (t, bytes) = decode_once(body(size));
            assert!(bytes >= size, "decoded {bytes} bytes of {size}");
            times.push(t);
        }
        let mean = times.iter().sum::<Duration>() / RUNS as u32;
        let min = times.iter().min().copied().unwrap_or_default();
        println!(
            "| {mib} MiB | {:.1} | {:.1} |",
            mean.as_secs_f64() * 1000.0,
            min.as_secs_f64() * 1000.0
        );
    }
}
