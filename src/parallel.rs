//! Work shared out among cores. The few stages whose cost grows with the number of flows
//! (reading the files, propagating provenance, judging edges) split their input into runs, one
//! per core, and take the results back in input order, so no output depends on the number of
//! threads.

use std::ops::Range;

/// Threads to use: one per core, at most eight (beyond that, merging costs more than it saves).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8)
}

/// `0..len` cut into at most [`threads`] contiguous runs of nearly equal length (one run when
/// `len` is small, none when it is 0).
pub fn runs(len: usize) -> Vec<Range<usize>> {
    let per = len.div_ceil(threads()).max(1);
    (0..len).step_by(per).map(|start| start..(start + per).min(len)).collect()
}

/// Run `job` on each input, each on its own thread when there are several; results come back
/// in input order.
pub fn in_parallel<I: Send, O: Send>(inputs: Vec<I>, job: impl Fn(I) -> O + Sync) -> Vec<O> {
    if inputs.len() <= 1 {
        return inputs.into_iter().map(job).collect();
    }
    let job = &job;
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs.into_iter().map(|input| scope.spawn(move || job(input))).collect();
        // A worker only panics on a bug: re-raise it rather than lose its share silently.
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_range_once_in_order() {
        for len in [0, 1, 2, 7, 100, 1001] {
            let r = runs(len);
            assert!(r.len() <= threads());
            assert_eq!(r.iter().flat_map(|r| r.clone()).collect::<Vec<_>>(), (0..len).collect::<Vec<_>>());
        }
    }

    #[test]
    fn results_come_back_in_input_order() {
        assert_eq!(in_parallel((0..20).collect(), |i: u32| i * 2), (0..20).map(|i| i * 2).collect::<Vec<_>>());
    }
}
