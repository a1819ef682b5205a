//! The ordered flow every batch runs on: jobs handed to a pool of worker
//! threads, their results (and the steps that need no worker) taken back in
//! the order they were handed on, within a window that bounds what is
//! between the two, so that memory stays flat whatever the input.
//!
//! A [`Feed`] hands items on; a [`Take`] takes them back in order. They may
//! live on two threads (the command line's reader and writer) or on one
//! (the Python package's streaming calls, which hand on what the window
//! admits and then take the next result).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::error::{Error, Result};

/// How often a waiting thread looks at the stop signals.
const POLL: Duration = Duration::from_millis(100);

/// Stop signals shared by the threads of a run.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    /// Set from outside to cancel the run (by a signal handler, or a
    /// caller's Ctrl-C): every thread stops at its next look.
    pub(crate) cancel: Arc<AtomicBool>,
    /// Set when the taker gives up: the feeder stops.
    pub(crate) stop: AtomicBool,
}

impl Flags {
    /// Flags that stop when `cancel` is set.
    pub(crate) fn new(cancel: Arc<AtomicBool>) -> Flags {
        Flags {
            cancel,
            stop: AtomicBool::new(false),
        }
    }

    /// Whether the run is cancelled.
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Whether the run stops, cancelled or given up.
    pub(crate) fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.cancelled()
    }
}

/// Bounds the items, and the bytes, between handing on and taking back.
#[derive(Debug)]
pub(crate) struct Window {
    state: Mutex<(usize, usize)>,
    freed: Condvar,
    max_items: usize,
    max_bytes: usize,
}

impl Window {
    pub(crate) fn new(max_items: usize, max_bytes: usize) -> Window {
        Window {
            state: Mutex::new((0, 0)),
            freed: Condvar::new(),
            max_items,
            max_bytes,
        }
    }

    /// Whether an item of `bytes` would be admitted at once: always into an
    /// empty window (a single larger item still goes through, alone).
    fn admits(&self, (items, held): (usize, usize), bytes: usize) -> bool {
        items == 0 || (items < self.max_items && held + bytes <= self.max_bytes)
    }

    /// Whether an item of `bytes` would be admitted now, without waiting.
    pub(crate) fn has_room(&self, bytes: usize) -> bool {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.admits(*s, bytes)
    }

    /// Waits for room for an item of `bytes`; false when the run stops.
    pub(crate) fn acquire(&self, bytes: usize, flags: &Flags) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !self.admits(*s, bytes) {
            if flags.stopped() {
                return false;
            }
            s = self
                .freed
                .wait_timeout(s, POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if flags.stopped() {
            return false;
        }
        s.0 += 1;
        s.1 += bytes;
        true
    }

    pub(crate) fn release(&self, bytes: usize) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 -= 1;
        s.1 -= bytes;
        self.freed.notify_all();
    }
}

/// An item on its way: its place in the order, what it counts against the
/// window, and the item.
type Sent<T> = (u64, usize, T);

/// Hands items on: to a worker (a job whose result is taken back) or
/// straight to the taker.
pub(crate) struct Feed<T> {
    pool: Arc<rayon::ThreadPool>,
    tx: Sender<Sent<T>>,
    window: Arc<Window>,
    flags: Arc<Flags>,
    seq: u64,
}

/// Takes items back in the order they were handed on.
pub(crate) struct Take<T> {
    rx: Receiver<Sent<T>>,
    pending: BTreeMap<u64, (usize, T)>,
    next: u64,
    window: Arc<Window>,
    flags: Arc<Flags>,
    /// What the item taken last counts against the window: released when
    /// the next is asked for, once the last is dealt with.
    taken: Option<usize>,
    /// How long to sleep, once caught up, before waiting to be woken (see
    /// [`Take::linger`]); whether it has slept so since the last item.
    linger: Option<Duration>,
    lingered: bool,
}

/// A feed and its take, on `pool`, within `window`.
pub(crate) fn flow<T: Send + 'static>(
    pool: Arc<rayon::ThreadPool>,
    window: Window,
    flags: Arc<Flags>,
) -> (Feed<T>, Take<T>) {
    let (tx, rx) = mpsc::channel();
    let window = Arc::new(window);
    let feed = Feed {
        pool,
        tx,
        window: window.clone(),
        flags: flags.clone(),
        seq: 0,
    };
    let take = Take {
        rx,
        pending: BTreeMap::new(),
        next: 0,
        window,
        flags,
        taken: None,
        linger: None,
        lingered: false,
    };
    (feed, take)
}

impl<T: Send + 'static> Feed<T> {
    /// Runs `job` on a worker, counting `cost` against the window (waiting
    /// for room); false when the run stops.
    pub(crate) fn work(&mut self, cost: usize, job: impl FnOnce() -> T + Send + 'static) -> bool {
        let Some(seq) = self.admit(cost) else {
            return false;
        };
        let tx = self.tx.clone();
        self.pool.spawn(move || {
            let _ = tx.send((seq, cost, job()));
        });
        true
    }

    /// Hands `item` to the taker as it is, in its place in the order;
    /// false when the run stops.
    pub(crate) fn pass(&mut self, cost: usize, item: T) -> bool {
        let Some(seq) = self.admit(cost) else {
            return false;
        };
        let _ = self.tx.send((seq, cost, item));
        true
    }

    /// Whether an item of `cost` would be handed on without waiting.
    pub(crate) fn has_room(&self, cost: usize) -> bool {
        self.window.has_room(cost)
    }

    /// The pool the jobs run on.
    pub(crate) fn pool(&self) -> &rayon::ThreadPool {
        &self.pool
    }

    /// The run's stop signals.
    pub(crate) fn flags(&self) -> &Arc<Flags> {
        &self.flags
    }

    fn admit(&mut self, cost: usize) -> Option<u64> {
        if !self.window.acquire(cost, &self.flags) {
            return None;
        }
        let seq = self.seq;
        self.seq += 1;
        Some(seq)
    }
}

