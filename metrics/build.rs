//! Build script: embeds the built-in models.
fn main() {}
