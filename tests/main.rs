//! The one integration test binary: each module tests one area through the library or the CLI.

mod registry;
mod support;
