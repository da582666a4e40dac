//! The `stackdef` command line: synth, list, diff, deploy, destroy, outputs, graph.

fn main() -> std::process::ExitCode {
    stackdef::cli::main()
}
