//! tagpilot keeps the container images in GitOps manifest repositories up to date.
//!
//! It reads the Kubernetes manifests in a git repository, finds the workloads marked for
//! automation with Flux v1's annotations, asks the registries which tags exist, picks the
//! newest allowed tag, rewrites only those bytes of YAML, commits and pushes.
//!
//! Dependencies point down: [`commands`] combines [`manifest`], [`registry`], [`policy`],
//! [`git`] and [`output`], which all build on [`image`].

pub mod cli;
pub mod commands;
pub mod git;
pub mod image;
pub mod manifest;
pub mod notify;
pub mod output;
pub mod policy;
pub mod registry;
pub mod secret;
pub mod settings;
