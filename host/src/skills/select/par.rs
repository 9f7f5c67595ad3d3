//! A parallel map over a slice with scoped std threads (one chunk per
//! core), for tokenizing and stating thousands of skills.

/// Below this many items the work runs on the calling thread.
const SEQUENTIAL_BELOW: usize = 256;

/// `items.iter().map(f).collect()`, spread over the available cores.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads <= 1 || items.len() < SEQUENTIAL_BELOW {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (h, part) in handles.into_iter().zip(items.chunks(chunk)) {
            match h.join() {
                Ok(v) => out.extend(v),
                // A panicking worker: redo its part here so the caller
                // still gets one result per item (and sees the panic).
                Err(_) => out.extend(part.iter().map(f)),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::par_map;

    #[test]
    fn keeps_order_and_length() {
        let items: Vec<u32> = (0..10_000).collect();
        let out = par_map(&items, |x| x * 2);
        assert_eq!(out.len(), items.len());
        assert!(out.iter().enumerate().all(|(i, &v)| v == 2 * i as u32));
        assert!(par_map(&[] as &[u32], |x| *x).is_empty());
    }
}
