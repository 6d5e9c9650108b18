//! tagpilot binary
fn main() {}
