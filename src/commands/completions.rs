//! `completions SHELL`: a completion script generated from the command-line definition.

use anyhow::Result;

use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};
use crate::output::Ui;

/// Print the completion script for the shell to stdout.
pub fn run(args: &CompletionsArgs, ui: &mut Ui) -> Result<Outcome> {
    // Generated into memory first: clap_complete panics on a write error, and a closed pipe
    // (`tagpilot completions bash | head`) must be an ordinary success.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "tagpilot", &mut script);
    ui.out().write_all(&script)?;
    Ok(Outcome::Success)
}
