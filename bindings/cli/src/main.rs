//! The `rvmaf` command line.
fn main() {}