impl<T> Take<T> {
    /// Once caught up, sleeps `linger` before waiting to be woken by the
    /// next item, and takes the items that came meanwhile without a wake
    /// each: every item sent to a taker asleep in the channel costs the
    /// sender (a worker, the reader) a system call and this thread a
    /// switch, several for each document of a batch, which the workers'
    /// cores pay for. For a taker on a thread of its own whose items need
    /// not come back at once (the command line's writer); its output is
    /// delayed by at most `linger`.
    pub(crate) fn linger(&mut self, linger: Duration) {
        self.linger = Some(linger);
    }

    /// Releases what the item taken last counts against the window now,
    /// rather than when the next is asked for.
    pub(crate) fn release(&mut self) {
        if let Some(cost) = self.taken.take() {
            self.window.release(cost);
        }
    }

    /// The next item in order, waiting for it; `None` once every feed is
    /// dropped and everything taken. Before it waits with nothing held out
    /// of order, `idle` is called (a writer flushes what it wrote, so that a
    /// stream's reader sees what is done). A cancelled run is an error.
    pub(crate) fn next(&mut self, mut idle: impl FnMut() -> Result<()>) -> Result<Option<T>> {
        self.release();
        loop {
            if self.flags.cancelled() {
                return Err(Error::Interrupted);
            }
            if let Some((cost, item)) = self.pending.remove(&self.next) {
                self.next += 1;
                self.taken = Some(cost);
                self.lingered = false;
                return Ok(Some(item));
            }
            let got = match self.rx.try_recv() {
                Ok(got) => got,
                Err(TryRecvError::Disconnected) => return Ok(None),
                Err(TryRecvError::Empty) => {
                    if self.pending.is_empty() {
                        idle()?;
                    }
                    if let Some(linger) = self.linger.filter(|_| !self.lingered) {
                        self.lingered = true;
                        std::thread::sleep(linger);
                        continue;
                    }
                    match self.rx.recv_timeout(POLL) {
                        Ok(got) => got,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => return Ok(None),
                    }
                }
            };
            let (seq, cost, item) = got;
            self.pending.insert(seq, (cost, item));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads);
        Arc::new(pool.build().unwrap())
    }

    #[test]
    fn window_admits_one_oversized_item_alone() {
        let w = Window::new(2, 10);
        let flags = Flags::default();
        assert!(w.has_room(100));
        assert!(w.acquire(100, &flags));
        assert!(!w.has_room(1));
        flags.stop.store(true, Ordering::Relaxed);
        assert!(!w.acquire(1, &flags));
        w.release(100);
        assert!(w.has_room(1));
    }

    #[test]
    fn items_come_back_in_the_order_handed_on_whatever_the_workers_do() {
        let pool = pool(3);
        let flags = Arc::new(Flags::default());
        let (mut feed, mut take) = flow::<u64>(pool, Window::new(8, 1 << 20), flags);
        let feeder = std::thread::spawn(move || {
            for i in 0..500u64 {
                let going = if i % 3 == 0 {
                    feed.pass(1, i)
                } else {
                    feed.work(1, move || {
                        if i % 7 == 0 {
                            std::thread::sleep(Duration::from_micros(200));
                        }
                        i
                    })
                };
                assert!(going);
            }
        });
        let mut got = Vec::new();
        while let Some(i) = take.next(|| Ok(())).unwrap() {
            got.push(i);
        }
        feeder.join().unwrap();
        assert_eq!(got, (0..500).collect::<Vec<_>>());
    }

    #[test]
    fn a_lingering_taker_takes_every_item_in_order() {
        let pool = pool(2);
        let flags = Arc::new(Flags::default());
        let (mut feed, mut take) = flow::<u64>(pool, Window::new(4, 1 << 20), flags);
        take.linger(Duration::from_micros(300));
        let feeder = std::thread::spawn(move || {
            for i in 0..200u64 {
                // Now and then nothing comes for longer than the taker sleeps.
                if i % 50 == 0 {
                    std::thread::sleep(Duration::from_millis(2));
                }
                assert!(feed.work(1, move || i));
            }
        });
        let (mut got, mut idle) = (Vec::new(), 0);
        while let Some(i) = take
            .next(|| {
                idle += 1;
                Ok(())
            })
            .unwrap()
        {
            got.push(i);
        }
        feeder.join().unwrap();
        assert_eq!(got, (0..200).collect::<Vec<_>>());
        assert!(idle > 0);
    }

    #[test]
    fn a_cancelled_run_stops_the_taker_and_the_feeder() {
        let pool = pool(1);
        let cancel = Arc::new(AtomicBool::new(false));
        let flags = Arc::new(Flags::new(cancel.clone()));
        let (mut feed, mut take) = flow::<u8>(pool, Window::new(1, 10), flags);
        assert!(feed.pass(1, 1));
        cancel.store(true, Ordering::Relaxed);
        assert!(!feed.pass(1, 2));
        assert!(matches!(take.next(|| Ok(())), Err(Error::Interrupted)));
    }
}
