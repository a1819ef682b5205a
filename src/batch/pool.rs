//! The worker threads, and the ordered parallel maps over documents that
//! callers holding their documents in memory use: every core analyses, the
//! results come back in input order.
//!
//! Worker threads are kept from one call to the next (a pool per thread
//! count), so what a thread keeps between documents (its buffers, the ids of
//! the spellings it has met; see the `reuse` module) stays warm across calls:
//! a caller that hands over documents a batch at a time, as a pandas UDF or a
//! datatrove step does, pays for it once.
//!
//! ```
//! let u = std::sync::Arc::new(unspin::Unspinner::builder().build()?);
//! let texts = ["We took motion final night time.", "A clean sentence."];
//! let fixed = unspin::batch::map(&texts, 0, |t| u.analyze(t).restore().into_owned());
//! assert_eq!(fixed, ["We took action last night.", "A clean sentence."]);
//! // The same, streaming: documents are drawn as the workers need them.
//! let texts = texts.into_iter().map(String::from);
//! let u2 = u.clone();
//! let stream = unspin::batch::stream(texts, 0, move |t| u2.analyze(&t).restore().into_owned());
//! assert_eq!(stream.collect::<Vec<_>>(), fixed);
//! # Ok::<(), unspin::Error>(())
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use super::flow::{flow, Feed, Flags, Take, Window};

/// Worker threads per core, at most: the analysis is CPU-bound, and each
/// thread keeps its own buffers, so more only cost memory and start-up.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads for `requested` threads on `cores` cores: 0 is one
/// per core, and more than [`MAX_THREADS_PER_CORE`] per core are capped
/// (a caller asking for 100,000 gets a few, not 100,000 OS threads).
///
/// ```
/// use unspin::batch::capped_threads;
/// assert_eq!(capped_threads(0, 2), 2);
/// assert_eq!(capped_threads(100_000, 2), 8);
/// ```
pub fn capped_threads(requested: usize, cores: usize) -> usize {
    match requested {
        0 => cores.max(1),
        n => n.min(MAX_THREADS_PER_CORE * cores.max(1)),
    }
}

/// The cores of this machine (1 when it cannot be told).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The number of worker threads `threads` stands for on this machine: one
/// per core for 0, else itself, capped as [`capped_threads`] caps it.
pub fn thread_count(threads: usize) -> usize {
    capped_threads(threads, cores())
}

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

/// The pool of `threads` workers (0: one per core), made on first use and
/// kept for the life of the process.
pub(crate) fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
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
                    .thread_name(|i| format!("unspin-worker-{i}"))
                    .build()
                    .expect("a thread pool can be started"),
            )
        })
        .clone()
}

/// Jobs run on the worker threads, their results taken back in the order
/// the jobs were given, with at most a window of them between the two
/// (see [`Ordered::new`]): a stream of documents goes through in flat
/// memory. Give jobs while [`Ordered::has_room`], then take results with
/// [`Iterator::next`]; or let [`stream`] do both over an iterator.
pub struct Ordered<R> {
    feed: Feed<std::thread::Result<R>>,
    take: Take<std::thread::Result<R>>,
    given: u64,
    taken: u64,
}

/// Jobs in flight per worker thread, at most, in an [`Ordered`].
const AHEAD_PER_THREAD: usize = 4;

/// Bytes in flight in an [`Ordered`], at most (a single larger job still
/// goes through, alone).
const AHEAD_BYTES: usize = 32 << 20;

