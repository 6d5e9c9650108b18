//! `sync`: move every automated, unlocked workload to its newest allowed tags.

use anyhow::Result;

use super::Outcome;
use super::update::{self, Job};
use crate::cli::{GlobalArgs, SyncArgs};
use crate::output::Ui;

/// Run `sync`.
pub fn run(global: &GlobalArgs, args: &SyncArgs, ui: &mut Ui) -> Result<Outcome> {
    update::run(global, &args.write, &Job::Sync, ui)
}
