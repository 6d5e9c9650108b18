//! `completions SHELL`: a completion script generated from the command-line definition.

use anyhow::Result;
use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};
use crate::output::Ui;

/// Print the completion script for the shell to stdout.
pub fn run(args: &CompletionsArgs, ui: &mut Ui) -> Result<Outcome> {
    clap_complete::generate(args.shell, &mut Cli::command(), "tagpilot", ui.out());
    Ok(Outcome::Success)
}
