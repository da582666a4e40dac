//! `stackdef init`: writes a new infra crate that synthesizes, tests and deploys as it is.
//!
//! The files come from `templates/init/` with four placeholders: `{{name}}` (the crate),
//! `{{crate}}` (its name as a Rust path), `{{stack}}` (the stack's name) and
//! `{{stackdef}}` (the dependency line). Nothing is written when any file already exists.
//!
//! `snapshot.snap.tmpl` is the template the stack in `lib.rs.tmpl` makes, so that the new
//! crate's first `cargo test` passes. When the library's defaults change it, the `init`
//! test fails on the `.snap.new` the generated crate leaves: regenerate it by running
//! `cargo test` with `INSTA_UPDATE=always` in a crate `init` wrote, and put `{{stack}}`
//! back in place of the stack's name.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;

use super::exit::{FAILED, OK, USAGE};

/// `stackdef init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write the crate into, created when missing (default: the current
    /// directory).
    pub dir: Option<PathBuf>,
    /// Crate name (default: the directory's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Depend on a stackdef checkout instead of the published crate: its workspace root or
    /// its `stackdef` directory.
    #[arg(long, value_name = "PATH", conflicts_with = "git")]
    pub path: Option<PathBuf>,
    /// Depend on stackdef from this git repository instead of the published crate.
    #[arg(long, value_name = "URL")]
    pub git: Option<String>,
}

/// Why `stackdef init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// Some of the files exist.
    #[error(
        "{} already holds {}; nothing was written: run `stackdef init` in a new directory (`stackdef init DIR`) or move these away",
        dir.display(),
        list(files)
    )]
    Exists {
        /// The target directory.
        dir: PathBuf,
        /// The files that exist, relative to it.
        files: Vec<String>,
    },
    /// The crate name is not one Cargo accepts.
    #[error("`{name}` cannot be a crate name: {reason}; pass --name NAME")]
    BadName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `--path` names no stackdef crate.
    #[error(
        "{} is not a stackdef checkout: neither it nor its `stackdef` directory holds the stackdef crate's Cargo.toml; pass the checkout's root (or drop --path to use the published crate)",
        path.display()
    )]
    NotACheckout {
        /// The path given.
        path: PathBuf,
    },
    /// A file or directory could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done (`create`, `write`, ...).
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
}

impl InitError {
    /// The process exit code: 2 for what the user can change in the command line, 1 for
    /// a failed write.
    pub fn code(&self) -> u8 {
        match self {
            InitError::Io { .. } => FAILED,
            _ => USAGE,
        }
    }
}

fn list(files: &[String]) -> String {
    files.join(", ")
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> InitError {
    let path = path.to_path_buf();
    move |source| InitError::Io {
        action,
        path,
        source,
    }
}

/// The files of a new crate: path relative to its root, and template text.
const FILES: [(&str, &str); 8] = [
    (
        "Cargo.toml",
        include_str!("../templates/init/Cargo.toml.tmpl"),
    ),
    (
        "stackdef.toml",
        include_str!("../templates/init/stackdef.toml.tmpl"),
    ),
    ("src/lib.rs", include_str!("../templates/init/lib.rs.tmpl")),
    (
        "src/main.rs",
        include_str!("../templates/init/main.rs.tmpl"),
    ),
    (
        "tests/template.rs",
        include_str!("../templates/init/template.rs.tmpl"),
    ),
    (
        "tests/snapshots/template__{{stack}}.template.json.snap",
        include_str!("../templates/init/snapshot.snap.tmpl"),
    ),
    (
        ".gitignore",
        include_str!("../templates/init/gitignore.tmpl"),
    ),
    (
        "README.md",
        include_str!("../templates/init/README.md.tmpl"),
    ),
];

/// What `init` will write: the names and the dependency line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The crate's name.
    pub name: String,
    /// The stack's name.
    pub stack: String,
    /// The `stackdef = ...` line of `Cargo.toml`.
    pub dependency: String,
}

impl Plan {
    /// `template` with the placeholders filled in.
    pub fn render(&self, template: &str) -> String {
        template
            .replace("{{name}}", &self.name)
            .replace("{{crate}}", &self.name.replace('-', "_"))
            .replace("{{stack}}", &self.stack)
            .replace("{{stackdef}}", &self.dependency)
    }

