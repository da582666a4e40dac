//! `App` and `Stack`: the roots of the construct tree, and synthesis.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicU32, Ordering};

use stackdef_synth::assembly::{self, AssemblyError};
use stackdef_synth::{
    AppModel, Env, ErrorKind, Manifest, SourceLocation, StackIndex, StackModel, SynthError,
    SynthErrors, SynthOutput,
};

use crate::construct::NodeData;
use crate::{Construct, Node};

pub(crate) struct AppInner {
    pub(crate) model: AppModel,
    pub(crate) nodes: Vec<NodeData>,
    /// Node index of each stack, by stack index.
    pub(crate) stack_nodes: Vec<u32>,
    pub(crate) synthesized: bool,
    /// Where [`Node::add_validation`] puts checks. The list is owned by the `App` handles,
    /// not by the tree: a check captures constructs, whose nodes point back here, so owning
    /// it here would keep every app alive until the process ends.
    pub(crate) validations: Weak<Validations>,
    /// Template items made once per stack and shared by every construct that needs them
    /// (the SSM parameter of a machine image), by `(stack, id)`.
    pub(crate) shared: std::collections::HashMap<(StackIndex, String), Shared>,
}

/// A shared template item: its node and its key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shared {
    Parameter(u32, stackdef_synth::ParameterKey),
    Mapping(u32, stackdef_synth::MappingKey),
}

/// A construct's own check, run at synth when the whole app is built.
pub(crate) type Validation = Rc<dyn Fn() -> Vec<String>>;

/// The checks of one app, each with the construct it reports on.
pub(crate) type Validations = RefCell<Vec<(Node, Validation)>>;

static NEXT_APP_ID: AtomicU32 = AtomicU32::new(1);

/// The root of a stackdef program: holds the stacks and synthesizes them.
///
/// ```no_run
/// use stackdef::{App, Env};
/// let app = App::new();
/// let stack = app.stack("BankStack", Env::aws("123456789012", "us-east-1"));
/// // ... constructs under `stack` ...
/// app.synth()?;
/// # Ok::<(), stackdef::Error>(())
/// ```
#[derive(Clone)]
pub struct App {
    inner: Rc<RefCell<AppInner>>,
    validations: Rc<Validations>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("App")
            .field("stacks", &inner.model.stacks.len())
            .field("resources", &inner.model.resources.len())
            .finish()
    }
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

/// Errors of [`App::synth`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The app is invalid; every problem found is listed.
    #[error(transparent)]
    Synth(#[from] SynthErrors),
    /// The assembly could not be written.
    #[error(transparent)]
    Assembly(#[from] AssemblyError),
}

/// What [`App::synth`] wrote.
#[derive(Debug, Clone)]
pub struct SynthReport {
    /// The assembly directory.
    pub outdir: PathBuf,
    /// The manifest written there.
    pub manifest: Manifest,
}

impl SynthReport {
    /// Findings that did not fail synth: warnings, and findings the program acknowledged.
    pub fn warnings(&self) -> &[stackdef_synth::SynthWarning] {
        &self.manifest.warnings
    }
}

impl std::fmt::Display for SynthReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.manifest.stacks.len();
        writeln!(
            f,
            "Synthesized {n} stack{} to {}",
            if n == 1 { "" } else { "s" },
            self.outdir.display()
        )?;
        for s in &self.manifest.stacks {
            write!(
                f,
                "  {:<24} {:>4} resources  {:>7} bytes  {}  {}",
                s.name,
                s.resources.len(),
                s.template_size,
                s.environment,
                self.outdir.join(&s.template_file).display()
            )?;
            if s.requires_upload {
                write!(f, "  (over 51,200 bytes: deploys through an S3 bucket)")?;
            }
            if !s.dependencies.is_empty() {
                write!(f, "  after: {}", s.dependencies.join(", "))?;
            }
            writeln!(f)?;
        }
        write!(
            f,
            "{}",
            stackdef_synth::WarningList(&self.manifest.warnings)
        )?;
        Ok(())
    }
}

impl App {
    /// An empty app.
    pub fn new() -> Self {
        let id = NEXT_APP_ID.fetch_add(1, Ordering::Relaxed);
        let validations = Rc::new(Validations::default());
        App {
            inner: Rc::new(RefCell::new(AppInner {
                model: AppModel::new(id),
                nodes: Vec::new(),
                stack_nodes: Vec::new(),
                synthesized: false,
                validations: Rc::downgrade(&validations),
                shared: Default::default(),
            })),
            validations,
        }
    }

    /// Adds a stack named `name` deploying to `env`.
    #[track_caller]
    pub fn stack(&self, name: &str, env: Env) -> Stack {
        Stack::new(self, name, env)
    }

    /// The stacks, in declaration order.
    pub fn stacks(&self) -> Vec<Stack> {
        let n = self.inner.borrow().model.stacks.len() as u32;
        (0..n)
            .map(|i| Stack::from_index(self.inner.clone(), i))
            .collect()
    }

    /// Synthesizes every stack in memory (no files written). All errors are returned
    /// together. After this, adding constructs to the app is an error.
    pub fn synthesize(&self) -> Result<SynthOutput, SynthErrors> {
        // Constructs' checks run first, with no borrow held: they read the tree.
        let validations = self.validations.borrow().clone();
        let mut found = Vec::new();
        for (node, check) in validations {
            for message in check() {
                found.push(SynthError::new(
                    ErrorKind::Construct { message },
                    Some(node.path()),
                    node.location(),
                ));
            }
        }
        let mut inner = self.inner.borrow_mut();
        inner.synthesized = true;
        let (errors, warnings) = super::findings::run(&inner.model);
        found.extend(errors);
        let mut output = stackdef_synth::synthesize_with(&inner.model, found)?;
        output.warnings = warnings;
        Ok(output)
    }

