//! An ordered parallel map over documents: every core analyses, the results
//! come back in input order.
//!
//! Worker threads are kept from one call to the next (a pool per thread
//! count), so what a thread keeps between documents (its buffers, the ids of
//! the spellings it has met; see the `reuse` module) stays warm across calls:
//! a caller that hands over documents a batch at a time, as a pandas UDF or a
//! datatrove step does, pays for it once.
//!
//! ```
//! let u = unspin::Unspinner::builder().build()?;
//! let texts = ["We took motion final night time.", "A clean sentence."];
//! let fixed = unspin::parallel::map(&texts, 0, |t| u.analyze(t).restore().into_owned());
//! assert_eq!(fixed, ["We took action last night.", "A clean sentence."]);
//! # Ok::<(), unspin::Error>(())
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

/// `f` applied to every item on `threads` worker threads (0: one per core;
/// capped, see [`capped_threads`]), the results in the order of `items`.
///
/// Each item is a task of its own, so a long document does not hold up the
/// short ones queued behind it on other threads. One item, or one thread,
/// runs on the calling thread. A panic in `f` is resumed on the calling
/// thread once the other items are done.
pub fn map<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if items.len() <= 1 || threads == 1 {
        return items.iter().map(f).collect();
    }
    pool(threads).install(|| items.par_iter().with_max_len(1).map(&f).collect())
}

/// Worker threads per core, at most: the analysis is CPU-bound, and each
/// thread keeps its own buffers, so more only cost memory and start-up.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The number of worker threads `threads` stands for on this machine: one
/// per core for 0, else itself, capped as [`capped_threads`] caps it.
pub fn thread_count(threads: usize) -> usize {
    capped_threads(threads, cores())
}

/// The cores of this machine (1 when it cannot be told).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The worker threads for `requested` threads on `cores` cores: 0 is one
/// per core, and more than [`MAX_THREADS_PER_CORE`] per core are capped
/// (a caller asking for 100,000 gets a few, not 100,000 OS threads).
///
/// ```
/// use unspin::parallel::capped_threads;
/// assert_eq!(capped_threads(0, 2), 2);
/// assert_eq!(capped_threads(100_000, 2), 8);
/// ```
pub fn capped_threads(requested: usize, cores: usize) -> usize {
    match requested {
        0 => cores.max(1),
        n => n.min(MAX_THREADS_PER_CORE * cores.max(1)),
    }
}

/// The pool of `threads` workers (0: one per core), made on first use and
/// kept for the life of the process.
fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let n = thread_count(threads);
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    pools
        .entry(n)
        .or_insert_with(|| {
            Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("unspin-parallel-{i}"))
                    .build()
                    .expect("a thread pool can be started"),
            )
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [0, 1, 2, 3, 8] {
            let out = map(&items, threads, |&i| {
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(50));
                }
                i * 2
            });
            assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn empty_and_single_inputs_need_no_pool() {
        let none: [u8; 0] = [];
        assert!(map(&none, 4, |&b| b).is_empty());
        assert_eq!(map(&[5u8], 4, |&b| b + 1), [6]);
    }

    #[test]
    fn zero_threads_means_one_per_core() {
        assert!(thread_count(0) >= 1);
        assert_eq!(thread_count(0), cores());
        assert_eq!(thread_count(3), 3.min(MAX_THREADS_PER_CORE * cores()));
    }

    #[test]
    fn threads_are_capped_at_four_per_core() {
        assert_eq!(capped_threads(3, 2), 3);
        assert_eq!(capped_threads(100_000, 2), 8);
        assert_eq!(capped_threads(5, 0), 4);
        assert_eq!(thread_count(100_000), MAX_THREADS_PER_CORE * cores());
    }
}