    /// Every file: relative path and contents.
    pub fn files(&self) -> Vec<(String, String)> {
        FILES
            .iter()
            .map(|(path, text)| (self.render(path), self.render(text)))
            .collect()
    }
}

/// Checks `name` the way Cargo does for a new package (and refuses `stackdef` itself,
/// which would shadow the dependency).
pub fn check_name(name: &str) -> Result<(), InitError> {
    let bad = |reason| {
        Err(InitError::BadName {
            name: name.to_owned(),
            reason,
        })
    };
    let Some(first) = name.chars().next() else {
        return bad("it is empty");
    };
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return bad("only ASCII letters, digits, `-` and `_` are allowed");
    }
    if !first.is_ascii_alphabetic() {
        return bad("it must start with a letter");
    }
    if name.len() > 64 {
        return bad("at most 64 characters are allowed");
    }
    let lower = name.to_ascii_lowercase().replace('-', "_");
    if lower == "stackdef" {
        return bad("the crate depends on `stackdef` and cannot share its name");
    }
    const RESERVED: &[&str] = &[
        "alloc",
        "core",
        "proc_macro",
        "std",
        "test",
        "build",
        "deps",
        "examples",
        "incremental",
        "as",
        "async",
        "await",
        "break",
        "const",
        "continue",
        "crate",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "gen",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "self",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "type",
        "unsafe",
        "use",
        "where",
        "while",
    ];
    if RESERVED.contains(&lower.as_str()) {
        return bad("it is a Rust keyword or a name Cargo reserves");
    }
    Ok(())
}

/// The stack's name for a crate: its words in upper camel case, ending in `Stack`
/// (`my-infra` → `MyInfraStack`).
pub fn stack_name(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(['-', '_']).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if !out.ends_with("Stack") {
        out.push_str("Stack");
    }
    out
}

/// The dependency line: the published version, a checkout's `stackdef` crate, or a git
/// repository.
pub fn dependency(args: &InitArgs, cwd: &Path) -> Result<String, InitError> {
    if let Some(url) = &args.git {
        return Ok(format!("stackdef = {{ git = {} }}", toml_string(url)));
    }
    let Some(path) = &args.path else {
        return Ok(format!("stackdef = \"{}\"", env!("CARGO_PKG_VERSION")));
    };
    let path = cwd.join(path);
    let not_a_checkout = || InitError::NotACheckout { path: path.clone() };
    let krate = [path.clone(), path.join("stackdef")]
        .into_iter()
        .find(|dir| is_stackdef_crate(&dir.join("Cargo.toml")))
        .ok_or_else(not_a_checkout)?;
    let krate = krate.canonicalize().map_err(|_| not_a_checkout())?;
    let text = krate.to_str().ok_or_else(not_a_checkout)?;
    Ok(format!("stackdef = {{ path = {} }}", toml_string(text)))
}

/// Whether `manifest` is the stackdef crate's `Cargo.toml`.
fn is_stackdef_crate(manifest: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return false;
    };
    let Ok(value) = text.parse::<toml::Table>() else {
        return false;
    };
    value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        == Some("stackdef")
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The Cargo workspace above `dir` (a `Cargo.toml` with a `[workspace]` table), whose
/// members list the new crate does not join by itself.
fn enclosing_workspace(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().skip(1).find_map(|d| {
        let manifest = d.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).ok()?;
        let table = text.parse::<toml::Table>().ok()?;
        table.contains_key("workspace").then_some(manifest)
    })
}

/// What `stackdef init` did.
#[derive(Debug)]
pub struct Created {
    /// The crate's directory.
    pub dir: PathBuf,
    /// The names used.
    pub plan: Plan,
    /// The files written, relative to `dir`.
    pub files: Vec<String>,
    /// A workspace above the crate that it must join (or be excluded from).
    pub workspace: Option<PathBuf>,
}

