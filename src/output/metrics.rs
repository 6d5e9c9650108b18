//! `--metrics-file`: the run in Prometheus' text exposition format, for node_exporter's
//! textfile collector. Every sample carries the `command` label, so one file per scheduled
//! job keeps its series apart; the last success time is carried over from the file's
//! previous contents when this run failed.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::overview::{Overview, RowStatus};

/// The name of the series that survives a failed run.
const LAST_SUCCESS: &str = "tagpilot_last_success_timestamp_seconds";

/// The metrics of a run that ended at `now` after `seconds`; `previous` is the metrics
/// file as it was before (for the last success time of a failed run).
pub fn render(overview: &Overview, now: DateTime<Utc>, seconds: f64, previous: &str) -> String {
    let command = label_value(&overview.command);
    let run = format!("command=\"{command}\"");
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, samples: &[(String, String)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    };
    let ended = seconds_since_epoch(now);
    gauge(
        "tagpilot_last_run_timestamp_seconds",
        "When the last run ended, in seconds since the Unix epoch.",
        &[(run.clone(), ended.clone())],
    );
    let last_success = if overview.succeeded() {
        Some(ended)
    } else {
        previous_sample(previous, LAST_SUCCESS, &run)
    };
    gauge(
        LAST_SUCCESS,
        "When the last run that succeeded (exit code 0 or 3) ended, in seconds since the Unix epoch.",
        &last_success
            .map(|v| (run.clone(), v))
            .into_iter()
            .collect::<Vec<_>>(),
    );
    gauge(
        "tagpilot_last_run_exit_code",
        "The exit code of the last run.",
        &[(run.clone(), overview.exit_code.unwrap_or(1).to_string())],
    );
    gauge(
        "tagpilot_last_run_duration_seconds",
        "How long the last run took.",
        &[(run.clone(), format!("{seconds:.3}"))],
    );
    let updated = overview.count(RowStatus::Updated);
    gauge(
        "tagpilot_last_run_updates",
        "Containers moved to a new tag by the last run (with --dry-run: that would be).",
        &[(run.clone(), updated.to_string())],
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
    gauge(
        "tagpilot_last_run_containers",
        "Containers looked at by the last run, by what happened to them.",
        &by_status,
    );
    let per_host = |pick: fn(&super::overview::HostCount) -> u64| -> Vec<(String, String)> {
        overview
            .hosts
            .iter()
            .map(|h| {
                (
                    format!("{run},host=\"{}\"", label_value(&h.host)),
                    pick(h).to_string(),
                )
            })
            .collect()
    };
    gauge(
        "tagpilot_last_run_registry_requests",
        "Requests the last run sent to each registry host (retries and redirects count).",
        &per_host(|h| h.requests),
    );
    gauge(
        "tagpilot_last_run_registry_errors",
        "Requests of the last run that got no answer or an HTTP error (401 challenges aside).",
        &per_host(|h| h.errors),
    );
    let budget = |pick: fn(&super::overview::HostCount) -> Option<u64>| -> Vec<(String, String)> {
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
    gauge(
        "tagpilot_last_run_registry_pulls",
        "Manifest pulls the last run spent of a registry's pull budget (Docker Hub's rate limit).",
        &budget(|h| h.pulls),
    );
    gauge(
        "tagpilot_registry_pulls_remaining",
        "What is left of a registry's pull budget, as it said last (ratelimit-remaining).",
        &budget(|h| h.pulls_left),
    );
    out
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
