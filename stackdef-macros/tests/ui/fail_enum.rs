use stackdef::Construct;

#[derive(Construct)]
enum NotAStruct {
    A,
    B,
}

fn main() {}
