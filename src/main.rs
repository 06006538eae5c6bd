//! The `gloss` binary: the CLI in `glossator::cli`, under the allocator
//! policy set here (a process-wide choice, so not the library's).

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    glossator::cli::main()
}

/// One glibc malloc arena per core, one for the thread that draws, and one
/// for the threads that seldom allocate (the terminal's watchdog, the
/// saver), rather than glibc's default of eight per core. Each thread that
/// allocates gets an arena of its own, and an arena's free space stays
/// resident after its thread ends; the corpus view reads thousands of
/// sidecars on short-lived threads, round by round, and with the default
/// arenas its peak memory was 76 MiB for 52 MiB of sidecars (58 MiB with
/// one arena per core). With fewer arenas than threads, threads share
/// one and wait on its lock at every allocation: with one per core and
/// one more, the watchdog's thread took the last, and a counting thread
/// shared another. A cold open of the corpus view then spent a tenth of
/// its CPU time waiting on arena locks; with this arena more its complete
/// counts came in 409 ms rather than 504 (median of 5 in tmux, alternated),
/// at the same peak memory (57–58 MiB, and 117–118 MiB for the 100 MB
/// session).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores + 2).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` only sets an allocator parameter; it is called
    // before the program starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
