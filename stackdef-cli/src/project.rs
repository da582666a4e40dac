//! The project: `stackdef.toml` (found from the working directory upwards) and getting the
//! assembly, by running the app command with `STACKDEF_OUTDIR` set or reading `--assembly`.

use std::num::NonZeroU16;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;
use stackdef_synth::assembly::{Assembly, DEFAULT_OUTDIR, MANIFEST_FILE, OUTDIR_ENV};

use super::args::Global;
use super::exit::CliError;

/// The configuration file's name.
pub const CONFIG_FILE: &str = "stackdef.toml";

/// Settings from `stackdef.toml`; a key it does not know is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Command that synthesizes the app.
    pub app: Option<String>,
    /// Assembly directory, relative to the project root.
    pub output: Option<String>,
    /// S3 staging bucket.
    pub staging_bucket: Option<String>,
    /// AWS profile.
    pub profile: Option<String>,
    /// Default region.
    pub region: Option<String>,
    /// Stacks handled at the same time, at most.
    pub concurrency: Option<NonZeroU16>,
}

/// Where the project is and what it says.
#[derive(Debug, Clone)]
pub struct Project {
    /// The directory holding `stackdef.toml` (else the working directory).
    pub root: PathBuf,
    /// Its settings.
    pub config: Config,
}

/// Parses `stackdef.toml` text (`path` is for messages).
pub fn parse_config(text: &str, path: &Path) -> Result<Config, CliError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .and_then(|span| text.get(..span.start))
            .map(|before| before.matches('\n').count() + 1);
        let at = line.map(|n| format!(":{n}")).unwrap_or_default();
        // TOML calls them keys; serde says fields.
        let message = e.message().replacen("unknown field", "unknown key", 1);
        CliError::Usage(format!("{}{at}: {message}", path.display()))
    })
}

impl Project {
    /// Finds `stackdef.toml` in the working directory or its parents.
    pub fn discover() -> Result<Project, CliError> {
        let cwd = std::env::current_dir()
            .map_err(|e| CliError::Usage(format!("cannot read the working directory: {e}")))?;
        let mut dir = Some(cwd.as_path());
        while let Some(d) = dir {
            let path = d.join(CONFIG_FILE);
            if path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
                return Ok(Project {
                    root: d.to_path_buf(),
                    config: parse_config(&text, &path)?,
                });
            }
            dir = d.parent();
        }
        Ok(Project {
            root: cwd,
            config: Config::default(),
        })
    }

    /// The app command: `--app`, else `app` in `stackdef.toml`.
    pub fn app_command(&self, global: &Global) -> Option<String> {
        global.app.clone().or_else(|| self.config.app.clone())
    }

    /// Where the app writes the assembly: `--output`, else `output` in `stackdef.toml`
    /// (relative to the project root), else `stackdef.out` in the project root.
    pub fn outdir(&self, global: &Global) -> PathBuf {
        let outdir = match (&global.output, &self.config.output) {
            (Some(o), _) => o.clone(),
            (None, Some(o)) => self.root.join(o),
            (None, None) => self.root.join(DEFAULT_OUTDIR),
        };
        if outdir.is_absolute() {
            outdir
        } else {
            std::env::current_dir()
                .map(|c| c.join(&outdir))
                .unwrap_or(outdir)
        }
    }

    /// The process that runs `app` in the project root, writing to `outdir` (a stale
    /// manifest there is removed first, so that it cannot pass for this run's output).
    pub fn app_process(&self, app: &str, outdir: &Path) -> Command {
        let _ = std::fs::remove_file(outdir.join(MANIFEST_FILE));
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(app)
            .current_dir(&self.root)
            .env(OUTDIR_ENV, outdir)
            .stdin(Stdio::null());
        command
    }

    /// The assembly: `--assembly DIR` as is, else the app command's output.
    pub fn assembly(&self, global: &Global) -> Result<Assembly, CliError> {
        if let Some(dir) = &global.assembly {
            return Assembly::read(dir).map_err(|e| CliError::Assembly(e.to_string()));
        }
        let Some(app) = self.app_command(global) else {
            return Err(CliError::Usage(format!(
                "no app to run: pass --app \"<command>\", add `app = \"<command>\"` to {CONFIG_FILE} in the project root, or pass --assembly DIR"
            )));
        };
        let outdir = self.outdir(global);
        // The app's stdout goes to our stderr so that `--json` output stays clean.
        let stdout: Stdio = match std::io::stderr().as_fd().try_clone_to_owned() {
            Ok(fd) => fd.into(),
            Err(_) => Stdio::null(),
        };
        let status = self
            .app_process(&app, &outdir)
            .stdout(stdout)
            .status()
            .map_err(|e| CliError::Usage(format!("cannot run the app command `{app}`: {e}")))?;
        if !status.success() {
            return Err(CliError::AppFailed {
                command: app,
                status: status.code(),
            });
        }
        Assembly::read(&outdir).map_err(|e| {
            CliError::Assembly(format!(
                "the app command `{app}` did not produce a usable assembly: {e}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        match parse_config(text, Path::new("stackdef.toml")) {
            Ok(c) => panic!("{text:?} parsed as {c:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_known_keys_and_rejects_unknown() {
        let c = parse_config("app = \"cargo run\"\nconcurrency = 2\n", Path::new("x"))
            .unwrap_or_default();
        assert_eq!(c.app.as_deref(), Some("cargo run"));
        assert_eq!(c.concurrency.map(NonZeroU16::get), Some(2));
        let unknown = error("app = \"x\"\nap = \"x\"");
        assert!(
            unknown.starts_with("stackdef.toml:2: unknown key `ap`, expected one of `app`"),
            "{unknown}"
        );
        assert!(error("app = 3").contains("expected a string"));
        assert!(error("concurrency = 0").contains("nonzero"));
        assert!(error("app = ").starts_with("stackdef.toml:1: "));
    }
}
