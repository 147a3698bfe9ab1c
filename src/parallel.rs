//! Work shared out among cores. The stages whose cost grows with the number of flows (reading
//! and parsing the files, validating flows, propagating provenance, judging edges, rendering
//! JSON findings) split their input into runs and take the results back in input order, so no
//! output depends on the number of threads.

use std::ops::Range;

/// Threads to use: `PIFLOW_THREADS` when it is a positive number, else one per core, at most
/// eight (beyond that, merging costs more than it saves). Read once: the pool is built once.
pub fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        threads_from(std::env::var("PIFLOW_THREADS").ok().as_deref())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8))
    })
}

/// The thread count `PIFLOW_THREADS=value` asks for: a whole number from 1 to 256.
pub fn threads_from(value: Option<&str>) -> Option<usize> {
    value?.trim().parse::<usize>().ok().filter(|n| (1..=256).contains(n))
}

/// `0..len` cut into at most [`threads`] contiguous runs of nearly equal length (one run when
/// `len` is small, none when it is 0).
pub fn runs(len: usize) -> Vec<Range<usize>> {
    runs_of(len, 1)
}

/// [`runs`], with `per_thread` runs for each thread: finer pieces, for work that shares the
/// pool with other work.
pub fn runs_of(len: usize, per_thread: usize) -> Vec<Range<usize>> {
    let per = len.div_ceil(threads() * per_thread.max(1)).max(1);
    (0..len).step_by(per).map(|start| start..(start + per).min(len)).collect()
}

/// The pool every parallel stage runs on, [`threads`] wide. One pool for the whole run, so
/// per-thread caches (interned names) stay warm from one stage to the next, and a stage that
/// runs inside another (a file's chunks inside the files) shares the same threads instead of
/// multiplying them. `None` when no thread could be started: the work is then done in line.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        // The main thread's stack size: a whole command may run on the pool (see [`install`]).
        rayon::ThreadPoolBuilder::new().num_threads(threads()).stack_size(8 << 20).build().ok()
    })
    .as_ref()
}

/// Run `job` on one of the pool's threads (in line without a pool), waiting for it. A whole
/// command run this way keeps its sequential steps on the threads that do the parallel ones, so
/// the allocator has one thread's heap fewer to spread memory over (`check` at 1M flows: peak
/// 316-324 MiB instead of 336-345) and the name caches one thread fewer to fill.
pub fn install<R: Send>(job: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(job),
        None => job(),
    }
}

/// Run `job` on each input, spread over the pool when there are several; results come back in
/// input order. A panicking job (a bug) is re-raised here, not lost.
pub fn in_parallel<I: Send, O: Send>(inputs: Vec<I>, job: impl Fn(I) -> O + Sync + Send) -> Vec<O> {
    use rayon::prelude::*;
    match pool() {
        Some(pool) if inputs.len() > 1 => pool.install(|| inputs.into_par_iter().map(job).collect()),
        _ => inputs.into_iter().map(job).collect(),
    }
}

/// Move `items` onto the end of `into`, in order, copied on all cores when there are many: a
/// million flows moved into place are over a hundred megabytes of fresh memory to fill.
pub fn append<T: Send>(into: &mut Vec<T>, items: Vec<T>) {
    use rayon::prelude::*;
    match pool() {
        Some(pool) if items.len() >= 1024 => pool.install(|| into.par_extend(items)),
        _ => into.extend(items),
    }
}

/// Sort `items` on all cores. The result is a function of the input alone (the splits do not
/// depend on timing), as with a sequential unstable sort.
pub fn sort_unstable_by<T: Send>(items: &mut [T], compare: impl Fn(&T, &T) -> std::cmp::Ordering + Sync + Send) {
    use rayon::prelude::*;
    match pool() {
        Some(pool) if items.len() >= 4096 => pool.install(|| items.par_sort_unstable_by(compare)),
        _ => items.sort_unstable_by(compare),
    }
}

/// Run `a` and `b` side by side on the pool (in line, one after the other, without one).
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    match pool() {
        Some(pool) => pool.install(|| rayon::join(a, b)),
        None => (a(), b()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_range_once_in_order() {
        for len in [0, 1, 2, 7, 100, 1001] {
            for per_thread in [1, 4] {
                let r = runs_of(len, per_thread);
                assert!(r.len() <= threads() * per_thread);
                assert_eq!(r.iter().flat_map(|r| r.clone()).collect::<Vec<_>>(), (0..len).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn append_keeps_order() {
        let mut into: Vec<String> = vec!["first".into()];
        let items: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        append(&mut into, items.clone());
        append(&mut into, vec!["last".into()]);
        assert_eq!(into.len(), 5002);
        assert_eq!(into[1..5001], items[..]);
        assert_eq!((into[0].as_str(), into[5001].as_str()), ("first", "last"));
    }

    #[test]
    fn sorting_on_all_cores_sorts_and_ties_land_the_same_way_every_time() {
        // Pairs equal in the key (the first) but told apart by the second: the order among
        // them must not depend on thread timing.
        let items: Vec<(u32, u32)> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) % 97, i)).collect();
        let sorted = |mut v: Vec<(u32, u32)>| {
            sort_unstable_by(&mut v, |a, b| a.0.cmp(&b.0));
            v
        };
        let first = sorted(items.clone());
        assert!(first.windows(2).all(|w| w[0].0 <= w[1].0));
        for _ in 0..5 {
            assert_eq!(sorted(items.clone()), first);
        }
    }

    #[test]
    fn a_job_installed_on_the_pool_returns_and_can_share_out_work_itself() {
        let sums = install(|| in_parallel((0..64u64).collect(), |i| i * 2));
        assert_eq!(sums, (0..64u64).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(install(|| install(|| "nested")), "nested");
    }

    #[test]
    fn join_returns_both() {
        assert_eq!(join(|| 1, || "two"), (1, "two"));
    }

    #[test]
    fn results_come_back_in_input_order() {
        assert_eq!(in_parallel((0..20).collect(), |i: u32| i * 2), (0..20).map(|i| i * 2).collect::<Vec<_>>());
    }
}
