//! The `gloss` binary: the CLI in `glossator::cli`, under the allocator
//! policy set here (a process-wide choice, so not the library's).

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    glossator::cli::main()
}

/// One glibc malloc arena per core, and one for the thread that draws,
/// rather than glibc's default of eight per core. Each thread that
/// allocates gets an arena of its own, and an arena's free space stays
/// resident after its thread ends; the corpus view reads thousands of
/// sidecars on short-lived threads, round by round, and with the default
/// arenas its peak memory was 76 MiB for 52 MiB of sidecars (58 MiB with
/// one arena per core). With one per core only, a counting thread shared
/// an arena with the thread that draws or with the other counting thread,
/// and waited on its lock: the arena more cut a cold open's counting from
/// 500 to 464 ms (median of 8; CPU 650 to 615 ms) for 54–55 MiB at the
/// peak, was 54.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores + 1).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` only sets an allocator parameter; it is called
    // before the program starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
