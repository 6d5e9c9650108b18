//! Notifications: after a write command that changed something or failed, post the report
//! to each `--notify` URL, as the JSON document or as a Slack message. A webhook URL's path
//! is its secret, so no redirect is followed and no `Referer` is sent. A failed
//! notification is a warning that names the cause; it never changes the outcome of the run.

use std::time::Duration;

use serde_json::json;

use crate::output::Ui;
use crate::report::Report;

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
    pub format: Format,
}

/// What a notification's body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The JSON report.
    Json,
    /// `{"text": …}` for a Slack incoming webhook.
    Slack,
}

/// The body to post.
pub fn body(report: &Report, format: Format) -> serde_json::Value {
    match format {
        Format::Json => serde_json::to_value(report).unwrap_or_default(),
        Format::Slack => {
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
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .build()
    {
        Ok(client) => client,
        Err(err) => return ui.warn(&format!("sending notifications: {err}")),
    };
    for &Target { url, format } in targets {
        let shown = redact(url);
        let body = body(report, format);
        match runtime.block_on(post(&client, url, &body)) {
            Ok(()) => ui.info(&format!("notified {shown}")),
            Err(err) => ui.warn(&format!("notifying {shown} failed: {err}")),
        }
    }
}

/// Post one body, up to [`ATTEMPTS`] times while the failure may be temporary (a transport
/// error, HTTP 408, 429 or 5xx); the error says why the last attempt failed.
async fn post(client: &reqwest::Client, url: &str, body: &serde_json::Value) -> Result<(), String> {
    let mut attempt = 1;
    loop {
        let (error, temporary) = match client.post(url).json(body).send().await {
            Ok(reply) if reply.status().is_success() => return Ok(()),
            Ok(reply) => {
                let status = reply.status();
                let temporary = status.is_server_error() || matches!(status.as_u16(), 408 | 429);
                (refusal(&reply), temporary)
            }
            Err(err) => (cause(&err), true),
        };
        if !temporary {
            return Err(error);
        }
        if attempt == ATTEMPTS {
            return Err(format!("{error} (tried {ATTEMPTS} times)"));
        }
        tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
        attempt += 1;
    }
}

/// Why a receiver's answer is not a success: its status, and for a redirect where it points
/// (shown like the URL, without its path) and that redirects are not followed.
fn refusal(reply: &reqwest::Response) -> String {
    let status = reply.status();
    let text = format!(
        "HTTP {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    if !status.is_redirection() {
        return text.trim_end().to_owned();
    }
    let target = reply
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| reply.url().join(l).ok())
        .map_or_else(|| "elsewhere".to_owned(), |to| redact(to.as_str()));
    format!(
        "{}: the receiver redirects to {target}, and notifications follow no redirects \
         (the URL's path is its secret); give the new URL to --notify",
        text.trim_end()
    )
}

/// A transport error and its causes, one after the other, without the URL (whose path is
/// the webhook's secret): `could not connect: tcp connect error: Connection refused …`. A
/// cause that only says again what is around it is left out.
fn cause(err: &reqwest::Error) -> String {
    let first = if err.is_timeout() {
        // A timeout's causes only say the same again.
        return format!("no answer within {} s", TIMEOUT.as_secs());
    } else if err.is_connect() {
        "could not connect"
    } else {
        "sending the request failed"
    };
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let text = s.to_string();
        causes.push(match err.url() {
            Some(url) => text.replace(url.as_str(), "…"),
            None => text,
        });
        source = s.source();
    }
    let mut parts = vec![first.to_owned()];
    for (i, text) in causes.iter().enumerate() {
        let next = causes.get(i + 1).map_or("", String::as_str);
        // hyper's `client error (Connect)` only repeats the kind named first.
        let repeated = text.is_empty()
            || text.starts_with("client error (")
            || parts.iter().any(|p| p.contains(text.as_str()))
            || said_again(text, next);
        if !repeated {
            parts.push(text.clone());
        }
    }
    parts.join(": ")
}

/// Whether every word of `text` is also in `next` (ignoring case), as `dns error` is in
/// `error resolving DNS: …`.
fn said_again(text: &str, next: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let next = words(next);
    !next.is_empty() && words(text).iter().all(|w| next.contains(w))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Status, Update, WorkloadResult};

    #[test]
    fn a_cause_repeated_by_the_next_is_left_out() {
        assert!(said_again(
            "dns error",
            "error resolving DNS: failed to lookup address information"
        ));
        assert!(!said_again(
            "tcp connect error",
            "Connection refused (os error 111)"
        ));
        assert!(!said_again("dns error", ""));
    }

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
                failures: Vec::new(),
                skipped: Vec::new(),
            }],
            errors: vec!["default:deployment/db: db: HTTP 503".into()],
            ..Report::default()
        };
        assert_eq!(
            body(&report, Format::Slack),
            json!({"text": "default:deployment/app: app: nginx:1.0 -> 1.1\nerror: default:deployment/db: db: HTTP 503\ncommit 0123456 pushed"})
        );
        assert_eq!(
            redact("https://hooks.slack.com/services/T/B/secret"),
            "https://hooks.slack.com/…"
        );
    }
}