impl<R: Send + 'static> Ordered<R> {
    /// An empty stream of jobs on `threads` worker threads (0: one per
    /// core), at most four a thread or 32 MiB of input in flight.
    pub fn new(threads: usize) -> Ordered<R> {
        let pool = pool(threads);
        let items = AHEAD_PER_THREAD * pool.current_num_threads();
        let (feed, take) = flow(
            pool,
            Window::new(items, AHEAD_BYTES),
            Arc::new(Flags::default()),
        );
        Ordered {
            feed,
            take,
            given: 0,
            taken: 0,
        }
    }

    /// Whether a job of `bytes` of input can be given without waiting.
    pub fn has_room(&self, bytes: usize) -> bool {
        self.feed.has_room(bytes)
    }

    /// Gives a job of `bytes` of input. A panic in it is resumed by
    /// [`Ordered::next`] when its turn comes. Give it when
    /// [`Ordered::has_room`] or nothing is pending: otherwise it waits for
    /// room, which only a [`Ordered::next`] on another thread makes.
    pub fn push(&mut self, bytes: usize, job: impl FnOnce() -> R + Send + 'static) {
        let job = move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        if self.feed.work(bytes, job) {
            self.given += 1;
        }
    }

    /// Jobs given and not yet taken back.
    pub fn pending(&self) -> usize {
        (self.given - self.taken) as usize
    }
}

/// `f` applied to every item of `items` on `threads` worker threads (0:
/// one per core), the results in order, lazily: items are drawn only as
/// far ahead as the workers need (see [`Ordered`]), so an endless stream
/// goes through in flat memory. A panic in `f` is resumed in its turn.
pub fn stream<T, R, I, F>(items: I, threads: usize, f: F) -> impl Iterator<Item = R>
where
    I: IntoIterator<Item = T>,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let f = Arc::new(f);
    let mut items = items.into_iter().peekable();
    let mut o = Ordered::new(threads);
    std::iter::from_fn(move || {
        while items.peek().is_some() && (o.pending() == 0 || o.has_room(0)) {
            if let Some(item) = items.next() {
                let f = f.clone();
                o.push(0, move || f(item));
            }
        }
        o.next()
    })
}

/// The results in order: [`Iterator::next`] waits for the oldest job not
/// yet taken.
impl<R: Send + 'static> Iterator for Ordered<R> {
    type Item = R;

    /// The result of the oldest job not yet taken, waiting for it; `None`
    /// when no job is pending. Its input no longer counts against the
    /// window once it is taken.
    fn next(&mut self) -> Option<R> {
        if self.pending() == 0 {
            return None;
        }
        // Never cancelled, and the feed is alive: an item comes.
        let got = self.take.next(|| Ok(())).ok().flatten()?;
        self.take.release();
        self.taken += 1;
        Some(got.unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    }
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
            let streamed: Vec<u64> = stream(items.clone(), threads, |i| {
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(50));
                }
                i * 2
            })
            .collect();
            assert_eq!(streamed, out);
        }
    }

    #[test]
    fn a_stream_draws_its_items_only_as_the_window_admits_them() {
        let drawn = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = drawn.clone();
        let items = (0..10_000u32).inspect(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        let mut out = stream(items, 2, |i| i + 1);
        assert_eq!(out.next(), Some(1));
        let ahead = drawn.load(std::sync::atomic::Ordering::Relaxed);
        assert!(ahead <= 2 * AHEAD_PER_THREAD + 1, "{ahead} drawn");
        assert_eq!(out.count(), 9_999);
    }

    #[test]
    #[should_panic(expected = "job 3")]
    fn a_panic_in_a_job_is_resumed_in_its_turn() {
        let mut o = Ordered::new(2);
        for i in 0..5u32 {
            o.push(0, move || {
                assert_ne!(i, 3, "job {i}");
                i
            });
        }
        for _ in o {}
    }

    #[test]
    fn empty_and_single_inputs_need_no_pool() {
        let none: [u8; 0] = [];
        assert!(map(&none, 4, |&b| b).is_empty());
        assert_eq!(map(&[5u8], 4, |&b| b + 1), [6]);
    }

    #[test]
    fn threads_are_one_per_core_by_default_and_capped_at_four_per_core() {
        assert!(thread_count(0) >= 1);
        assert_eq!(thread_count(0), cores());
        assert_eq!(thread_count(3), 3.min(MAX_THREADS_PER_CORE * cores()));
        assert_eq!(thread_count(100_000), MAX_THREADS_PER_CORE * cores());
        assert_eq!(capped_threads(0, 2), 2);
        assert_eq!(capped_threads(3, 2), 3);
        assert_eq!(capped_threads(100_000, 2), 8);
        assert_eq!(capped_threads(5, 0), 4);
    }
}
