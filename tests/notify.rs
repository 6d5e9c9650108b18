//! `--notify` against local receivers: no redirect is followed and no `Referer` is sent (a
//! webhook URL's path is its secret), and a failed notification is a warning that names
//! the cause, while the run's own outcome stands.

use crate::support::fake_http::{FakeServer, Response};
use crate::support::harness::{Ran, Test};

/// `lock` of a repository's one workload with `--notify URL`: it commits, then posts the
/// report.
fn lock_and_notify(url: &str) -> Ran {
    Test::new()
        .file(
            "app.yaml",
            "kind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      \
             containers:\n      - name: app\n        image: example.com/app:1.0.0\n",
        )
        .args(&["lock", "-w", "deployment/app", "--no-push", "--notify", url])
        .run()
        .code(0)
        .commits(2)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirecting_receiver_is_not_followed_and_gets_no_referer() {
    let elsewhere = FakeServer::start("127.0.0.1", |_| Response::new(200)).await;
    let target = format!("http://{}/collect", elsewhere.host());
    let receiver = FakeServer::start("127.0.0.1", move |_| {
        Response::new(302).header("location", &target)
    })
    .await;
    let url = format!("http://{}/hooks/T000/B000/secret-path", receiver.host());
    let ran = lock_and_notify(&url);
    let head = ran.head_short();
    let stderr = ran.run.stderr.clone();
    ran.stderr(&format!(
            "Committed: {head}\nwarning: notifying http://{}/… failed: HTTP 302 Found: the receiver redirects to http://{}/…, and notifications follow no redirects (the URL's path is its secret); give the new URL to --notify\n",
        receiver.host(),
        elsewhere.host()
    ));
    // One post, not retried (a redirect is not temporary), and nothing went elsewhere.
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].target, "/hooks/T000/B000/secret-path");
    assert_eq!(requests[0].header("referer"), None);
    assert!(!stderr.contains("secret-path"), "{stderr}");
    assert_eq!(elsewhere.requests().len(), 0, "{:?}", elsewhere.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_cannot_be_reached_is_a_warning_with_the_cause() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/hooks/secret-path");
    let ran = lock_and_notify(&url);
    let head = ran.head_short();
    ran.stderr(&format!(
        "Committed: {head}\nwarning: notifying http://127.0.0.1:{port}/… failed: could not connect: tcp connect error: Connection refused (os error 111) (tried 3 times)\n"
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_error_is_retried_then_named() {
    let receiver = FakeServer::start("127.0.0.1", |_| Response::new(503)).await;
    let url = format!("http://{}/hook", receiver.host());
    let ran = lock_and_notify(&url);
    let head = ran.head_short();
    ran.stderr(&format!(
        "Committed: {head}\nwarning: notifying http://{}/… failed: HTTP 503 Service Unavailable (tried 3 times)\n",
        receiver.host()
    ));
    assert_eq!(receiver.requests().len(), 3);
}
