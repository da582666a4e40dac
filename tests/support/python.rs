//! The Python tools the test suite runs (cfn-lint, moto, checkov, LocalStack), each in its
//! own virtualenv under `target/`, created on first use with pinned versions. Nothing goes
//! into the system interpreter, which distributions following PEP 668 refuse to change.
//!
//! Standard library only: `cargo xtask test` compiles this file too (it installs the
//! tools before the suite runs), so the tests and the xtask share one installer.

use std::ffi::OsStr;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What goes into a tool's virtualenv.
#[derive(Debug, Clone, Copy)]
pub enum Packages {
    /// One pinned requirement (`cfn-lint==1.51.0`).
    Pinned(&'static str),
    /// A pinned requirements file, relative to the workspace root, installed without
    /// dependency resolution (every dependency is in it).
    Requirements(&'static str),
}

/// Which Python creates the virtualenv.
#[derive(Debug, Clone, Copy)]
pub enum Interpreter {
    /// `$PYTHON`, else `python3`.
    Default,
    /// A Python 3.13 (LocalStack needs it), found by [`find_python313`].
    Python313,
}

/// A Python tool in its virtualenv `target/<name>-venv`.
#[derive(Debug, Clone, Copy)]
pub struct PythonTool {
    /// Name, also of the virtualenv directory.
    pub name: &'static str,
    /// What to install.
    pub packages: Packages,
    /// Who creates the virtualenv.
    pub interpreter: Interpreter,
    /// A program in the virtualenv (relative to it) and its arguments, which succeed and
    /// print `expect` once the tool is installed.
    pub probe: &'static [&'static str],
    /// What the probe prints (empty: success is enough).
    pub expect: &'static str,
}

/// cfn-lint, whose bundled registry schemas the L1 types are generated from.
pub const CFN_LINT: PythonTool = PythonTool {
    name: "cfn-lint",
    packages: Packages::Pinned("cfn-lint==1.51.0"),
    interpreter: Interpreter::Default,
    probe: &["bin/cfn-lint", "--version"],
    expect: "cfn-lint 1.51.0",
};

/// moto server, a local CloudFormation API for the end-to-end tests.
pub const MOTO: PythonTool = PythonTool {
    name: "moto",
    packages: Packages::Pinned("moto[server]==5.2.1"),
    interpreter: Interpreter::Default,
    probe: &[
        "bin/python",
        "-c",
        "import moto, flask; print('moto', moto.__version__)",
    ],
    expect: "moto 5.2.1",
};

/// checkov, the security scan of the bank template.
pub const CHECKOV: PythonTool = PythonTool {
    name: "checkov",
    packages: Packages::Pinned("checkov==3.3.30"),
    interpreter: Interpreter::Default,
    probe: &["bin/checkov", "--version"],
    expect: "3.3.30",
};

/// LocalStack community core in host mode (about a minute and 500 MB, once).
pub const LOCALSTACK: PythonTool = PythonTool {
    name: "localstack",
    packages: Packages::Requirements("stackdef-cli/tests/emulator/localstack-requirements.txt"),
    interpreter: Interpreter::Python313,
    probe: &["bin/python", "-c", "import localstack.runtime.main"],
    expect: "",
};

/// What to do when no Python 3.13 is found.
pub const PYTHON313_MISSING: &str = "LocalStack needs Python 3.13, which is neither `python3.13` on PATH nor under `$(pyenv root)/versions/3.13.*`: install it with `pyenv install 3.13` (or your distribution's `python3.13` and `python3.13-venv` packages) and run the tests again.";

impl PythonTool {
    /// The tool's virtualenv under `root/target`.
    pub fn venv(&self, root: &Path) -> PathBuf {
        root.join("target").join(format!("{}-venv", self.name))
    }

