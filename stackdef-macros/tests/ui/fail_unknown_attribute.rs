use stackdef::{Construct, Node};

#[derive(Construct)]
struct Unknown {
    #[construct(id)]
    node: Node,
}

fn main() {}
