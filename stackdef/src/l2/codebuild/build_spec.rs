//! [`BuildSpec`]: the build's phases, commands and artifacts, written in Rust and rendered
//! as the JSON form of a buildspec (which CodeBuild reads as YAML: JSON is YAML).

use std::collections::BTreeMap;

/// A buildspec phase, in the order CodeBuild runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// `install`: install tools.
    Install,
    /// `pre_build`: log in, fetch dependencies.
    PreBuild,
    /// `build`: build and test.
    Build,
    /// `post_build`: push, package, write files for later actions.
    PostBuild,
}

impl Phase {
    /// The phase's key in a buildspec.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Install => "install",
            Phase::PreBuild => "pre_build",
            Phase::Build => "build",
            Phase::PostBuild => "post_build",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Inline {
    variables: BTreeMap<String, String>,
    phases: BTreeMap<Phase, Vec<String>>,
    artifact_files: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Spec {
    Inline(Inline),
    SourceFile(String),
}

/// What a build does.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSpec(Spec);

impl Default for BuildSpec {
    fn default() -> Self {
        BuildSpec::new()
    }
}

impl BuildSpec {
    /// An empty inline buildspec (version 0.2).
    pub fn new() -> Self {
        BuildSpec(Spec::Inline(Inline::default()))
    }

    /// The buildspec in the source, at `path` (`buildspec.yml`): read by CodeBuild at
    /// build time, so stackdef cannot check what it runs.
    pub fn from_source_file(path: &str) -> Self {
        BuildSpec(Spec::SourceFile(path.to_owned()))
    }

    fn inline(mut self, f: impl FnOnce(&mut Inline)) -> Self {
        match &mut self.0 {
            Spec::Inline(spec) => f(spec),
            // Nothing to add to: the file in the source decides.
            Spec::SourceFile(_) => {}
        }
        self
    }

    /// Appends `commands` to `phase`.
    pub fn phase<S: Into<String>>(
        self,
        phase: Phase,
        commands: impl IntoIterator<Item = S>,
    ) -> Self {
        self.inline(|s| {
            s.phases
                .entry(phase)
                .or_default()
                .extend(commands.into_iter().map(Into::into))
        })
    }

    /// A plain variable the commands see (for values known when writing the program; give
    /// deploy-time values to the project's `environment`).
    pub fn variable(self, name: &str, value: &str) -> Self {
        self.inline(|s| {
            s.variables.insert(name.to_owned(), value.to_owned());
        })
    }

    /// Files the build hands to the next pipeline action (paths or globs, relative to
    /// the source root).
    pub fn artifact_files<S: Into<String>>(self, files: impl IntoIterator<Item = S>) -> Self {
        self.inline(|s| s.artifact_files.extend(files.into_iter().map(Into::into)))
    }

    /// Every command, in the order they run (empty for a buildspec in the source).
    pub fn commands(&self) -> Vec<&str> {
        match &self.0 {
            Spec::Inline(s) => s.phases.values().flatten().map(String::as_str).collect(),
            Spec::SourceFile(_) => Vec::new(),
        }
    }

    /// Whether an inline buildspec runs the Docker client (which needs privileged mode).
    pub fn runs_docker(&self) -> bool {
        self.commands().iter().any(|c| {
            c.split(|ch: char| ch.is_whitespace() || ch == ';' || ch == '&' || ch == '|')
                .any(|word| word == "docker")
        })
    }

    /// Whether the buildspec lists artifact files.
    pub fn has_artifacts(&self) -> bool {
        match &self.0 {
            Spec::Inline(s) => !s.artifact_files.is_empty(),
            // The file may declare some: trust it.
            Spec::SourceFile(_) => true,
        }
    }

    /// `Source.BuildSpec`: the JSON text, or the file's path.
    pub(crate) fn render(&self) -> String {
        let s = match &self.0 {
            Spec::Inline(s) => s,
            Spec::SourceFile(path) => return path.clone(),
        };
        let mut root = serde_json::Map::new();
        root.insert("version".into(), "0.2".into());
        if !s.variables.is_empty() {
            root.insert(
                "env".into(),
                serde_json::json!({ "variables": s.variables }),
            );
        }
        let mut phases = serde_json::Map::new();
        for (phase, commands) in &s.phases {
            phases.insert(
                phase.as_str().into(),
                serde_json::json!({ "commands": commands }),
            );
        }
        root.insert("phases".into(), phases.into());
        if !s.artifact_files.is_empty() {
            root.insert(
                "artifacts".into(),
                serde_json::json!({ "files": s.artifact_files }),
            );
        }
        serde_json::Value::Object(root).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_phases_in_run_order() {
        let spec = BuildSpec::new()
            .phase(Phase::PostBuild, ["docker push x"])
            .phase(Phase::PreBuild, ["aws ecr get-login-password"])
            .artifact_files(["imagedefinitions.json"]);
        assert_eq!(
            spec.render(),
            r#"{"version":"0.2","phases":{"pre_build":{"commands":["aws ecr get-login-password"]},"post_build":{"commands":["docker push x"]}},"artifacts":{"files":["imagedefinitions.json"]}}"#
        );
        assert!(spec.runs_docker());
        assert!(
            !BuildSpec::new()
                .phase(Phase::Build, ["dockerize"])
                .runs_docker()
        );
        assert!(
            BuildSpec::new()
                .phase(Phase::Build, ["cd app && docker build ."])
                .runs_docker()
        );
    }
}
