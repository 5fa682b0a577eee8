//! Long-lived worker threads for the parallel matrix products: each spins briefly after a
//! piece, then parks.
//!
//! A training iteration runs its products a few microseconds apart, and on the course's
//! networks each product is short (on the order of a millisecond), so handing out its pieces
//! must cost far less than that. Starting a thread per product costs a sizeable fraction of a
//! product. A pool that puts its threads to sleep as soon as they are idle (rayon's, tried)
//! pays a wake-up for every product, and a `join` whose other half is not picked up in time
//! runs both halves on the caller, so whole iterations can end up on one core. So the caller
//! hands piece i to worker i directly, and each worker spins after a piece before it parks.
//!
//! The spin adapts to the gaps between the pieces a worker is given: after a wake-up that came
//! soon after it parked (within [`SPIN_MAX`]: the gaps between the products of a training step,
//! 10–200 µs for the mnist network), it next spins twice that long, so a training run soon
//! stops parking at all; after a long sleep (a server between requests) it halves its spin,
//! down to [`SPIN_MIN`]. A parked worker costs nothing, so a process that runs products now and
//! then pays at most a few tens of microseconds of CPU time after each.
//!
//! A piece that its worker has not started by the time the caller is done with its own (the
//! worker is still waking, or a busy machine has descheduled it) is taken back and run by the
//! caller, so a product never waits for a thread that is not running: on a loaded machine it
//! runs at one core's speed instead of stalling for the scheduler's time slices.
//!
//! [`awake_workers`] tells the callers how many workers would start a piece at once: a product
//! that gains only microseconds from a split (a matrix-vector product) uses those alone, and
//! [`wake`]s the others for the next one instead of waiting for them.
//!
//! One caller at a time uses the pool: a second thread calling in while it is busy runs its
//! pieces itself, one after the other (the results are the same, since no product depends on
//! how it is split).

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, TryLockError};
use std::thread::Thread;
use std::time::{Duration, Instant};

use super::threads::MAX_PARTS;

/// The longest an idle worker spins before it parks, and the longest idle stretch it tries to
/// bridge by spinning.
const SPIN_MAX: Duration = Duration::from_millis(1);
/// The shortest an idle worker spins before it parks.
const SPIN_MIN: Duration = Duration::from_micros(20);
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

/// The number of workers that are not parked (spinning, or running a piece).
static AWAKE: AtomicUsize = AtomicUsize::new(0);

/// How many of the pool's workers are awake: they would start a piece posted now within
/// nanoseconds, where a parked one takes tens of microseconds (or, on a busy machine,
/// milliseconds) to be scheduled again.
pub(crate) fn awake_workers() -> usize {
    AWAKE.load(Ordering::Relaxed)
}

