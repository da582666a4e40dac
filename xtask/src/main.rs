//! Project tasks. `cargo xtask codegen` regenerates the L1 types and the registry data;
//! `cargo xtask test` runs the whole test suite after installing what a bare machine lacks;
//! `cargo xtask first-build` measures a newcomer's first build; `cargo xtask package`
//! packages the published crates in dependency order and reports their sizes.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => exit(codegen::run(&args[1..])),
        Some("test") => exit(test::run(&args[1..])),
        Some("first-build") => exit(first_build::run(&args[1..])),
        Some("package") => exit(package::run(&args[1..])),
        _ => {
            eprintln!(
                "usage: cargo xtask <codegen [--check]|test|first-build [--timings] [--runs N]|package [--no-verify]>"
            );
            ExitCode::from(2)
        }
    }
}

fn exit(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

mod codegen;

mod first_build;

mod package;

mod test;
