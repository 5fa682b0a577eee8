//! Long-lived worker threads for the parallel matrix products, woken by spinning.
//!
//! A training iteration runs its products a few microseconds apart, and on the course's
//! networks each product is short (on the order of a millisecond), so handing out its pieces
//! must cost far less than that. Starting a thread per product costs a sizeable fraction of a
//! product. A pool that puts its threads to sleep between products (rayon's, tried) pays a
//! wake-up each time, and a `join` whose other half is not picked up in time runs both halves
//! on the caller, so whole iterations can end up on one core. So each worker spins for
//! [`SPIN`] after a piece before sleeping, and the caller hands piece i to worker i directly.
//!
//! One caller at a time uses the pool: a second thread calling in while it is busy runs its
//! pieces itself, one after the other (the results are the same, since no product depends on
//! how it is split).

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, TryLockError};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// How long an idle worker spins before it sleeps.
const SPIN: Duration = Duration::from_millis(2);
/// `Slot::done` of a worker whose piece panicked.
const PANICKED: usize = usize::MAX;

/// The work of one call, borrowed from the caller's stack: `piece(i)` runs piece i. The caller
/// waits until every worker reports its piece done before returning or unwinding, so the borrow
/// outlives every use.
type Piece = &'static (dyn Fn(usize) + Sync);

/// What the caller and one worker share.
struct Slot {
    /// The work and the index of the piece to run next (set before `posted` is raised).
    piece: Mutex<Option<(Piece, usize)>>,
    /// The number of pieces posted so far.
    posted: AtomicUsize,
    /// The number of pieces finished so far, or [`PANICKED`].
    done: AtomicUsize,
    /// Whether the worker is (about to be) parked.
    sleeping: AtomicBool,
    thread: OnceLock<Thread>,
}

/// The pool: one slot per worker, grown on demand.
struct Pool {
    slots: Vec<Arc<Slot>>,
}

static POOL: Mutex<Pool> = Mutex::new(Pool { slots: Vec::new() });

/// Runs `piece(i)` for every i < `count` at the same time: piece 0 on the calling thread, the
/// others on workers. Returns when all are done; a panic in any piece is raised again here.
pub(crate) fn run(count: usize, piece: &(dyn Fn(usize) + Sync)) {
    let mut pool = match POOL.try_lock() {
        Ok(pool) => pool,
        Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(TryLockError::WouldBlock) => {
            // Another thread's product is using the workers: run the pieces here.
            return (0..count).for_each(piece);
        }
    };
    let workers = count.saturating_sub(1);
    while pool.slots.len() < workers {
        pool.slots.push(spawn_worker());
    }
    let slots = &pool.slots[..workers];
    // SAFETY: only the lifetime is extended. A worker uses the reference before it raises
    // `done`, and this function waits for `done` of every slot it posted to (below, also when
    // the caller's own piece panics) before its borrow of `piece` ends.
    let shared: Piece = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), Piece>(piece) };
    for (i, slot) in slots.iter().enumerate() {
        *lock(&slot.piece) = Some((shared, i + 1));
        slot.posted.fetch_add(1, Ordering::SeqCst);
        if slot.sleeping.load(Ordering::SeqCst)
            && let Some(thread) = slot.thread.get()
        {
            thread.unpark();
        }
    }
    let mine = catch_unwind(AssertUnwindSafe(|| piece(0)));
    let mut worker_panicked = false;
    for slot in slots {
        // Only this thread posts, and it holds the pool: `posted` is the number to wait for.
        let target = slot.posted.load(Ordering::SeqCst);
        let mut spins = 0u32;
        loop {
            let done = slot.done.load(Ordering::Acquire);
            if done == target || done == PANICKED {
                worker_panicked |= done == PANICKED;
                break;
            }
            spins = spins.saturating_add(1);
            if spins < 1 << 16 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
    if worker_panicked {
        // A worker whose piece panicked has returned: start afresh next time.
        pool.slots.clear();
    }
    drop(pool);
    if let Err(payload) = mine {
        resume_unwind(payload);
    }
    assert!(!worker_panicked, "a piece of a parallel matrix product panicked");
}

fn spawn_worker() -> Arc<Slot> {
    let slot = Arc::new(Slot {
        piece: Mutex::new(None),
        posted: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        sleeping: AtomicBool::new(false),
        thread: OnceLock::new(),
    });
    let worker_slot = Arc::clone(&slot);
    let handle = std::thread::Builder::new()
        .name("ndnet-linalg".into())
        .spawn(move || work(&worker_slot))
        .expect("the OS starts a thread (as std::thread::spawn assumes)");
    let _ = slot.thread.set(handle.thread().clone());
    slot
}

/// A worker's loop: wait for a piece (spinning, then parked), run it, report.
fn work(slot: &Slot) {
    let mut finished = 0;
    loop {
        let mut idle_since = Instant::now();
        while slot.posted.load(Ordering::SeqCst) == finished {
            if idle_since.elapsed() < SPIN {
                std::hint::spin_loop();
                continue;
            }
            slot.sleeping.store(true, Ordering::SeqCst);
            if slot.posted.load(Ordering::SeqCst) == finished {
                std::thread::park();
            }
            slot.sleeping.store(false, Ordering::SeqCst);
            idle_since = Instant::now();
        }
        let piece = lock(&slot.piece).take();
        let result = piece.map(|(piece, i)| catch_unwind(AssertUnwindSafe(|| piece(i))));
        finished += 1;
        if matches!(result, Some(Err(_))) {
            slot.done.store(PANICKED, Ordering::Release);
            return;
        }
        slot.done.store(finished, Ordering::Release);
    }
}

/// Locks a mutex, ignoring poisoning: the pool reports a panicking piece itself, and no data
/// guarded here is left half-written by one (slots hold no piece while locked; a block of work
/// is re-initialised by the next piece).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[test]
    fn every_piece_runs_once_and_sees_the_callers_data() {
        let data: Vec<usize> = (0..4).collect();
        let counts: Vec<AtomicUsize> = (0..4).map(|_| AtomicUsize::new(0)).collect();
        for _ in 0..100 {
            run(4, &|i| {
                counts[i].fetch_add(data[i] + 1, Ordering::Relaxed);
            });
        }
        let totals: Vec<usize> = counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        assert_eq!(totals, [100, 200, 300, 400]);
    }

    #[test]
    fn a_panicking_piece_is_reported_to_the_caller_and_the_pool_recovers() {
        let caught = catch_unwind(|| run(2, &|i| assert!(i == 0, "piece {i} failed")));
        assert!(caught.is_err());
        let ran = AtomicUsize::new(0);
        run(3, &|_| {
            ran.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(ran.load(Ordering::Relaxed), 3);
    }
}
