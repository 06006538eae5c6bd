//! The `gloss` binary: the CLI in `glossator::cli`, under the allocator
//! policy set here (a process-wide choice, so not the library's).

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    glossator::cli::main()
}

/// One glibc malloc arena per core rather than glibc's default of eight.
/// Each thread that allocates gets an arena of its own, and an arena's free
/// space stays resident after its thread ends; the corpus view reads
/// thousands of sidecars on short-lived threads, round by round, and with
/// the default arenas its peak memory was 76 MiB for 52 MiB of sidecars
/// (58 MiB with one arena per core, no slower: benches/compare.sh, corpus).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` only sets an allocator parameter; it is called
    // before the program starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
