//! The `clause9` command.

fn main() {}
