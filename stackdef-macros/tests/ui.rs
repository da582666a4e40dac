//! Compile-time behaviour of `#[derive(Construct)]`: what it accepts, and the errors (with
//! their spans) for each misuse. The `.stderr` files are reviewed, not blindly accepted.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_*.rs");
    t.compile_fail("tests/ui/fail_*.rs");
}
