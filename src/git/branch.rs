//! Branches that belong to tagpilot (`--push-branch`): a commit built on a base commit
//! without touching HEAD, the index or the work tree; the check that nobody else pushed
//! to the branch (every commit of its own carries a `Tagpilot-Branch` trailer); and the
//! push that moves the branch only with a lease on the head just fetched.

use std::path::PathBuf;

use super::{Auth, GitError, Identity, Repo, Signer};

/// The trailer that marks a commit of a tagpilot branch, with the branch's name.
pub const BRANCH_TRAILER: &str = "Tagpilot-Branch";

/// The local ref a branch commit is pushed from; removed after the push.
const PUSH_REF: &str = "refs/tagpilot/push";

/// A commit on a branch that did not come from tagpilot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignCommit {
    /// Its short id.
    pub id: String,
    /// Its author's name.
    pub author: String,
    /// The first line of its message.
    pub subject: String,
}

impl Repo {
    /// A new commit whose parent is `base` and whose tree is `base`'s with each file's
    /// content replaced (the mode of an existing file is kept). No branch, index or work
    /// tree changes; the commit is only written to the object database.
    ///
    /// Errors: [`GitError::PathOutsideWorkTree`]; [`GitError::Sign`]; libgit2 failures.
    pub fn commit_onto(
        &self,
        base: git2::Oid,
        files: &[(PathBuf, Vec<u8>)],
        message: &str,
        committer: &Identity,
        author: Option<&Identity>,
        signer: Option<&Signer>,
    ) -> Result<git2::Oid, GitError> {
        let git_err = |action: &str| {
            let action = action.to_owned();
            move |e| GitError::git(action, &self.workdir, e)
        };
        let parent = self
            .repo
            .find_commit(base)
            .map_err(git_err("reading the base commit"))?;
        let base_tree = parent.tree().map_err(git_err("reading the base tree"))?;
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, content) in files {
            let rel = self.relative(path)?;
            let mode = match base_tree.get_path(&rel) {
                Ok(entry) if entry.filemode() == i32::from(git2::FileMode::BlobExecutable) => {
                    git2::FileMode::BlobExecutable
                }
                _ => git2::FileMode::Blob,
            };
            let blob = self
                .repo
                .blob(content)
                .map_err(git_err("writing a file's new content"))?;
            update.upsert(rel.as_path(), blob, mode);
        }
        let tree_id = update
            .create_updated(&self.repo, &base_tree)
            .map_err(git_err("building the tree to commit"))?;
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(git_err("reading the new tree"))?;
        let committer = committer.signature()?;
        let author = match author {
            Some(author) => author.signature()?,
            None => committer.clone(),
        };
        let buffer = self
            .repo
            .commit_create_buffer(&author, &committer, message, &tree, &[&parent])
            .map_err(git_err("writing the commit"))?;
        let text = std::str::from_utf8(&buffer).map_err(|_| GitError::Sign {
            detail: "the commit is not UTF-8 text".to_owned(),
        })?;
        match signer {
            Some(signer) => {
                let signature = signer.sign(text)?;
                self.repo.commit_signed(text, &signature, None)
            }
            None => self
                .repo
                .odb()
                .and_then(|odb| odb.write(git2::ObjectType::Commit, text.as_bytes())),
        }
        .map_err(git_err("writing the commit"))
    }

    /// Whether two commits have the same parents and the same tree: the same change on
    /// the same base.
    pub fn same_change(&self, a: git2::Oid, b: git2::Oid) -> Result<bool, GitError> {
        let find = |id| {
            self.repo
                .find_commit(id)
                .map_err(|e| GitError::git("reading a commit", &self.workdir, e))
        };
        let (a, b) = (find(a)?, find(b)?);
        Ok(a.tree_id() == b.tree_id() && a.parent_ids().eq(b.parent_ids()))
    }

    /// The commits reachable from `tip` and not from `base` whose message lacks the
    /// trailer `Tagpilot-Branch: <branch>`: someone else's work on tagpilot's branch.
    pub fn foreign_commits(
        &self,
        tip: git2::Oid,
        base: git2::Oid,
        branch: &str,
    ) -> Result<Vec<ForeignCommit>, GitError> {
        let git_err = |e| GitError::git("walking the branch's commits", &self.workdir, e);
        let mut walk = self.repo.revwalk().map_err(git_err)?;
        walk.push(tip).map_err(git_err)?;
        walk.hide(base).map_err(git_err)?;
        let mut foreign = Vec::new();
        for id in walk {
            let id = id.map_err(git_err)?;
            let commit = self.repo.find_commit(id).map_err(git_err)?;
            let message = commit.message().unwrap_or_default();
            if !has_trailer(message, branch) {
                foreign.push(ForeignCommit {
                    id: id.to_string().chars().take(7).collect(),
                    author: commit.author().name().unwrap_or_default().to_owned(),
                    subject: message.lines().next().unwrap_or_default().to_owned(),
                });
            }
        }
        Ok(foreign)
    }

    /// Push `commit` to `remote_branch` on `remote`, replacing the branch only while it is
    /// at `expected` (`None`: only while it does not exist). Errors as [`Repo::push_to`];
    /// a branch that moved is [`GitError::PushRejected`].
    pub fn push_commit(
        &self,
        remote: &str,
        commit: git2::Oid,
        remote_branch: &str,
        expected: Option<git2::Oid>,
        auth: &Auth,
    ) -> Result<(), GitError> {
        self.repo
            .reference(PUSH_REF, commit, true, "tagpilot: push a branch commit")
            .map_err(|e| GitError::git("naming the commit to push", &self.workdir, e))?;
        let pushed = self.push_ref(remote, PUSH_REF, remote_branch, Some(expected), auth);
        if let Ok(mut reference) = self.repo.find_reference(PUSH_REF) {
            // Best effort: a leftover ref is harmless and replaced next time.
            let _ = reference.delete();
        }
        pushed
    }
}

/// Whether a commit message ends in a trailer paragraph holding `Tagpilot-Branch: branch`.
fn has_trailer(message: &str, branch: &str) -> bool {
    git2::message_trailers_strs(message).is_ok_and(|trailers| {
        trailers
            .iter()
            .any(|(key, value)| key.eq_ignore_ascii_case(BRANCH_TRAILER) && value.trim() == branch)
    })
}

#[cfg(test)]
mod tests {
    use super::has_trailer;

    #[test]
    fn only_the_trailer_paragraph_marks_a_commit() {
        let ours = "Auto-release x:2\n\nTagpilot-Branch: tagpilot/x\n";
        assert!(has_trailer(ours, "tagpilot/x"));
        assert!(!has_trailer(ours, "tagpilot/y"));
        let quoted = "Fix\n\nTagpilot-Branch: tagpilot/x was wrong, so\nthis changes it.\n";
        assert!(!has_trailer(quoted, "tagpilot/x"));
        let with_skip = "Auto-release x:2\n\n[ci skip]\n\nTagpilot-Branch: tagpilot/x\n";
        assert!(has_trailer(with_skip, "tagpilot/x"));
        assert!(!has_trailer("Tagpilot-Branch: tagpilot/x", "tagpilot/x"));
    }
}
