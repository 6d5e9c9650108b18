//! The `TAGPILOT_*` variables, read the forgiving way: a boolean takes `1`/`0`, `yes`/`no`,
//! `on`/`off` and `true`/`false` (in any case), a wrong value is an error that names the
//! variable, and an empty variable counts as unset, with a warning. clap reads the values;
//! this adjusts its command before it does.

use std::ffi::OsString;

use clap::builder::BoolishValueParser;
use clap::{Arg, ArgAction, Command};

/// The words a boolean variable takes.
const TRUE: [&str; 4] = ["true", "1", "yes", "on"];
const FALSE: [&str; 4] = ["false", "0", "no", "off"];

/// `command` with its variables prepared, and a warning for each empty one; an error
/// naming the variable for a boolean that is neither true nor false.
pub fn prepare(
    mut command: Command,
    var: impl Fn(&str) -> Option<OsString>,
) -> Result<(Command, Vec<String>), String> {
    let mut warnings = Vec::new();
    let mut fix = |arg: Arg| -> Result<Arg, String> {
        let Some(name) = arg.get_env().map(|n| n.to_string_lossy().into_owned()) else {
            return Ok(arg);
        };
        let boolean = matches!(arg.get_action(), ArgAction::SetTrue);
        let Some(value) = var(&name) else {
            return Ok(arg);
        };
        let text = value.to_string_lossy().trim().to_lowercase();
        if text.is_empty() {
            warnings.push(format!("{name} is set but empty, so it is ignored"));
            return Ok(arg.env(None::<&str>));
        }
        if !boolean {
            return Ok(arg);
        }
        if TRUE.contains(&text.as_str()) || FALSE.contains(&text.as_str()) {
            return Ok(arg.value_parser(BoolishValueParser::new()));
        }
        Err(format!(
            "{name}={}: expected true or false (1 or 0, yes or no, on or off)",
            value.to_string_lossy()
        ))
    };
    command = fix_args(command, &mut fix)?;
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let Some(sub) = command.find_subcommand(&name).cloned() else {
            continue;
        };
        let fixed = fix_args(sub, &mut fix)?;
        command = command.mut_subcommand(name, |_| fixed);
    }
    warnings.sort();
    warnings.dedup();
    Ok((command, warnings))
}

/// `command` with `fix` applied to each of its own arguments.
fn fix_args(
    mut command: Command,
    fix: &mut impl FnMut(Arg) -> Result<Arg, String>,
) -> Result<Command, String> {
    let args: Vec<Arg> = command.get_arguments().cloned().collect();
    for arg in args {
        let id = arg.get_id().as_str().to_owned();
        let fixed = fix(arg)?;
        command = command.mut_arg(id, |_| fixed);
    }
    Ok(command)
}