/// Writes the crate; nothing at all when any of its files exists.
pub fn create(args: &InitArgs) -> Result<Created, InitError> {
    let cwd = std::env::current_dir().map_err(io("read", Path::new(".")))?;
    let dir = match &args.dir {
        Some(d) => cwd.join(d),
        None => cwd.clone(),
    };
    // `.` and `..` name the directory they lead to.
    let dir = if dir.exists() {
        dir.canonicalize().map_err(io("read", &dir))?
    } else {
        dir
    };
    let dir_name = dir
        .components()
        .next_back()
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or_default()
        .to_owned();
    let name = args.name.clone().unwrap_or(dir_name);
    check_name(&name)?;
    let plan = Plan {
        stack: stack_name(&name),
        dependency: dependency(args, &cwd)?,
        name,
    };
    let files = plan.files();
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| dir.join(path).exists())
        .map(|(path, _)| path.clone())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists {
            dir,
            files: existing,
        });
    }
    for (path, text) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io("create", parent))?;
        }
        std::fs::write(&target, text).map_err(io("write", &target))?;
    }
    Ok(Created {
        workspace: enclosing_workspace(&dir),
        files: files.into_iter().map(|(path, _)| path).collect(),
        plan,
        dir,
    })
}

/// `stackdef init`: writes the crate, then says what to run next.
pub fn run(args: &InitArgs, json_output: bool) -> Result<u8, InitError> {
    let created = create(args)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = created
        .dir
        .strip_prefix(&cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| created.dir.clone());
    if json_output {
        let value = json!({
            "dir": created.dir.display().to_string(),
            "name": created.plan.name,
            "stack": created.plan.stack,
            "dependency": created.plan.dependency,
            "files": created.files,
            "workspace": created.workspace.as_ref().map(|w| w.display().to_string()),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(OK);
    }
    println!(
        "Created the crate `{}` (stack {}) in {}:",
        created.plan.name,
        created.plan.stack,
        created.dir.display()
    );
    for file in &created.files {
        println!("  {file}");
    }
    if let Some(workspace) = &created.workspace {
        println!(
            "\nNote: {} is a Cargo workspace; add \"{}\" to its `members` (or to `exclude`, to keep the crate on its own) before building.",
            workspace.display(),
            created.dir.display()
        );
    }
    println!("\nNext:");
    if !shown.as_os_str().is_empty() {
        println!("  cd {}", shown.display());
    }
    println!("  cargo build      # compile the app");
    println!("  stackdef synth   # run it: templates and manifest in stackdef.out/");
    println!("  cargo test       # the template snapshot and assertions");
    Ok(OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(stack_name("myinfra"), "MyinfraStack");
        assert_eq!(stack_name("my-infra"), "MyInfraStack");
        assert_eq!(stack_name("bank_stack"), "BankStack");
        for ok in ["myinfra", "my-infra", "infra2", "Infra_x"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "2infra", "my infra", "stackdef", "test", "fn", "ü"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        let plan = Plan {
            name: "my-infra".into(),
            stack: "MyInfraStack".into(),
            dependency: "stackdef = \"0.1.0\"".into(),
        };
        for (path, text) in plan.files() {
            assert!(!path.contains("{{") && !text.contains("{{"), "{path}");
        }
        let files = plan.files();
        let main = &files[3].1;
        assert!(main.contains("my_infra::build(&app)"), "{main}");
    }

    #[test]
    fn dependency_lines() {
        let args = |path: Option<&str>, git: Option<&str>| InitArgs {
            dir: None,
            name: None,
            path: path.map(PathBuf::from),
            git: git.map(str::to_owned),
        };
        let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
        let published = dependency(&args(None, None), cwd).unwrap_or_default();
        assert_eq!(
            published,
            format!("stackdef = \"{}\"", env!("CARGO_PKG_VERSION"))
        );
        let git =
            dependency(&args(None, Some("https://example.invalid/s.git")), cwd).unwrap_or_default();
        assert_eq!(
            git,
            "stackdef = { git = \"https://example.invalid/s.git\" }"
        );
        // The workspace root and the crate itself name the same crate.
        let from_root = dependency(&args(Some(".."), None), cwd).unwrap_or_default();
        let from_crate = dependency(&args(Some("../stackdef"), None), cwd).unwrap_or_default();
        assert!(from_root.ends_with("/stackdef\" }"), "{from_root}");
        assert_eq!(from_root, from_crate);
        assert!(matches!(
            dependency(&args(Some("src"), None), cwd),
            Err(InitError::NotACheckout { .. })
        ));
    }
}
