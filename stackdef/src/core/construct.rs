//! The construct tree: every construct has a [`Node`] with an id unique in its scope and a
//! path from its stack (`BankStack/Vpc/PublicSubnet1/Subnet`).
//!
//! Constructs are plain structs that hold their node and their children. A user's own
//! construct derives [`Construct`](macro@crate::Construct) and creates its node with
//! [`Node::new`]; everything created under it is scoped by its path.

use std::cell::RefCell;
use std::rc::Rc;

use stackdef_synth::{ErrorKind, SourceLocation, StackIndex, SynthError};

use crate::app::AppInner;

/// Anything that has a place in the construct tree (stacks, resources, high-level and user
/// constructs). Pass `&impl Construct` as the scope when creating children.
pub trait Construct {
    /// This construct's node.
    fn node(&self) -> &Node;
}

impl<T: Construct + ?Sized> Construct for &T {
    fn node(&self) -> &Node {
        (**self).node()
    }
}

impl<T: Construct + ?Sized> Construct for Rc<T> {
    fn node(&self) -> &Node {
        (**self).node()
    }
}

/// A construct's place in the tree: its app, its stack and its path.
#[derive(Clone)]
pub struct Node {
    pub(crate) app: Rc<RefCell<AppInner>>,
    pub(crate) index: u32,
    pub(crate) stack: StackIndex,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").field("path", &self.path()).finish()
    }
}

pub(crate) struct NodeData {
    /// Path components below the stack (empty for the stack itself).
    pub(crate) path: Rc<[String]>,
    pub(crate) children: std::collections::HashSet<String>,
    pub(crate) location: Option<SourceLocation>,
}

impl Construct for Node {
    fn node(&self) -> &Node {
        self
    }
}

