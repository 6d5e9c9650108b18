//! Our wrapper around git2: open a work tree, check for local changes, commit only given paths, push.
