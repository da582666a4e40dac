use stackdef::{CfnResource, Construct};

#[derive(Construct)]
struct Environment {
    vpc: CfnResource,
    name: String,
}

fn main() {}
