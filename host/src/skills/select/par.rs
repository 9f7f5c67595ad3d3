//! A parallel map over a slice (rayon's pool), for tokenizing and stating
//! thousands of skills.

use rayon::prelude::*;

/// Below this many items the work runs on the calling thread.
const SEQUENTIAL_BELOW: usize = 256;

/// `items.iter().map(f).collect()`, spread over the available cores, in
/// order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < SEQUENTIAL_BELOW {
        return items.iter().map(f).collect();
    }
    items.par_iter().map(f).collect()
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