impl Node {
    /// Creates a child node with id `id` under `scope`: the node a new construct holds.
    ///
    /// An id already used in the scope, an empty id or one containing `/` is reported at
    /// synth with this call's source location.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str) -> Node {
        scope.node().child(id, SourceLocation::caller())
    }

    pub(crate) fn child(&self, id: &str, location: SourceLocation) -> Node {
        let mut app = self.app.borrow_mut();
        let parent_path = self.path_string_in(&app);
        if app.synthesized {
            let what = format!("{parent_path}/{id}");
            app.model.errors.push(SynthError::new(
                ErrorKind::AddedAfterSynth { what: what.clone() },
                Some(what),
                Some(location),
            ));
        }
        let mut own_id = id.to_owned();
        let invalid = if id.is_empty() {
            Some("ids cannot be empty")
        } else if id.contains('/') {
            Some("ids cannot contain `/`")
        } else {
            None
        };
        if let Some(reason) = invalid {
            app.model.errors.push(SynthError::new(
                ErrorKind::InvalidId {
                    id: id.to_owned(),
                    reason: reason.to_owned(),
                },
                Some(format!("{parent_path}/{id}")),
                Some(location),
            ));
        }
        let parent = &mut app.nodes[self.index as usize];
        if !parent.children.insert(own_id.clone()) {
            // Keep building so every error is found in one run; the clash is reported here
            // and the duplicate gets a distinct internal id so it causes no second error
            // (alphanumeric: at the top of a stack it is used verbatim as a logical id).
            let mut n = parent.children.len();
            loop {
                own_id = format!("{id}Duplicate{n}");
                if parent.children.insert(own_id.clone()) {
                    break;
                }
                n += 1;
            }
            app.model.errors.push(SynthError::new(
                ErrorKind::DuplicateId { id: id.to_owned() },
                Some(format!("{parent_path}/{id}")),
                Some(location),
            ));
        }
        let mut path: Vec<String> = app.nodes[self.index as usize].path.to_vec();
        path.push(own_id);
        app.nodes.push(NodeData {
            path: path.into(),
            children: Default::default(),
            location: Some(location),
        });
        Node {
            app: self.app.clone(),
            index: (app.nodes.len() - 1) as u32,
            stack: self.stack,
        }
    }

    fn path_string_in(&self, app: &AppInner) -> String {
        let stack = &app.model.stacks[self.stack as usize].name;
        let mut s = stack.clone();
        for part in app.nodes[self.index as usize].path.iter() {
            s.push('/');
            s.push_str(part);
        }
        s
    }

    /// The node `index` of the same app and stack.
    pub(crate) fn sibling(&self, index: u32) -> Node {
        Node {
            app: self.app.clone(),
            index,
            stack: self.stack,
        }
    }

    /// The full path, starting with the stack name.
    pub fn path(&self) -> String {
        self.path_string_in(&self.app.borrow())
    }

    /// This construct's own id (the last path component; the stack name for a stack).
    pub fn id(&self) -> String {
        let app = self.app.borrow();
        match app.nodes[self.index as usize].path.last() {
            Some(id) => id.clone(),
            None => app.model.stacks[self.stack as usize].name.clone(),
        }
    }

    /// The path components below the stack.
    pub(crate) fn components(&self) -> Rc<[String]> {
        self.app.borrow().nodes[self.index as usize].path.clone()
    }

    /// Where in the user's source this construct was created.
    pub fn location(&self) -> Option<SourceLocation> {
        self.app.borrow().nodes[self.index as usize].location
    }

    /// The stack this construct belongs to.
    pub fn stack(&self) -> crate::Stack {
        crate::Stack::from_index(self.app.clone(), self.stack)
    }

    /// Records an error about this construct, reported with all others at synth.
    pub fn report(&self, kind: ErrorKind) {
        let path = self.path();
        let location = self.location();
        self.app
            .borrow_mut()
            .model
            .errors
            .push(SynthError::new(kind, Some(path), location));
    }

    /// Records a construct-level rule violation (a message saying what to do instead),
    /// located where the construct was created.
    pub fn report_message(&self, message: impl Into<String>) {
        self.report(ErrorKind::Construct {
            message: message.into(),
        });
    }

    /// Records a construct-level rule violation located at `location`: the user's call of
    /// a method that broke the rule (`#[track_caller]` + [`SourceLocation::caller`]).
    pub fn report_message_at(&self, location: SourceLocation, message: impl Into<String>) {
        let path = self.path();
        self.app.borrow_mut().model.errors.push(SynthError::new(
            ErrorKind::Construct {
                message: message.into(),
            },
            Some(path),
            Some(location),
        ));
    }

    /// Accepts the findings of `rule` about this construct and everything below it (for a
    /// stack, the whole stack), with the reason: they no longer fail synth and are listed,
    /// with the reason, in the synth report and the manifest.
    ///
    /// ```
    /// use stackdef::check::catalog;
    /// use stackdef::{App, CfnResource, Construct, Env};
    /// let app = App::new();
    /// let stack = app.stack("Admin", Env::region("us-east-1"));
    /// let rule = CfnResource::new(&stack, "Ssh", "AWS::EC2::SecurityGroupIngress");
    /// rule.set_property("GroupId", "sg-12345678");
    /// rule.set_property("IpProtocol", "tcp");
    /// rule.set_property("FromPort", 22);
    /// rule.set_property("ToPort", 22);
    /// rule.set_property("CidrIp", "0.0.0.0/0");
    /// assert!(app.synthesize().is_err()); // SD3003: SSH open to the internet
    ///
    /// let app = App::new();
    /// let stack = app.stack("Admin", Env::region("us-east-1"));
    /// stack.node().acknowledge(catalog::WORLD_OPEN_ADMIN_PORT, "break-glass host, torn down daily");
    /// let rule = CfnResource::new(&stack, "Ssh", "AWS::EC2::SecurityGroupIngress");
    /// rule.set_property("GroupId", "sg-12345678");
    /// rule.set_property("IpProtocol", "tcp");
    /// rule.set_property("FromPort", 22);
    /// rule.set_property("ToPort", 22);
    /// rule.set_property("CidrIp", "0.0.0.0/0");
    /// let out = app.synthesize().unwrap();
    /// assert_eq!(out.warnings[0].acknowledged.as_deref(), Some("break-glass host, torn down daily"));
    /// ```
    #[track_caller]
    pub fn acknowledge(&self, rule: &'static stackdef_check::Rule, reason: impl Into<String>) {
        let location = SourceLocation::caller();
        let reason = reason.into();
        if reason.trim().is_empty() {
            self.report_message_at(
                location,
                format!("acknowledging {} needs a reason", rule.id),
            );
            return;
        }
        let path = self.components().to_vec();
        self.app
            .borrow_mut()
            .model
            .acknowledgements
            .push(stackdef_synth::Acknowledgement {
                stack: self.stack,
                path,
                rule: rule.id.to_owned(),
                reason,
                location: Some(location),
            });
    }

    /// Registers a check that runs at synth, when the whole app is built: each message it
    /// returns is reported as an error about this construct (with its path and source
    /// line). Use it for rules that depend on what is added after the construct is created.
    pub fn add_validation(&self, check: impl Fn() -> Vec<String> + 'static) {
        // Without a live `App` handle nothing can synthesize, so the check would never run.
        let Some(list) = self.app.borrow().validations.upgrade() else {
            return;
        };
        let entry: crate::app::Validation = Rc::new(check);
        list.borrow_mut().push((self.clone(), entry));
    }

    /// Whether two nodes belong to the same app.
    pub fn same_app(&self, other: &Node) -> bool {
        Rc::ptr_eq(&self.app, &other.app)
    }
}