thread_local! {
    /// Whether this thread runs its pieces itself (see [`without_workers`]).
    static WITHOUT_WORKERS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every [`run`] of this thread putting its pieces on this thread alone: for a
/// thread that works beside the training step (the one reading batches ahead), which must not
/// take the workers from the step's products.
pub(crate) fn without_workers<R>(f: impl FnOnce() -> R) -> R {
    let before = WITHOUT_WORKERS.with(|flag| flag.replace(true));
    let result = f();
    WITHOUT_WORKERS.with(|flag| flag.set(before));
    result
}

/// Runs `piece(i)` for every i < `count` at the same time: piece 0 on the calling thread, the
/// others on workers. Returns when all are done; a panic in any piece is raised again here.
pub(crate) fn run(count: usize, piece: &(dyn Fn(usize) + Sync)) {
    if WITHOUT_WORKERS.with(std::cell::Cell::get) {
        return (0..count).for_each(piece);
    }
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
    // SAFETY: only the lifetime is extended. A worker only runs a piece it took out of its
    // slot (under the slot's lock) and uses the reference before it raises `done`; this
    // function takes back every piece no worker took, and waits for `done` of every other
    // slot it posted to (below, also when the caller's own piece panics) before its borrow of
    // `piece` ends.
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
    let mut outcome = catch_unwind(AssertUnwindSafe(|| piece(0)));
    let mut worker_panicked = false;
    for slot in slots {
        // A piece its worker has not started by now (the worker is still waking, or a busy
        // machine has descheduled it) runs here instead of being waited for: the worker then
        // finds its slot empty and only counts the post as done.
        if let Some((_, i)) = lock(&slot.piece).take() {
            if outcome.is_ok() {
                outcome = catch_unwind(AssertUnwindSafe(|| piece(i)));
            }
            continue;
        }
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
            if spins < 1 << 10 {
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
    if let Err(payload) = outcome {
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
    // Counted from now: the new worker starts by spinning.
    AWAKE.fetch_add(1, Ordering::Relaxed);
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
    let mut spin = SPIN_MAX / 4;
    loop {
        let mut idle_since = Instant::now();
        let mut spins = 0u32;
        while slot.posted.load(Ordering::SeqCst) == finished {
            if idle_since.elapsed() < spin {
                // Now and then give the core away: on a machine with more runnable threads
                // than cores, a spinning worker would otherwise take time slices from the
                // caller it waits for (sched_yield returns at once when nothing else waits).
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(64) {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
                continue;
            }
            slot.sleeping.store(true, Ordering::SeqCst);
            AWAKE.fetch_sub(1, Ordering::Relaxed);
            if slot.posted.load(Ordering::SeqCst) == finished {
                std::thread::park();
            }
            AWAKE.fetch_add(1, Ordering::Relaxed);
            slot.sleeping.store(false, Ordering::SeqCst);
            spin = next_spin(spin, idle_since.elapsed());
            idle_since = Instant::now();
        }
        let piece = lock(&slot.piece).take();
        let result = piece.map(|(piece, i)| catch_unwind(AssertUnwindSafe(|| piece(i))));
        finished += 1;
        if matches!(result, Some(Err(_))) {
            AWAKE.fetch_sub(1, Ordering::Relaxed);
            slot.done.store(PANICKED, Ordering::Release);
            return;
        }
        slot.done.store(finished, Ordering::Release);
    }
}

/// The spin of a worker that spun for `spin`, parked, and was woken `idle` after it last
/// became idle: twice that stretch when spinning that long would have bridged it, else half
/// the spin (within [`SPIN_MIN`]..=[`SPIN_MAX`]).
fn next_spin(spin: Duration, idle: Duration) -> Duration {
    if idle < SPIN_MAX {
        idle.saturating_mul(2).clamp(SPIN_MIN, SPIN_MAX)
    } else {
        (spin / 2).max(SPIN_MIN)
    }
}

/// Makes sure the pool has `workers` workers and wakes the parked ones, without work: they
/// spin for a while, ready for the next product. Does nothing while another thread's product
/// holds the pool.
pub(crate) fn wake(workers: usize) {
    let mut pool = match POOL.try_lock() {
        Ok(pool) => pool,
        Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(TryLockError::WouldBlock) => return,
    };
    let workers = workers.min(MAX_PARTS - 1);
    while pool.slots.len() < workers {
        pool.slots.push(spawn_worker());
    }
    for slot in &pool.slots[..workers] {
        if slot.sleeping.load(Ordering::SeqCst)
            && let Some(thread) = slot.thread.get()
        {
            thread.unpark();
        }
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

    /// A thread that reads ahead of training runs its pieces itself, every one of them, and
    /// so does nothing else on it once the flag is set; other threads still use the workers.
    #[test]
    fn a_thread_without_workers_runs_every_piece_itself() {
        std::thread::spawn(|| {
            let ran_on = Mutex::new(Vec::new());
            without_workers(|| {
                run(3, &|i| lock(&ran_on).push((i, std::thread::current().id())));
                let me = std::thread::current().id();
                let ran = lock(&ran_on);
                assert_eq!(ran.len(), 3);
                assert!(ran.iter().all(|&(_, id)| id == me), "a piece ran on a worker");
            });
            // Only for the time of the call.
            let after = Mutex::new(Vec::new());
            run(2, &|i| lock(&after).push(i));
            assert_eq!(lock(&after).len(), 2);
            assert!(!WITHOUT_WORKERS.with(std::cell::Cell::get));
        })
        .join()
        .expect("the reading thread's checks pass");
        let pieces = Mutex::new(Vec::new());
        run(2, &|i| lock(&pieces).push(i));
        assert_eq!(lock(&pieces).len(), 2);
    }

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
    fn the_spin_bridges_short_stretches_and_shrinks_after_long_sleeps() {
        let us = Duration::from_micros;
        // A training step's gap of 150 µs: spin 300 µs next time.
        assert_eq!(next_spin(SPIN_MIN, us(150)), us(300));
        assert_eq!(next_spin(SPIN_MIN, us(1)), SPIN_MIN);
        assert_eq!(next_spin(SPIN_MIN, SPIN_MAX - us(1)), SPIN_MAX);
        // A server's request every 5 ms: halve, down to the minimum.
        assert_eq!(next_spin(us(400), us(5000)), us(200));
        assert_eq!(next_spin(SPIN_MIN, us(5000)), SPIN_MIN);
    }

    /// After a sleep the workers are parked, so the caller often takes their pieces back
    /// before they wake: each piece must still run exactly once.
    #[test]
    fn parked_and_woken_workers_still_run_every_piece() {
        let ran = AtomicUsize::new(0);
        for round in 0..3 {
            wake(2);
            run(3, &|_| {
                ran.fetch_add(1, Ordering::Relaxed);
            });
            // Long enough for the workers to park.
            std::thread::sleep(SPIN_MAX * (2 + round));
            run(3, &|_| {
                ran.fetch_add(1, Ordering::Relaxed);
            });
        }
        assert_eq!(ran.load(Ordering::Relaxed), 18);
        assert!(awake_workers() <= MAX_PARTS);
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
