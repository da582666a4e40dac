//! The cloud assembly: `manifest.json` plus one `<Stack>.template.json` per stack.
//!
//! The writer and the reader live together so the format has one definition; the CLI and
//! the deploy engine only ever read assemblies through [`Assembly::read`].

use std::path::{Path, PathBuf};

pub use crate::limits::{INLINE_TEMPLATE_LIMIT, MAX_TEMPLATE_SIZE};
pub use crate::manifest::{
    MANAGED_BY_METADATA_KEY, MANIFEST_VERSION, ManagedBy, Manifest, PATH_METADATA_KEY,
    ResourceEntry, StackArtifact, sha256_hex,
};
use crate::synth::SynthOutput;

/// The manifest's file name inside the assembly directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Default assembly directory (relative to the working directory).
pub const DEFAULT_OUTDIR: &str = "stackdef.out";
/// Environment variable that overrides the assembly directory.
pub const OUTDIR_ENV: &str = "STACKDEF_OUTDIR";
/// Errors reading or writing an assembly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AssemblyError {
    /// File system error.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file that is not what the format says.
    #[error("{path} is not a valid stackdef {what}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Manifest or template.
        what: &'static str,
        /// The cause.
        source: serde_json::Error,
    },
    /// A manifest version this build does not understand.
    #[error(
        "{path}: manifest version `{found}` is not supported (expected `{MANIFEST_VERSION}`); re-synthesize with this version of stackdef"
    )]
    Version {
        /// The manifest.
        path: PathBuf,
        /// The version found.
        found: String,
    },
    /// A template that does not match the manifest.
    #[error(
        "{path}: template does not match the manifest ({detail}); the assembly was modified or is incomplete, re-synthesize it"
    )]
    Mismatch {
        /// The template.
        path: PathBuf,
        /// What differs.
        detail: String,
    },
    /// A stack name that is not in the manifest.
    #[error("no stack named `{name}` in the assembly (stacks: {available})")]
    UnknownStack {
        /// The name asked for.
        name: String,
        /// The names there are.
        available: String,
    },
}

/// Where the assembly goes: `explicit`, else `$STACKDEF_OUTDIR`, else `stackdef.out`.
pub fn resolve_outdir(explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    match std::env::var_os(OUTDIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(DEFAULT_OUTDIR),
    }
}

fn io<'p>(
    action: &'static str,
    path: &'p Path,
) -> impl FnOnce(std::io::Error) -> AssemblyError + 'p {
    move |source| AssemblyError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `output` into `dir`: one template per stack, then the manifest.
///
/// Template files of stacks no longer in the app are removed so the directory is exactly
/// the app's assembly.
pub fn write(dir: &Path, output: &SynthOutput) -> Result<Manifest, AssemblyError> {
    std::fs::create_dir_all(dir).map_err(io("creating", dir))?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let stale = name.ends_with(".template.json")
                && !output
                    .stacks
                    .iter()
                    .any(|s| s.artifact.template_file == name);
            if stale {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(io("removing", &path))?;
            }
        }
    }
    for stack in &output.stacks {
        let path = dir.join(&stack.artifact.template_file);
        std::fs::write(&path, &stack.template_json).map_err(io("writing", &path))?;
    }
    let manifest = output.manifest();
    let path = dir.join(MANIFEST_FILE);
    let mut bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|source| AssemblyError::Parse {
            path: path.clone(),
            what: "manifest",
            source,
        })?;
    bytes.push(b'\n');
    std::fs::write(&path, bytes).map_err(io("writing", &path))?;
    Ok(manifest)
}

/// An assembly read from disk.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// The directory it was read from.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

impl Assembly {
    /// Reads and checks `dir/manifest.json` (version, template files present and unmodified).
    pub fn read(dir: impl AsRef<Path>) -> Result<Self, AssemblyError> {
        let dir = dir.as_ref().to_path_buf();
        let path = dir.join(MANIFEST_FILE);
        let bytes = std::fs::read(&path).map_err(io("reading", &path))?;
        let raw: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|source| AssemblyError::Parse {
                path: path.clone(),
                what: "manifest",
                source,
            })?;
        let found = raw.get("version").and_then(|v| v.as_str()).unwrap_or("");
        if found != MANIFEST_VERSION {
            return Err(AssemblyError::Version {
                path,
                found: found.to_owned(),
            });
        }
        let manifest: Manifest =
            serde_json::from_value(raw).map_err(|source| AssemblyError::Parse {
                path: path.clone(),
                what: "manifest",
                source,
            })?;
        for stack in &manifest.stacks {
            let tpath = dir.join(&stack.template_file);
            let bytes = std::fs::read(&tpath).map_err(io("reading", &tpath))?;
            let sha = sha256_hex(&bytes);
            if sha != stack.template_sha256 {
                return Err(AssemblyError::Mismatch {
                    path: tpath,
                    detail: format!("sha256 {sha}, manifest says {}", stack.template_sha256),
                });
            }
        }
        Ok(Assembly { dir, manifest })
    }

    /// The stack named `name`.
    pub fn stack(&self, name: &str) -> Result<&StackArtifact, AssemblyError> {
        self.manifest
            .stacks
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| AssemblyError::UnknownStack {
                name: name.to_owned(),
                available: self
                    .manifest
                    .stacks
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The template file of `stack`, as text.
    pub fn template_text(&self, stack: &StackArtifact) -> Result<String, AssemblyError> {
        let path = self.dir.join(&stack.template_file);
        std::fs::read_to_string(&path).map_err(io("reading", &path))
    }

    /// The template of `stack`, parsed.
    pub fn template(&self, stack: &StackArtifact) -> Result<serde_json::Value, AssemblyError> {
        let path = self.dir.join(&stack.template_file);
        let text = self.template_text(stack)?;
        serde_json::from_str(&text).map_err(|source| AssemblyError::Parse {
            path,
            what: "template",
            source,
        })
    }
}
