//! The `tagpilot` binary: read the settings (command line, environment, configuration file),
//! run the command, print `error: …` and map the outcome to an exit code. A closed
//! stdout (`tagpilot … | head`) is success.

use std::io::{self, BufWriter, ErrorKind};
use std::process::ExitCode;

use tagpilot::commands;
use tagpilot::output::Ui;
use tagpilot::settings::{self, ArgsError};

fn main() -> ExitCode {
    let cli = match settings::parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(ArgsError::Clap(err)) => err.exit(),
        Err(ArgsError::Help(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        // A configuration file that cannot be used is a usage error, like a wrong flag.
        Err(ArgsError::Config(err)) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    let verbosity = if cli.global.quiet {
        -1
    } else {
        i8::try_from(cli.global.verbose).unwrap_or(i8::MAX)
    };
    let mut ui = Ui::new(
        Box::new(BufWriter::new(io::stdout().lock())),
        Box::new(io::stderr()),
        verbosity,
        settings::use_color(cli.global.color),
    );
    for warning in &cli.global.config_warnings {
        ui.warn(warning);
    }
    let result = commands::run(cli, &mut ui);
    let flushed = ui.flush();
    match result {
        Ok(outcome) => match flushed {
            Err(err) if err.kind() != ErrorKind::BrokenPipe => {
                eprintln!("error: writing the output: {err}");
                ExitCode::from(1)
            }
            _ => ExitCode::from(outcome.code()),
        },
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            ui.error(&format!("{err:#}"));
            ExitCode::from(if commands::is_usage_error(&err) { 2 } else { 1 })
        }
    }
}

/// Whether the error comes from writing to a closed pipe.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == ErrorKind::BrokenPipe)
    })
}
