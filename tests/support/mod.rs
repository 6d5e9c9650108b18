//! Test harness: temporary repositories, the CLI runner, a real registry.
pub mod fake_http;
pub mod registry;
