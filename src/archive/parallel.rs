//! Work over many documents on every core, results in input order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads to use: the machine's parallelism (at least one).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.map(f)` on up to [`threads`] threads, in order: the calling
/// thread is one of them (glibc's arenas are limited in `main` to one per
/// core and two more: more threads than cores would share an arena and
/// wait on its lock at every allocation). Items are handed out sixteen at
/// a time, so a slow document does not hold up a whole share.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    batched(items, 16, f)
}

/// [`map`] of large items (folders of a corpus, each a hundred documents
/// or more): handed out one at a time. In batches of [`map`]'s size, a
/// hundred folders make seven batches, and a thread could be left alone
/// with up to a whole batch at the end (a sixth of the work).
pub fn map_each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    batched(items, 1, f)
}

/// [`map`] with a state of each thread's own (made by `init`, handed to
/// `f` with every item it takes): buffers used again from one item to the
/// next rather than made for each.
pub fn map_with<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    batched_with(items, 16, init, f)
}

/// `f` on a share of `items` per thread, changing them in place (the
/// calling thread one of them, as in [`map`]).
pub fn each_share_mut<T: Send>(items: &mut [T], f: impl Fn(&mut [T]) + Sync) {
    let share = items.len().div_ceil(threads()).max(1);
    let mut parts = items.chunks_mut(share);
    let own = parts.next();
    std::thread::scope(|scope| {
        for part in parts {
            scope.spawn(|| f(part));
        }
        if let Some(own) = own {
            f(own);
        }
    });
}

fn batched<T: Sync, R: Send>(items: &[T], batch: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    batched_with(items, batch, || (), |(), item| f(item))
}

fn batched_with<T: Sync, S, R: Send>(
    items: &[T],
    batch: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let workers = threads().min(items.len());
    if workers <= 1 {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let share = || {
        let mut state = init();
        let mut done = Vec::new();
        loop {
            let from = next.fetch_add(batch, Ordering::Relaxed);
            if from >= items.len() {
                break;
            }
            let to = (from + batch).min(items.len());
            done.extend((from..to).map(|i| (i, f(&mut state, &items[i]))));
        }
        done
    };
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(share)).collect();
        let own = share();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .chain(std::iter::once(own))
            .collect()
    });
    let mut out: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (i, r) in parts.drain(..).flatten() {
        out[i] = Some(r);
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_thread_keeps_its_state_from_one_item_to_the_next() {
        let items: Vec<usize> = (0..1000).collect();
        // Each state counts the items its thread took: together, all of
        // them, each once, and a thread's count grows as it goes.
        let seen = super::map_with(&items, Vec::new, |taken: &mut Vec<usize>, &i| {
            taken.push(i);
            (i, taken.len())
        });
        assert_eq!(seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(), items);
        let firsts = seen.iter().filter(|(_, n)| *n == 1).count();
        assert!((1..=super::threads()).contains(&firsts), "{firsts} states");
        assert_eq!(seen.iter().filter(|(_, n)| *n > 1).count(), 1000 - firsts);
    }

    #[test]
    fn each_share_changes_every_item_once() {
        let mut items: Vec<usize> = (0..1000).collect();
        super::each_share_mut(&mut items, |part| part.iter_mut().for_each(|i| *i *= 2));
        assert_eq!(items, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        super::each_share_mut(&mut [] as &mut [usize], |_| panic!("no share of nothing"));
    }

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<usize> = (0..1000).collect();
        let doubled: Vec<usize> = (0..1000).map(|i| i * 2).collect();
        assert_eq!(super::map(&items, |i| i * 2), doubled);
        assert_eq!(super::map_each(&items, |i| i * 2), doubled);
        assert!(super::map(&[] as &[u8], |_| 0).is_empty());
        assert!(super::map_each(&[] as &[u8], |_| 0).is_empty());
    }

    #[test]
    fn the_calling_thread_is_one_of_the_workers_not_a_thread_more_than_the_cores() {
        let caller = std::thread::current().id();
        let items: Vec<usize> = (0..4096).collect();
        let ran_on = super::map(&items, |_| {
            // Long enough that every worker takes a batch.
            std::thread::sleep(std::time::Duration::from_micros(20));
            std::thread::current().id()
        });
        let mut threads: Vec<_> = ran_on.clone();
        threads.sort_by_key(|id| format!("{id:?}"));
        threads.dedup();
        assert!(threads.len() <= super::threads());
        if super::threads() > 1 {
            assert!(ran_on.contains(&caller));
        }
    }
}