    /// Synthesizes and writes the assembly to `$STACKDEF_OUTDIR` or `stackdef.out`.
    pub fn synth(&self) -> Result<SynthReport, Error> {
        self.synth_to(assembly::resolve_outdir(None))
    }

    /// The body of a program's `main`: synthesizes into the assembly directory, prints
    /// the report (or every error, on stderr) and gives the process's exit code.
    ///
    /// ```no_run
    /// use std::process::ExitCode;
    /// use stackdef::{App, Env};
    /// fn main() -> ExitCode {
    ///     let app = App::new();
    ///     app.stack("Empty", Env::region("us-east-1"));
    ///     app.run()
    /// }
    /// ```
    pub fn run(&self) -> std::process::ExitCode {
        match self.synth() {
            Ok(report) => {
                print!("{report}");
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("{error}");
                std::process::ExitCode::FAILURE
            }
        }
    }

    /// Synthesizes and writes the assembly to `dir`.
    pub fn synth_to(&self, dir: impl AsRef<Path>) -> Result<SynthReport, Error> {
        let output = self.synthesize()?;
        let manifest = assembly::write(dir.as_ref(), &output)?;
        Ok(SynthReport {
            outdir: dir.as_ref().to_path_buf(),
            manifest,
        })
    }

    /// A copy of the model built so far (for tools and tests).
    pub fn model(&self) -> AppModel {
        self.inner.borrow().model.clone()
    }
}

/// One CloudFormation stack: the scope for resources, deployed as a unit.
#[derive(Clone, Construct)]
pub struct Stack {
    node: Node,
}

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stack").field("name", &self.name()).finish()
    }
}

impl Stack {
    /// Adds a stack to `app`. The name must be a valid CloudFormation stack name
    /// (letters, digits and hyphens, starting with a letter, at most 128 characters);
    /// an invalid or repeated name is reported at synth.
    #[track_caller]
    pub fn new(app: &App, name: &str, env: Env) -> Stack {
        let location = SourceLocation::caller();
        let mut inner = app.inner.borrow_mut();
        if inner.synthesized {
            inner.model.errors.push(stackdef_synth::SynthError::new(
                stackdef_synth::ErrorKind::AddedAfterSynth {
                    what: format!("stack {name}"),
                },
                Some(name.to_owned()),
                Some(location),
            ));
        }
        inner.model.stacks.push(StackModel {
            name: name.to_owned(),
            env,
            description: None,
            tags: Default::default(),
            explicit_dependencies: Vec::new(),
            location: Some(location),
        });
        let stack = (inner.model.stacks.len() - 1) as StackIndex;
        inner.nodes.push(NodeData {
            path: Rc::from(Vec::new()),
            children: Default::default(),
            location: Some(location),
        });
        let index = (inner.nodes.len() - 1) as u32;
        inner.stack_nodes.push(index);
        drop(inner);
        Stack {
            node: Node {
                app: app.inner.clone(),
                index,
                stack,
            },
        }
    }

    pub(crate) fn from_index(app: Rc<RefCell<AppInner>>, stack: StackIndex) -> Stack {
        let index = app.borrow().stack_nodes[stack as usize];
        Stack {
            node: Node { app, index, stack },
        }
    }

    /// The stack name.
    pub fn name(&self) -> String {
        self.node.app.borrow().model.stacks[self.node.stack as usize]
            .name
            .clone()
    }

    /// Where the stack deploys.
    pub fn env(&self) -> Env {
        self.node.app.borrow().model.stacks[self.node.stack as usize]
            .env
            .clone()
    }

    /// The stack's region, when known at synth.
    pub fn region(&self) -> Option<String> {
        self.env().region
    }

    /// The template's `Description`, when set.
    pub fn description(&self) -> Option<String> {
        self.node.app.borrow().model.stacks[self.node.stack as usize]
            .description
            .clone()
    }

    /// Sets the template's `Description`.
    pub fn set_description(&self, description: impl Into<String>) {
        self.node.app.borrow_mut().model.stacks[self.node.stack as usize].description =
            Some(description.into());
    }

    /// Adds a tag applied to the stack (and by CloudFormation to its resources) at deploy.
    pub fn add_tag(&self, key: impl Into<String>, value: impl Into<String>) {
        self.node.app.borrow_mut().model.stacks[self.node.stack as usize]
            .tags
            .insert(key.into(), value.into());
    }

    /// Makes this stack deploy after `other` even without references between them.
    pub fn add_dependency(&self, other: &Stack) {
        if !self.node.same_app(&other.node) {
            // Its index would name an unrelated stack of this app (or none at all).
            self.node.report(stackdef_synth::ErrorKind::DanglingReference {
                detail: format!(
                    "depends on stack `{}` of another app; stacks can only depend on stacks of their own app",
                    other.name()
                ),
            });
            return;
        }
        self.node.app.borrow_mut().model.stacks[self.node.stack as usize]
            .explicit_dependencies
            .push(other.node.stack);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_with_validations_is_freed_when_its_handles_are_dropped() {
        let app = App::new();
        let stack = app.stack("Checked", Env::agnostic());
        let node = Node::new(&stack, "Rule");
        // The check captures a node, which points back at the tree.
        let captured = node.clone();
        node.add_validation(move || vec![format!("checked {}", captured.path())]);
        let errors = app.synthesize().expect_err("the check reports one error");
        assert!(
            errors.to_string().contains("checked Checked/Rule"),
            "{errors}"
        );

        let tree = Rc::downgrade(&app.inner);
        drop((app, stack, node));
        assert!(
            tree.upgrade().is_none(),
            "the construct tree outlived its app"
        );
    }
}
