//! `--metrics-file`: the run in Prometheus' text exposition format, for node_exporter's
//! textfile collector. Every sample carries the `command` label, so one file per scheduled
//! job keeps its series apart; the last success time is carried over from the file's
//! previous contents when this run failed.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::overview::{HostCount, Overview, RowStatus};

/// The name of the series that survives a failed run.
const LAST_SUCCESS: &str = "tagpilot_last_success_timestamp_seconds";

/// The metrics of a run that ended at `now` after `seconds`; `previous` is the metrics
/// file as it was before (for the last success time of a failed run).
pub fn render(overview: &Overview, now: DateTime<Utc>, seconds: f64, previous: &str) -> String {
    let run = format!("command=\"{}\"", label_value(&overview.command));
    let mut out = Gauges(String::new());
    run_gauges(&mut out, overview, &run, now, seconds, previous);
    host_gauges(&mut out, overview, &run);
    out.0
}

/// The exposition being written.
struct Gauges(String);

impl Gauges {
    /// A gauge with its help and samples (labels, value).
    fn gauge(&mut self, name: &str, help: &str, samples: &[(String, String)]) {
        let _ = writeln!(self.0, "# HELP {name} {help}");
        let _ = writeln!(self.0, "# TYPE {name} gauge");
        for (labels, value) in samples {
            let _ = writeln!(self.0, "{name}{{{labels}}} {value}");
        }
    }
}

/// The series of the run itself: when, how it ended, how long, what it did.
fn run_gauges(
    out: &mut Gauges,
    overview: &Overview,
    run: &str,
    now: DateTime<Utc>,
    seconds: f64,
    previous: &str,
) {
    let one = |value: String| [(run.to_owned(), value)];
    let ended = seconds_since_epoch(now);
    out.gauge(
        "tagpilot_last_run_timestamp_seconds",
        "When the last run ended, in seconds since the Unix epoch.",
        &one(ended.clone()),
    );
    let last_success = if overview.succeeded() {
        Some(ended)
    } else {
        previous_sample(previous, LAST_SUCCESS, run)
    };
    out.gauge(
        LAST_SUCCESS,
        "When the last run that succeeded (exit code 0 or 3) ended, in seconds since the Unix epoch.",
        &last_success
            .map(|v| (run.to_owned(), v))
            .into_iter()
            .collect::<Vec<_>>(),
    );
    out.gauge(
        "tagpilot_last_run_exit_code",
        "The exit code of the last run.",
        &one(overview.exit_code.unwrap_or(1).to_string()),
    );
    out.gauge(
        "tagpilot_last_run_duration_seconds",
        "How long the last run took.",
        &one(format!("{seconds:.3}")),
    );
    out.gauge(
        "tagpilot_last_run_updates",
        "Containers moved to a new tag by the last run (with --dry-run: that would be).",
        &one(overview.count(RowStatus::Updated).to_string()),
    );
    let by_status: Vec<(String, String)> = RowStatus::ALL
        .iter()
        .map(|s| {
            (
                format!("{run},status=\"{}\"", s.label()),
                overview.count(*s).to_string(),
            )
        })
        .collect();
    out.gauge(
        "tagpilot_last_run_containers",
        "Containers looked at by the last run, by what happened to them.",
        &by_status,
    );
}

/// The series per registry host: requests, errors, and pulls where the host counts them.
fn host_gauges(out: &mut Gauges, overview: &Overview, run: &str) {
    let per_host = |pick: &dyn Fn(&HostCount) -> Option<u64>| -> Vec<(String, String)> {
        overview
            .hosts
            .iter()
            .filter_map(|h| {
                let value = pick(h)?;
                Some((
                    format!("{run},host=\"{}\"", label_value(&h.host)),
                    value.to_string(),
                ))
            })
            .collect()
    };
    out.gauge(
        "tagpilot_last_run_registry_requests",
        "Requests the last run sent to each registry host (retries and redirects count).",
        &per_host(&|h| Some(h.requests)),
    );
    out.gauge(
        "tagpilot_last_run_registry_errors",
        "Requests of the last run that got no answer or an HTTP error (401 challenges aside).",
        &per_host(&|h| Some(h.errors)),
    );
    out.gauge(
        "tagpilot_last_run_registry_pulls",
        "Manifest pulls the last run spent of a registry's pull budget (Docker Hub's rate limit).",
        &per_host(&|h| h.pulls),
    );
    out.gauge(
        "tagpilot_registry_pulls_remaining",
        "What is left of a registry's pull budget, as it said last (ratelimit-remaining).",
        &per_host(&|h| h.pulls_left),
    );
}

/// A time as Prometheus writes it: seconds since the epoch, with milliseconds.
fn seconds_since_epoch(t: DateTime<Utc>) -> String {
    format!("{:.3}", t.timestamp_millis() as f64 / 1000.0)
}

/// The value of series `name` with exactly `labels` in an earlier file.
fn previous_sample(previous: &str, name: &str, labels: &str) -> Option<String> {
    let prefix = format!("{name}{{{labels}}} ");
    previous
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .filter(|value| value.parse::<f64>().is_ok())
        .map(str::to_owned)
}

/// A label value escaped as the exposition format requires.
fn label_value(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::overview::HostCount;

    fn overview(exit_code: u8) -> Overview {
        Overview {
            command: "sync".into(),
            exit_code: Some(exit_code),
            hosts: vec![HostCount {
                host: "registry.example.com".into(),
                requests: 12,
                errors: 2,
                pulls: Some(3),
                pulls_left: Some(97),
            }],
            ..Overview::default()
        }
    }

    #[test]
    fn a_failed_run_keeps_the_last_success_time() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let good = render(&overview(0), now, 1.5, "");
        assert!(good.contains(
            "tagpilot_last_success_timestamp_seconds{command=\"sync\"} 1700000000.000\n"
        ));
        assert!(good.contains(
            "tagpilot_last_run_registry_errors{command=\"sync\",host=\"registry.example.com\"} 2\n"
        ));
        let later = DateTime::from_timestamp(1_700_000_600, 0).unwrap();
        let bad = render(&overview(1), later, 0.2, &good);
        assert!(bad.contains(
            "tagpilot_last_success_timestamp_seconds{command=\"sync\"} 1700000000.000\n"
        ));
        assert!(
            bad.contains("tagpilot_last_run_timestamp_seconds{command=\"sync\"} 1700000600.000\n")
        );
        assert!(bad.contains("tagpilot_last_run_exit_code{command=\"sync\"} 1\n"));
        assert!(good.contains(
            "tagpilot_registry_pulls_remaining{command=\"sync\",host=\"registry.example.com\"} 97\n"
        ));
        // Never succeeded: the series is declared but has no sample.
        let never = render(&overview(1), later, 0.2, "");
        assert!(!never.contains("tagpilot_last_success_timestamp_seconds{"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
