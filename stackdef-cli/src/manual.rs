//! `stackdef completions` and `stackdef man`: shell completion scripts (clap_complete) and
//! man pages (clap_mangen), both generated from the same clap definitions as `--help`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::args::Cli;
use super::exit::{CliError, OK};

/// `stackdef completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `stackdef man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (`stackdef.1`, `stackdef-deploy.1`, ...) into DIR
    /// instead of printing `stackdef.1`.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Prints the completion script for `args.shell` on standard output.
pub fn completions(args: &CompletionsArgs) -> Result<u8, CliError> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "stackdef", &mut out);
    write_stdout(&out)
}

/// Prints `stackdef.1`, or writes every page into `--out-dir`.
pub fn man(args: &ManArgs) -> Result<u8, CliError> {
    let command = Cli::command();
    if let Some(dir) = &args.out_dir {
        let write_error = |source| CliError::Write {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(write_error)?;
        clap_mangen::generate_to(command, dir).map_err(write_error)?;
        return Ok(OK);
    }
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .map_err(|source| CliError::Write {
            path: "standard output".into(),
            source,
        })?;
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<u8, CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|source| CliError::Write {
            path: "standard output".into(),
            source,
        })?;
    Ok(OK)
}
