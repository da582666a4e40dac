use stackdef::Construct;

#[derive(Construct)]
struct WrongType {
    node: String,
}

fn main() {}
