use stackdef::{Construct, Node};

#[derive(Construct)]
struct Tuple(Node, u32);

fn main() {}
