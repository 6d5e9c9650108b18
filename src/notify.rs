//! Notifications (SPEC §8.4): after a write command that changed something or failed, post
//! the report to each `--notify` URL, as the JSON document or as a Slack message. A failed
//! notification is a warning; it never changes the outcome of the run.

use std::time::Duration;

use serde_json::json;

use crate::cli::{NotifyFormat, WriteArgs};
use crate::output::Ui;
use crate::output::report::Report;

/// Attempts per URL.
const ATTEMPTS: u32 = 3;
/// Timeout of one attempt.
const TIMEOUT: Duration = Duration::from_secs(10);

/// One place to post the report to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    /// The URL.
    pub url: &'a str,
    /// The body's format.
    pub format: NotifyFormat,
}

/// The URLs to post to, each with its format: the configuration file's `notify` entries may
/// name one, otherwise `--notify-format` applies.
pub fn targets(args: &WriteArgs) -> Vec<Target<'_>> {
    args.notify
        .iter()
        .map(|url| Target {
            url,
            format: args
                .notify_formats
                .get(url)
                .copied()
                .unwrap_or(args.notify_format),
        })
        .collect()
}

/// The body to post.
pub fn body(report: &Report, format: NotifyFormat) -> serde_json::Value {
    match format {
        NotifyFormat::Json => serde_json::to_value(report).unwrap_or_default(),
        NotifyFormat::Slack => {
            let mut lines = Vec::new();
            for result in &report.results {
                for update in &result.updates {
                    lines.push(format!(
                        "{}: {}: {} -> {}",
                        result.id,
                        update.container,
                        update.from.as_deref().unwrap_or("(none)"),
                        update.to.as_deref().unwrap_or("(removed)")
                    ));
                }
            }
            lines.extend(report.errors.iter().map(|e| format!("error: {e}")));
            if let Some(commit) = &report.commit {
                let short: String = commit.chars().take(7).collect();
                lines.push(format!(
                    "commit {short}{}",
                    if report.pushed { " pushed" } else { "" }
                ));
            }
            json!({ "text": lines.join("\n") })
        }
    }
}

/// Post the report to every target; failures are printed as warnings.
pub fn send(targets: &[Target<'_>], report: &Report, ui: &mut Ui) {
    if targets.is_empty() {
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return ui.warn(&format!("sending notifications: {err}")),
    };
    let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
        Ok(client) => client,
        Err(err) => return ui.warn(&format!("sending notifications: {err}")),
    };
    for &Target { url, format } in targets {
        let shown = redact(url);
        let body = body(report, format);
        let result = runtime.block_on(async {
            let mut last = String::new();
            for attempt in 1..=ATTEMPTS {
                match client.post(url).json(&body).send().await {
                    Ok(reply) if reply.status().is_success() => return Ok(()),
                    Ok(reply) => last = format!("HTTP {}", reply.status().as_u16()),
                    Err(err) => last = without_url(&err),
                }
                if attempt < ATTEMPTS {
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                }
            }
            Err(last)
        });
        match result {
            Ok(()) => ui.info(&format!("notified {shown}")),
            Err(err) => ui.warn(&format!(
                "notifying {shown} failed after {ATTEMPTS} attempts: {err}"
            )),
        }
    }
}

/// A URL for messages: webhook URLs carry their secret in the path or query, so only the
/// scheme and host are shown.
fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) => format!(
            "{}://{}{}/…",
            parsed.scheme(),
            parsed.host_str().unwrap_or(""),
            parsed.port().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => "(an invalid URL)".to_owned(),
    }
}

/// A reqwest error's text without the URL it names.
fn without_url(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(url.as_str(), "");
    }
    text.replace(" for ", " ")
        .replace("()", "")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::report::{Status, Update, WorkloadResult};

    #[test]
    fn slack_text_has_a_line_per_update_and_error() {
        let report = Report {
            commit: Some("0123456789abcdef".into()),
            pushed: true,
            results: vec![WorkloadResult {
                id: "default:deployment/app".into(),
                file: "app.yaml".into(),
                status: Status::Success,
                reason: None,
                updates: vec![Update {
                    container: "app".into(),
                    from: Some("nginx:1.0".into()),
                    to: Some("1.1".into()),
                }],
                skipped: Vec::new(),
            }],
            errors: vec!["default:deployment/db: db: HTTP 503".into()],
            ..Report::default()
        };
        assert_eq!(
            body(&report, NotifyFormat::Slack),
            json!({"text": "default:deployment/app: app: nginx:1.0 -> 1.1\nerror: default:deployment/db: db: HTTP 503\ncommit 0123456 pushed"})
        );
        assert_eq!(
            redact("https://hooks.slack.com/services/T/B/secret"),
            "https://hooks.slack.com/…"
        );
    }
}
