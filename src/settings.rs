//! Values that come from the environment rather than the command line; the only module
//! besides `cli` that reads it.

use crate::git::{Auth, Secret};

/// Git credentials: `GIT_USERNAME` + `GIT_PASSWORD`, or `GIT_TOKEN`, on top of ssh-agent
/// and git's credential helpers (SPEC §7.2).
pub fn git_auth() -> Auth {
    let auth = Auth::new();
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (var("GIT_USERNAME"), var("GIT_PASSWORD"), var("GIT_TOKEN")) {
        (Some(user), Some(password), _) => auth.with_user_password(user, Secret::new(password)),
        (_, _, Some(token)) => auth.with_token(Secret::new(token)),
        _ => auth,
    }
}
