//! The one integration test binary: each module tests one area through the library or the CLI.

mod completions;
mod config;
mod crash;
mod deploy;
mod docs;
mod flux_cases;
mod forge;
mod git_safety;
mod help;
mod hooks;
mod list_images;
mod list_workloads;
mod markers;
mod notify;
mod policy;
mod registry;
mod registry_trust;
mod reports;
mod signing;
mod support;
mod sync;
mod tls;
mod transport;
mod truth;
mod vendors;
mod yaml_keys;
