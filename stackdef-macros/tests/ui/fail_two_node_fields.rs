use stackdef::{Construct, Node};

#[derive(Construct)]
struct Twice {
    #[construct(node)]
    first: Node,
    #[construct(node)]
    second: Node,
}

fn main() {}
