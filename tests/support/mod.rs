//! Test harness: temporary repositories, the CLI runner, a real registry.
