//! tagpilot keeps the container images in GitOps manifest repositories up to date.
//!
//! It reads the Kubernetes manifests in a git repository, finds the workloads marked for
//! automation with Flux v1's annotations and the values marked with Flux v2's setters or
//! its own markers, asks the registries which tags exist, picks the newest allowed tag,
//! rewrites only those bytes of YAML, commits and pushes (or opens a pull request).
//!
//! Dependencies point down, in layers:
//!
//! - [`cli`] defines the command line (clap) and [`settings`] resolves it, with the
//!   environment and the configuration file, into the values the layers below take;
//! - [`commands`] runs one subcommand: the only module that combines the ones below;
//! - [`forge`] speaks the forges' pull request APIs, for `commands` alone;
//! - [`notify`] posts reports, and [`output`] renders tables, JSON, Markdown, HTML and
//!   metrics; both know [`report`] (what a write command did, as a value), and `output`
//!   the scanned workloads of [`manifest`], but no registry or git type;
//! - [`manifest`] (reading and byte-exact editing of YAML), [`registry`] (the registry
//!   client), [`policy`] (tag patterns and choosing a tag) and [`git`] (libgit2) know
//!   nothing of each other or of the command line; `registry` builds on [`image`]
//!   (references) and, like `git`, on [`secret`] (values never printed).

pub mod cli;
pub mod commands;
pub mod forge;
pub mod git;
pub mod image;
pub mod manifest;
pub mod notify;
pub mod output;
pub mod policy;
pub mod registry;
pub mod report;
pub mod secret;
pub mod settings;
