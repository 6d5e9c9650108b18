//! `completions SHELL`: a completion script generated from the command-line definition.

use anyhow::Result;

use super::Outcome;
use crate::cli::CompletionsArgs;
use crate::output::Ui;

/// Print the completion script for the shell to stdout.
pub fn run(args: &CompletionsArgs, ui: &mut Ui) -> Result<Outcome> {
    // Generated into memory first: clap_complete panics on a write error, and a closed pipe
    // (`tagpilot completions bash | head`) must be an ordinary success.
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut crate::cli::shown(),
        "tagpilot",
        &mut script,
    );
    ui.out().write_all(&script)?;
    Ok(Outcome::Success)
}
