//! `release`: move the chosen workloads to an image tag (`-i`), or every container to its
//! newest allowed tag, whether or not they are automated.

use anyhow::Result;

use super::Outcome;
use super::update::{self, Job};
use crate::cli::{GlobalArgs, ReleaseArgs};
use crate::output::Ui;

/// Run `release`.
pub fn run(global: &GlobalArgs, args: &ReleaseArgs, ui: &mut Ui) -> Result<Outcome> {
    update::run(global, &args.write, &Job::Release(args), ui)
}
