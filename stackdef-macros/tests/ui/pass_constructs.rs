use stackdef::{App, CfnResource, Construct, Env, Node};

/// The node in a field named `node`.
#[derive(Construct)]
struct Named {
    node: Node,
    topic: CfnResource,
}

/// The node in a field marked `#[construct(node)]`; other attributes are left alone.
#[derive(Construct)]
#[allow(dead_code)]
struct Marked {
    #[construct(node)]
    scope: Node,
    #[allow(unused)]
    node: u32,
}

/// Generics, lifetimes and where clauses are carried over.
#[derive(Construct)]
struct Generic<'a, T: Clone>
where
    T: Default,
{
    node: Node,
    label: &'a str,
    value: T,
}

fn main() {
    let app = App::new();
    let stack = app.stack("Ui", Env::agnostic());
    let node = Node::new(&stack, "Named");
    let topic = CfnResource::new(&node, "Topic", "AWS::SNS::Topic");
    let named = Named { node, topic };
    assert_eq!(named.node().path(), "Ui/Named");
    assert_eq!(named.topic.node().path(), "Ui/Named/Topic");

    let marked = Marked { scope: Node::new(&stack, "Marked"), node: 1 };
    assert_eq!(marked.node().path(), "Ui/Marked");

    let generic = Generic { node: Node::new(&named, "Inner"), label: "x", value: 3u8 };
    assert_eq!(generic.node().path(), "Ui/Named/Inner");
    assert_eq!((generic.label, generic.value), ("x", 3));

    // A derived construct is a scope like any other.
    fn takes_scope(scope: &impl Construct) -> String {
        scope.node().path()
    }
    assert_eq!(takes_scope(&marked), "Ui/Marked");
}
