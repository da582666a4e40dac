use stackdef::Construct;

#[derive(Construct)]
struct Unit;

fn main() {}
