//! Reading the registry schemas bundled in the cfn-lint Python package.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

/// The cfn-lint release the committed code is generated from.
pub const CFN_LINT_VERSION: &str = "1.51.0";

/// One resource type's schema.
#[derive(Debug, Clone)]
pub struct TypeSchema {
    /// `AWS::EC2::Subnet`.
    pub type_name: String,
    /// The parsed schema.
    pub schema: Json,
    /// sha256 of the schema file's bytes (hex, first 16 digits).
    pub sha256: String,
}

/// Everything the generator reads.
#[derive(Debug, Clone)]
pub struct Input {
    /// cfn-lint package version.
    pub version: String,
    /// Types in name order.
    pub types: Vec<TypeSchema>,
    /// sha256 over all type names and schema hashes (hex, first 16 digits).
    pub sha256: String,
    /// cfn-lint's `data` directory (extensions and additional specs for the rule data).
    pub data_dir: PathBuf,
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = hmac_sha256::Hash::hash(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Finds cfn-lint's package directory and version through the suite's cfn-lint
/// virtualenv (`target/cfn-lint-venv`, which `cargo xtask test` creates), else `python3`.
fn locate() -> Result<(PathBuf, String), String> {
    let script = "import cfnlint, os, importlib.metadata as m; \
                  print(os.path.dirname(cfnlint.__file__)); print(m.version('cfn-lint'))";
    let venv_python = super::repo_root().join("target/cfn-lint-venv/bin/python");
    let python = if venv_python.is_file() {
        venv_python
    } else {
        PathBuf::from("python3")
    };
    let out = Command::new(python)
        .args(["-c", script])
        .output()
        .map_err(|e| format!("cannot run python3 to locate cfn-lint: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cfn-lint is not importable (pip install cfn-lint=={CFN_LINT_VERSION}): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let dir = lines.next().unwrap_or_default().trim().to_owned();
    let version = lines.next().unwrap_or_default().trim().to_owned();
    Ok((PathBuf::from(dir), version))
}

/// Reads the us-east-1 provider schemas of the installed cfn-lint, which must be
/// [`CFN_LINT_VERSION`].
pub fn load() -> Result<Input, String> {
    let (dir, version) = locate()?;
    if version != CFN_LINT_VERSION {
        return Err(format!(
            "cfn-lint {version} is installed; the generator is pinned to {CFN_LINT_VERSION} \
             (pip install cfn-lint=={CFN_LINT_VERSION})"
        ));
    }
    load_from(&dir.join("data").join("schemas"), version)
}

/// Reads `providers/us_east_1.py` (type -> schema hash) and the schemas it names.
pub fn load_from(schemas: &Path, version: String) -> Result<Input, String> {
    let provider = schemas.join("providers").join("us_east_1.py");
    let listing = std::fs::read_to_string(&provider)
        .map_err(|e| format!("cannot read {}: {e}", provider.display()))?;
    let mut types = Vec::new();
    let mut all = hmac_sha256::Hash::new();
    for line in listing.lines() {
        // `    "AWS::EC2::Subnet": "a60b8dc0c7f50396",`
        let parts: Vec<&str> = line.split('"').collect();
        if parts.len() != 5 || parts[2].trim() != ":" {
            continue;
        }
        let (type_name, hash) = (parts[1], parts[3]);
        if !type_name.contains("::") {
            continue; // `Module`: not a resource type
        }
        let path = schemas.join("resources").join(format!("{hash}.json"));
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let schema: Json = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: invalid JSON: {e}", path.display()))?;
        let sha256 = short_hash(&bytes);
        all.update(type_name.as_bytes());
        all.update(sha256.as_bytes());
        types.push(TypeSchema {
            type_name: type_name.to_owned(),
            schema,
            sha256,
        });
    }
    if types.is_empty() {
        return Err(format!(
            "no resource types listed in {}",
            provider.display()
        ));
    }
    types.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    let digest = all.finalize();
    let sha256 = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(Input {
        version,
        types,
        sha256,
        data_dir: schemas.parent().map(Path::to_path_buf).unwrap_or_default(),
    })
}
