//! The one integration test binary: each module tests one area through the library or the CLI.

mod support;
mod list_workloads;
mod policy;