    fn installed(&self, venv: &Path) -> bool {
        let Some((program, args)) = self.probe.split_first() else {
            return false;
        };
        Command::new(venv.join(program))
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .is_ok_and(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).contains(self.expect)
            })
    }

    /// The tool's virtualenv in the workspace at `root`, created and filled first when the
    /// pinned version is not there. Processes and threads asking at the same time wait for
    /// one another. The error says what failed and what to install.
    pub fn ensure(&self, root: &Path) -> Result<PathBuf, String> {
        let venv = self.venv(root);
        if self.installed(&venv) {
            return Ok(venv);
        }
        let target = root.join("target");
        std::fs::create_dir_all(&target)
            .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
        let lock_path = target.join(format!("{}-venv.lock", self.name));
        let lock = File::create(&lock_path)
            .map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
        lock.lock()
            .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
        // Another process may have installed it while this one waited.
        if self.installed(&venv) {
            return Ok(venv);
        }
        let python = match self.interpreter {
            Interpreter::Default => {
                PathBuf::from(std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into()))
            }
            Interpreter::Python313 => {
                find_python313(std::env::var_os("PATH").as_deref(), pyenv_root().as_deref())
                    .ok_or_else(|| PYTHON313_MISSING.to_owned())?
            }
        };
        eprintln!(
            "installing {} into {} (once)",
            self.describe(),
            venv.display()
        );
        run(Command::new(&python).args(["-m", "venv", "--clear"]).arg(&venv)).map_err(|e| {
            format!(
                "cannot create the virtualenv {} with `{} -m venv` ({e}); on Debian or Ubuntu install the python3-venv package",
                venv.display(),
                python.display()
            )
        })?;
        let mut pip = Command::new(venv.join("bin/python"));
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]);
        match self.packages {
            Packages::Pinned(requirement) => pip.arg(requirement),
            Packages::Requirements(file) => pip.args(["--no-deps", "-r"]).arg(root.join(file)),
        };
        run(&mut pip).map_err(|e| {
            format!(
                "pip could not install {} into {} ({e})",
                self.describe(),
                venv.display()
            )
        })?;
        if !self.installed(&venv) {
            return Err(format!(
                "{} is not usable in {} after installing it",
                self.describe(),
                venv.display()
            ));
        }
        Ok(venv)
    }

    fn describe(&self) -> String {
        match self.packages {
            Packages::Pinned(requirement) => requirement.to_owned(),
            Packages::Requirements(file) => format!("{} (-r {file})", self.name),
        }
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(status.to_string())
    }
}

/// pyenv's root: `pyenv root`, else `$PYENV_ROOT`, else `~/.pyenv`.
pub fn pyenv_root() -> Option<PathBuf> {
    let asked = Command::new("pyenv")
        .arg("root")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    asked
        .or_else(|| std::env::var_os("PYENV_ROOT").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))
}

/// A Python 3.13: the newest `<pyenv_root>/versions/3.13.*`, else `python3.13` on `path`
/// (a `PATH`-style list of directories).
pub fn find_python313(path: Option<&OsStr>, pyenv_root: Option<&Path>) -> Option<PathBuf> {
    let from_pyenv = pyenv_root.and_then(|root| {
        let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir(root.join("versions"))
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let rest = name.strip_prefix("3.13")?;
                if !(rest.is_empty() || rest.starts_with('.')) {
                    return None;
                }
                let python = entry.path().join("bin/python3.13");
                let key = name.split('.').map(|n| n.parse().unwrap_or(0)).collect();
                python.is_file().then_some((key, python))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, python)| python)
    });
    from_pyenv.or_else(|| {
        std::env::split_paths(path?)
            .map(|dir| dir.join("python3.13"))
            // A pyenv shim without the version behind it is on PATH but does not run.
            .find(|p| p.is_file() && runs(p))
    })
}

fn runs(python: &Path) -> bool {
    Command::new(python)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn touch(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    #[test]
    fn python313_from_pyenv_then_path_else_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pyenv = dir.path().join("pyenv");
        for v in ["3.12.1", "3.13.0", "3.13.10", "3.130.0"] {
            touch(&pyenv.join(format!("versions/{v}/bin/python3.13")), "");
        }
        assert_eq!(
            find_python313(None, Some(&pyenv)),
            Some(pyenv.join("versions/3.13.10/bin/python3.13"))
        );
        let bin = dir.path().join("bin");
        touch(&bin.join("python3.13"), "#!/bin/sh\necho Python 3.13.0\n");
        let path = std::env::join_paths([&bin]).expect("a PATH");
        let empty = dir.path().join("no-pyenv");
        assert_eq!(
            find_python313(Some(&path), Some(&empty)),
            Some(bin.join("python3.13"))
        );
        // A shim that fails to run does not count.
        touch(&bin.join("python3.13"), "#!/bin/sh\nexit 127\n");
        assert_eq!(find_python313(Some(&path), Some(&empty)), None);
        assert_eq!(find_python313(None, None), None);
        assert!(PYTHON313_MISSING.contains("pyenv install 3.13"));
    }
}
