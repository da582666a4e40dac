//! Mermaid's own parser (the `mermaid` npm package, with jsdom for the DOM it needs), run by
//! Node.js, for the test that `stackdef graph --format mermaid` writes what Mermaid reads.
//!
//! The pinned package set (`tests/support/mermaid/package.json` and its lock file) is
//! installed with `npm ci` into `target/mermaid-node` on first use; nothing goes outside
//! `target/`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The package set, relative to the workspace root.
const SOURCE: &str = "tests/support/mermaid";
/// The version `package.json` pins, checked after installing.
const MERMAID_VERSION: &str = "11.17.2";
/// What to do without Node.js.
const NODE_MISSING: &str = "the Mermaid check needs Node.js 18 or newer with npm (`node` and `npm` on PATH): install them (Debian: `apt install nodejs npm`) and run the tests again";

/// Where the parser is installed in the workspace at `root`.
fn dir(root: &Path) -> PathBuf {
    root.join("target").join("mermaid-node")
}

fn installed(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("node_modules/mermaid/package.json"))
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{MERMAID_VERSION}\"")))
        && dir.join("parse.mjs").is_file()
}

/// The parser's directory, installed first when it is not there. Processes asking at the
/// same time wait for one another. The error says what failed and what to install.
pub fn ensure(root: &Path) -> Result<PathBuf, String> {
    let dir = dir(root);
    if installed(&dir) {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let lock_path = root.join("target").join("mermaid-node.lock");
    let lock = File::create(&lock_path)
        .map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    if installed(&dir) {
        return Ok(dir);
    }
    for file in ["package.json", "package-lock.json", "parse.mjs"] {
        let from = root.join(SOURCE).join(file);
        std::fs::copy(&from, dir.join(file))
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    }
    eprintln!(
        "installing mermaid@{MERMAID_VERSION} into {} (once)",
        dir.display()
    );
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run npm ({e}); {NODE_MISSING}"))?;
    if !status.success() || !installed(&dir) {
        return Err(format!(
            "`npm ci` in {} did not install mermaid@{MERMAID_VERSION} ({status})",
            dir.display()
        ));
    }
    Ok(dir)
}

/// Parses `text` with Mermaid's parser: the diagram type (`flowchart-v2`), or the parse
/// error Mermaid reports.
pub fn parse(root: &Path, text: &str) -> Result<String, String> {
    let dir = ensure(root)?;
    let file = tempfile::Builder::new()
        .suffix(".mmd")
        .tempfile()
        .map_err(|e| format!("temp file: {e}"))?;
    std::fs::write(file.path(), text).map_err(|e| format!("temp file: {e}"))?;
    let out = Command::new("node")
        .arg(dir.join("parse.mjs"))
        .arg(file.path())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run node ({e}); {NODE_MISSING}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}
