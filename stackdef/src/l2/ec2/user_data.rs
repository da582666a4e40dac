//! User data: the script an instance runs at first boot, built from lines or read from a
//! file, with typed values spliced in, and always base64-encoded in the template.

use stackdef_synth::SourceLocation;

use crate::fns::{self, SubPiece};
use crate::value::Value;

/// One piece of the script.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Value(Value<String>),
}

/// A user data script.
///
/// ```
/// use stackdef::ec2::UserData;
/// use stackdef::fns;
/// let mut ud = UserData::for_linux();
/// ud.add_commands(["dnf -y update", "dnf -y install docker"]);
/// ud.add_line(stackdef::sub!["echo region=", fns::region()]);
/// ```
///
/// A file can hold `{{name}}` placeholders that typed values replace:
///
/// ```no_run
/// use stackdef::ec2::UserData;
/// use stackdef::fns;
/// let ud = UserData::from_file("scripts/agent.sh").with_variable("REGION", fns::region());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UserData {
    pieces: Vec<Piece>,
    variables: Vec<(String, Value<String>)>,
    /// A file that could not be read: reported where the user data is used.
    problem: Option<(String, SourceLocation)>,
}

impl UserData {
    /// An empty shell script (`#!/bin/bash` with `set -euo pipefail`).
    pub fn for_linux() -> Self {
        UserData {
            pieces: vec![Piece::Text("#!/bin/bash\nset -euo pipefail\n".into())],
            variables: Vec::new(),
            problem: None,
        }
    }

    /// A script from `text` as written (its first line should be its interpreter).
    pub fn custom(text: &str) -> Self {
        UserData {
            pieces: vec![Piece::Text(text.to_owned())],
            variables: Vec::new(),
            problem: None,
        }
    }

    /// The script in `path`, read now: relative paths are from the crate being run
    /// (`CARGO_MANIFEST_DIR`, which `cargo run` and `cargo test` set), else from the
    /// working directory. A missing file is reported at synth with the path and this line.
    #[track_caller]
    pub fn from_file(path: &str) -> Self {
        let location = SourceLocation::caller();
        let full = crate::include::crate_relative(std::path::Path::new(path));
        match std::fs::read_to_string(&full) {
            Ok(text) => UserData::custom(&text),
            Err(e) => UserData {
                pieces: Vec::new(),
                variables: Vec::new(),
                problem: Some((
                    format!(
                        "cannot read the user data file {} ({e}); paths are relative to the crate's directory",
                        full.display()
                    ),
                    location,
                )),
            },
        }
    }

    /// Appends commands, one per line.
    pub fn add_commands<S: AsRef<str>>(
        &mut self,
        commands: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        for c in commands {
            self.pieces.push(Piece::Text(format!("{}\n", c.as_ref())));
        }
        self
    }

    /// Appends a line holding a value known at deploy time (`sub![...]`).
    pub fn add_line(&mut self, line: impl Into<Value<String>>) -> &mut Self {
        self.pieces.push(Piece::Value(line.into()));
        self.pieces.push(Piece::Text("\n".into()));
        self
    }

    /// Replaces `{{name}}` in the script's text with `value`.
    pub fn with_variable(mut self, name: &str, value: impl Into<Value<String>>) -> Self {
        self.variables.push((name.to_owned(), value.into()));
        self
    }

    /// Why this user data cannot be used, and where it was made, if so.
    pub(crate) fn problem(&self) -> Option<&(String, SourceLocation)> {
        self.problem.as_ref()
    }

    /// The script as pieces, placeholders replaced; unknown placeholders are returned too.
    fn parts(&self) -> (Vec<Piece>, Vec<String>) {
        let mut parts = Vec::new();
        let mut unknown = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Value(v) => parts.push(Piece::Value(v.clone())),
                Piece::Text(text) => {
                    let mut rest = text.as_str();
                    while let Some(start) = rest.find("{{") {
                        let Some(len) = rest[start + 2..].find("}}") else {
                            break;
                        };
                        let name = &rest[start + 2..start + 2 + len];
                        match self.variables.iter().find(|(n, _)| n == name.trim()) {
                            Some((_, value)) => {
                                parts.push(Piece::Text(rest[..start].to_owned()));
                                parts.push(Piece::Value(value.clone()));
                            }
                            None => {
                                if !name.trim().is_empty()
                                    && name
                                        .trim()
                                        .chars()
                                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                                {
                                    unknown.push(name.trim().to_owned());
                                }
                                parts.push(Piece::Text(rest[..start + 4 + len].to_owned()));
                            }
                        }
                        rest = &rest[start + 4 + len..];
                    }
                    parts.push(Piece::Text(rest.to_owned()));
                }
            }
        }
        (parts, unknown)
    }

    /// Placeholders in the script that no variable fills.
    pub(crate) fn unknown_placeholders(&self) -> Vec<String> {
        self.parts().1
    }

    /// Bytes the script takes once base64-encoded, counting only its literal text (values
    /// computed at deploy time add to it).
    pub fn encoded_len_at_least(&self) -> usize {
        let text: usize = self
            .parts()
            .0
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Value(v) => v.as_literal().map_or(0, String::len),
            })
            .sum();
        text.div_ceil(3) * 4
    }

    /// `Fn::Base64` of the script.
    pub fn to_base64(&self) -> Value<String> {
        let pieces = self.parts().0.into_iter().map(|p| match p {
            Piece::Text(t) => SubPiece::from(t),
            Piece::Value(v) => SubPiece::from(v),
        });
        fns::base64(fns::sub(pieces))
    }
}
