//! `gloss`: the thin binary over the glossator library.

fn main() -> std::process::ExitCode {
    glossator::cli::main()
}
