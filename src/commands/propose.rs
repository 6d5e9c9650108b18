//! `--push-branch` and `--pull-request`: the changes are committed on top of the base
//! branch's remote tip and pushed to a branch of tagpilot's own (one per group), and a pull
//! request is opened or updated for each. The checked-out branch, the index and the work
//! tree are never changed (`--verify` writes the files for the commands and puts them
//! back).
//!
//! A push branch belongs to tagpilot while every commit on it that is not on the base
//! carries a `Tagpilot-Branch: <name>` trailer; it is then rebuilt on the base each run and
//! moved with a lease on the tip just fetched. Anyone else's commit on it makes tagpilot
//! leave that branch alone.

use anyhow::{Context as _, Result, bail};

use super::write::{self, Change};
use super::{Location, UsageError};
use crate::cli::{ForgeKind, GlobalArgs, Group, WriteArgs};
use crate::forge::{self, Forge, Proposal, PullRequest};
use crate::git::{BRANCH_TRAILER, GitError, Identity, Repo, Signer};
use crate::image::ImageRef;
use crate::output::Ui;
use crate::report::{BranchResult, PullRequestResult, Report};
use crate::settings;

/// The branch the push branches are built on.
pub(super) struct Base {
    /// The remote pushed to.
    pub remote: String,
    /// The base branch's name on the remote (the pull requests' target).
    pub branch: String,
    /// Its tip, fetched; the local branch is at it.
    pub tip: git2::Oid,
}

/// Everything that can refuse a run with `--push-branch`, checked before any registry is
/// asked: the options, the work tree (as for a push), the base branch (fetched, and the
/// local branch must be at its tip so that the scan reads what the commits build on), and
/// with `--pull-request` the forge and its token.
pub(super) fn preflight(
    location: &Location,
    global: &GlobalArgs,
    args: &WriteArgs,
) -> Result<(Base, Option<Forge>)> {
    let propose = &args.propose;
    let template = propose.push_branch.as_deref().unwrap_or_default();
    check_options(template, args)?;
    let repo = location.repo()?;
    let target = write::preflight(location, global, args)?
        .context("--push-branch needs a branch to build on")?;
    let (remote, branch) = target
        .upstream
        .context("--push-branch needs a remote to push to")?;
    if template == branch || template == target.branch {
        return Err(UsageError(format!(
            "--push-branch {template}: that is the base branch; name a branch of tagpilot's own, \
             such as tagpilot/images"
        ))
        .into());
    }
    let tip = repo
        .fetch(&remote, &branch, &location.auth)
        .with_context(|| format!("fetching {branch} from {remote}"))?;
    if repo.head_id()? != tip {
        bail!(
            "--push-branch builds on {remote}/{branch}, and the local {} is not at it; \
             pull (or push) first so that both hold the same commit",
            target.branch
        );
    }
    let base = Base {
        remote,
        branch,
        tip,
    };
    if !propose.pull_request || args.dry_run {
        return Ok((base, None));
    }
    let remote_url = repo.remote_url(&base.remote)?;
    let place = forge::Where {
        kind: propose.forge.map(|kind| match kind {
            ForgeKind::Github => forge::Kind::GitHub,
            ForgeKind::Gitlab => forge::Kind::GitLab,
            ForgeKind::Gitea => forge::Kind::Gitea,
        }),
        api: propose.forge_url.as_deref(),
        repo: propose.forge_repo.as_deref(),
        remote_url: &remote_url,
    };
    let forge = Forge::connect(&place, settings::forge_token)?;
    Ok((base, Some(forge)))
}

/// The options that only make sense together.
fn check_options(template: &str, args: &WriteArgs) -> Result<()> {
    let usage = |text: String| Err(UsageError(text).into());
    if args.no_push || args.no_commit {
        let other = if args.no_push {
            "--no-push"
        } else {
            "--no-commit"
        };
        return usage(format!("--push-branch cannot be used with {other}"));
    }
    let group = args.propose.group;
    let placeholder = match group {
        Group::All => None,
        Group::Workload => Some("{workload}"),
        Group::Image => Some("{image}"),
    };
    for (name, needs) in [("{image}", Group::Image), ("{workload}", Group::Workload)] {
        if template.contains(name) && group != needs {
            let word = if needs == Group::Image {
                "image"
            } else {
                "workload"
            };
            return usage(format!(
                "--push-branch {template}: {name} expands per {word}; pass --group {word}"
            ));
        }
    }
    if let Some(name) = placeholder.filter(|name| !template.contains(name)) {
        return usage(format!(
            "--push-branch {template}: with --group {} each group needs a branch of its own; put {name} in the name",
            name.trim_matches(|c| c == '{' || c == '}')
        ));
    }
    if !args.propose.pull_request
        && (!args.propose.label.is_empty() || !args.propose.reviewer.is_empty())
    {
        return usage("--label and --reviewer need --pull-request".to_owned());
    }
    Ok(())
}

/// Refuse the options of branches and pull requests without `--push-branch` (set in the
/// configuration file, say, where clap does not see them together): they would do nothing.
pub(super) fn check_without_branch(args: &WriteArgs) -> Result<()> {
    let p = &args.propose;
    if p.push_branch.is_some() {
        return Ok(());
    }
    let given = [
        (p.pull_request, "--pull-request"),
        (p.close_stale, "--close-stale"),
        (!p.label.is_empty(), "--label"),
        (!p.reviewer.is_empty(), "--reviewer"),
        (p.group != Group::All, "--group"),
        (p.forge.is_some(), "--forge"),
        (p.forge_url.is_some(), "--forge-url"),
        (p.forge_repo.is_some(), "--forge-repo"),
    ];
    match given.iter().find(|(set, _)| *set) {
        Some((_, flag)) => Err(UsageError(format!(
            "{flag} needs --push-branch (pushBranch in the configuration file): without it \
             tagpilot pushes to the checked-out branch and opens no pull request"
        ))
        .into()),
        None => Ok(()),
    }
}

/// The branch a change goes to: the template with `{image}` (the repository path, `/` as
/// `-`) or `{workload}` (`namespace-kind-name`) filled in.
pub(super) fn branch_name(
    template: &str,
    group: Group,
    workload: &crate::manifest::Workload,
    reference: &str,
) -> Result<String> {
    let name = match group {
        Group::All => template.to_owned(),
        Group::Workload => {
            // `ns-kind-name`; `kustomization-<dir>` or `file-<path>` for markers outside
            // objects, with `/` as `-`.
            let id = &workload.id;
            let key = [id.namespace.as_str(), id.kind.as_str(), id.name.as_str()]
                .iter()
                .filter(|part| !part.is_empty())
                .map(|part| part.replace('/', "-"))
                .collect::<Vec<_>>()
                .join("-");
            template.replace("{workload}", &key)
        }
        Group::Image => {
            let image = ImageRef::parse(reference)
                .with_context(|| format!("reading the image reference {reference}"))?;
            template.replace("{image}", &image.repository().replace('/', "-"))
        }
    };
    if !git2::Branch::name_is_valid(&name).unwrap_or(false) {
        bail!("--push-branch {template}: {name:?} is not a valid branch name");
    }
    Ok(name)
}

/// What a run with `--push-branch` shares between its groups.
pub(super) struct Context<'a> {
    /// Where the work tree is.
    pub location: &'a Location,
    /// The repository.
    pub repo: &'a Repo,
    /// The write options.
    pub args: &'a WriteArgs,
    /// The base branch.
    pub base: &'a Base,
    /// The forge, with `--pull-request` (not in a dry run).
    pub forge: Option<&'a Forge>,
    /// Who commits.
    pub committer: Identity,
    /// The author, from `--user`.
    pub author: Option<Identity>,
    /// The signer, when commits are signed.
    pub signer: Option<Signer>,
}

impl<'a> Context<'a> {
    /// The shared values, with everything that can refuse (identities, the signing key)
    /// checked.
    pub(super) fn new(
        location: &'a Location,
        repo: &'a Repo,
        args: &'a WriteArgs,
        base: &'a Base,
        forge: Option<&'a Forge>,
    ) -> Result<Context<'a>> {
        let committer = write::committer(repo, args);
        let author = match &args.user {
            Some(user) => Some(Identity::parse_user(user).context("reading --user")?),
            None => None,
        };
        let signer = repo.signer(args.sign_key.as_deref(), &committer)?;
        Ok(Context {
            location,
            repo,
            args,
            base,
            forge,
            committer,
            author,
            signer,
        })
    }
}

/// One group's change, ready to deliver.
pub(super) struct Delivery<'a> {
    /// The push branch.
    pub branch: &'a str,
    /// The files.
    pub change: Change<'a>,
    /// The pull request's description.
    pub body: &'a str,
}

/// What delivering one group did.
#[derive(Default)]
pub(super) struct Delivered {
    /// The branch, as the report shows it.
    pub branch: Option<BranchResult>,
    /// The pull request, as the report shows it.
    pub pull_request: Option<PullRequestResult>,
    /// What to say on stderr.
    pub lines: Vec<String>,
    /// Warnings (labels or reviewers that could not be added).
    pub warnings: Vec<String>,
    /// What failed after the branch was pushed (the pull request could not be opened or
    /// updated).
    pub error: Option<String>,
}

/// Commit one group's change on the base, push it to its branch (unless the branch holds
/// the same change already) and open or update its pull request.
pub(super) fn deliver(
    ctx: &Context<'_>,
    delivery: &Delivery<'_>,
    ui: &mut Ui,
) -> Result<Delivered> {
    let Delivery {
        branch,
        change,
        body,
    } = delivery;
    let existing = remote_tip(ctx, branch)?;
    if let Some(tip) = existing {
        check_owned(ctx, branch, tip)?;
    }
    let title = change.message.lines().next().unwrap_or_default();
    let proposal = Proposal {
        head: branch,
        base: &ctx.base.branch,
        title,
        body,
    };
    let open = match ctx.forge {
        Some(forge) => forge.find(branch, &ctx.base.branch)?,
        None => None,
    };
    write::check_clean(ctx.location, ctx.repo, change.files, ctx.args)?;
    write::verify_aside(ctx.location, ctx.repo, ctx.args, change, ui)?;
    let commit = commit(ctx, branch, change)?;
    let mut done = Delivered::default();
    let same = match existing {
        Some(tip) => ctx.repo.same_change(tip, commit)?,
        None => false,
    };
    let tip = if same {
        done.lines
            .push(format!("Branch {branch} already holds this change"));
        existing.unwrap_or(commit)
    } else {
        ctx.repo
            .push_commit(
                &ctx.base.remote,
                commit,
                branch,
                existing,
                &ctx.location.auth,
            )
            .map_err(|err| refusal(err, branch, &ctx.base.remote))?;
        done.lines.push(format!(
            "Commit pushed to {branch}: {}",
            short(&commit.to_string())
        ));
        commit
    };
    done.branch = Some(BranchResult {
        branch: (*branch).to_owned(),
        commit: tip.to_string(),
        pushed: !same,
    });
    if let Some(forge) = ctx.forge {
        // The branch is pushed: a failure here is reported beside it, not instead of it.
        match propose(forge, &proposal, open, ctx.args, &mut done) {
            Ok((pr, created)) => done.pull_request = Some(result(&pr, branch, created, false)),
            Err(err) => done.error = Some(format!("{err:#}")),
        }
    }
    for warning in &done.warnings {
        ui.warn(warning);
    }
    Ok(done)
}

/// Open the pull request, or bring the open one's title and body up to date.
fn propose(
    forge: &Forge,
    proposal: &Proposal<'_>,
    open: Option<PullRequest>,
    args: &WriteArgs,
    done: &mut Delivered,
) -> Result<(PullRequest, bool)> {
    let word = forge.kind().request_word();
    let Some(pr) = open else {
        let (pr, warnings) = forge.open(proposal, &args.propose.label, &args.propose.reviewer)?;
        done.warnings.extend(warnings);
        done.lines
            .push(format!("Opened {word} #{}: {}", pr.number, pr.url));
        return Ok((pr, true));
    };
    if pr.title == proposal.title && pr.body.trim() == proposal.body.trim() {
        done.lines.push(format!(
            "{} #{} is up to date: {}",
            capital(word),
            pr.number,
            pr.url
        ));
    } else {
        forge.update(&pr, proposal)?;
        done.lines
            .push(format!("Updated {word} #{}: {}", pr.number, pr.url));
    }
    Ok((pr, false))
}

/// The commit of a group: the base's tree with the new files, the message ending in the
/// branch trailer (after `--ci-skip`'s text), signed when commits are.
fn commit(ctx: &Context<'_>, branch: &str, change: &Change<'_>) -> Result<git2::Oid> {
    let mut files = Vec::with_capacity(change.files.len());
    for file in change.files {
        let path = ctx.location.git_path(&file.file);
        // HEAD is the base: a file with uncommitted edits (`--allow-dirty`) gets only
        // tagpilot's change.
        let content = ctx
            .repo
            .carry_over(&path, file.old.as_bytes(), file.new.as_bytes())?
            .unwrap_or_else(|| file.new.clone().into_bytes());
        files.push((path, content));
    }
    let mut message = change.message.trim_end().to_owned();
    if ctx.args.ci_skip {
        message.push_str("\n\n");
        message.push_str(&ctx.args.ci_skip_message);
    }
    message.push_str(&format!("\n\n{BRANCH_TRAILER}: {branch}\n"));
    Ok(ctx.repo.commit_onto(
        ctx.base.tip,
        &files,
        &message,
        &ctx.committer,
        ctx.author.as_ref(),
        ctx.signer.as_ref(),
    )?)
}

/// The push branch's tip on the remote, fetched; `None` when there is no such branch.
fn remote_tip(ctx: &Context<'_>, branch: &str) -> Result<Option<git2::Oid>> {
    match ctx.repo.fetch(&ctx.base.remote, branch, &ctx.location.auth) {
        Ok(tip) => Ok(Some(tip)),
        Err(GitError::RemoteBranchNotFound { .. }) => Ok(None),
        Err(err) => {
            Err(anyhow::Error::new(err)
                .context(format!("fetching {branch} from {}", ctx.base.remote)))
        }
    }
}

/// Refuse a branch that holds commits tagpilot did not make.
fn check_owned(ctx: &Context<'_>, branch: &str, tip: git2::Oid) -> Result<()> {
    let foreign = ctx.repo.foreign_commits(tip, ctx.base.tip, branch)?;
    let Some(first) = foreign.first() else {
        return Ok(());
    };
    let more = match foreign.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    bail!(
        "branch {branch} on {} has commits that tagpilot did not make ({} by {}: {:?}{more}), \
         so it is left alone; merge or close its pull request, or delete the branch, and the \
         next run starts it again",
        ctx.base.remote,
        first.id,
        first.author,
        first.subject
    )
}

/// A push of a push branch that failed: a moved branch means someone pushed since the
/// fetch.
fn refusal(err: GitError, branch: &str, remote: &str) -> anyhow::Error {
    if matches!(err, GitError::PushRejected { .. }) {
        return anyhow::Error::new(err).context(format!(
            "branch {branch} on {remote} moved while tagpilot was working (someone pushed to it), \
             so it is left alone; run tagpilot again to check it"
        ));
    }
    anyhow::Error::new(err).context(format!("pushing {branch} to {remote}"))
}

/// `--push-branch` for the policy commands: their one change goes to the branch (and its
/// pull request), as [`write::apply`] would commit it on the base. The lines said and the
/// branch and pull request are added to `report`.
pub(super) fn apply(
    location: &Location,
    global: &GlobalArgs,
    args: &WriteArgs,
    change: &Change<'_>,
    report: &mut Report,
    ui: &mut Ui,
) -> Result<write::Written> {
    if args.propose.group != Group::All {
        return Err(UsageError(
            "--group splits the changes of release and sync; a policy command makes one change"
                .to_owned(),
        )
        .into());
    }
    let (base, forge) = preflight(location, global, args)?;
    if change.files.is_empty() || args.dry_run {
        return Ok(write::Written::default());
    }
    let repo = location.repo()?;
    let ctx = Context::new(location, repo, args, &base, forge.as_ref())?;
    let mut body = Vec::new();
    crate::output::markdown::report(&mut body, "policy change", change.planned)?;
    let branch = args.propose.push_branch.as_deref().unwrap_or_default();
    let delivery = Delivery {
        branch,
        change: *change,
        body: &String::from_utf8_lossy(&body),
    };
    let done = deliver(&ctx, &delivery, ui)?;
    for line in &done.lines {
        ui.status(line);
    }
    if let Some(error) = &done.error {
        ui.error(error);
        report.errors.push(error.clone());
    }
    report.warnings.extend(done.warnings);
    report.pull_requests = args
        .propose
        .pull_request
        .then(|| done.pull_request.into_iter().collect());
    let written = write::Written {
        commit: done.branch.as_ref().map(|b| b.commit.clone()),
        pushed: done.branch.as_ref().is_some_and(|b| b.pushed),
    };
    report.branches = Some(done.branch.into_iter().collect());
    Ok(written)
}

/// The pull requests of tagpilot's branches that this run left without a change: each is
/// reported, and with `--close-stale` closed with a comment. `changed` are the branches
/// this run delivered to; `template` finds the others on the remote.
pub(super) fn stale(
    ctx: &Context<'_>,
    template: &str,
    changed: &[String],
    report: &mut Report,
    ui: &mut Ui,
) -> Result<()> {
    let Some(forge) = ctx.forge else {
        return Ok(());
    };
    let branches = ctx
        .repo
        .remote_branches(&ctx.base.remote, &ctx.location.auth)?;
    let ours = branches
        .into_iter()
        .filter(|b| matches_template(template, b) && !changed.contains(b));
    let word = forge.kind().request_word();
    for branch in ours {
        let Some(pr) = forge.find(&branch, &ctx.base.branch)? else {
            continue;
        };
        let closed = ctx.args.propose.close_stale;
        if closed {
            let comment = format!(
                "tagpilot finds nothing left to change on `{}`: the images this {word} updates are \
                 up to date there already. Closing it.",
                ctx.base.branch
            );
            forge.close(&pr, &comment)?;
            ui.status(&format!(
                "Closed {word} #{}: nothing left to change: {}",
                pr.number, pr.url
            ));
        } else {
            ui.status(&format!(
                "Nothing left to change for {word} #{} ({branch}): {}; pass --close-stale to close it",
                pr.number, pr.url
            ));
        }
        report
            .pull_requests
            .get_or_insert_with(Vec::new)
            .push(result(&pr, &branch, false, closed));
    }
    Ok(())
}

/// Whether `branch` is one the template makes: equal, or with a placeholder standing for
/// any non-empty text.
fn matches_template(template: &str, branch: &str) -> bool {
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        parts.push(&rest[..start]);
        rest = &rest[start + end + 1..];
    }
    parts.push(rest);
    if parts.len() == 1 {
        return template == branch;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    let Some(middle) = branch
        .strip_prefix(first)
        .and_then(|b| b.strip_suffix(last))
    else {
        return false;
    };
    !middle.is_empty()
}

/// The report entry of a pull request.
fn result(pr: &PullRequest, branch: &str, created: bool, closed: bool) -> PullRequestResult {
    PullRequestResult {
        url: pr.url.clone(),
        number: pr.number,
        branch: branch.to_owned(),
        created,
        closed,
    }
}

/// The first seven characters of a commit ID.
fn short(id: &str) -> String {
    id.chars().take(7).collect()
}

/// `word` with a capital first letter.
fn capital(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::matches_template;

    #[test]
    fn branches_made_by_a_template() {
        assert!(matches_template("tagpilot/{image}", "tagpilot/acme-web"));
        assert!(!matches_template("tagpilot/{image}", "tagpilot/"));
        assert!(!matches_template("tagpilot/{image}", "feature/x"));
        assert!(matches_template(
            "bump-{workload}-auto",
            "bump-default-deployment-web-auto"
        ));
        assert!(matches_template("tagpilot", "tagpilot"));
        assert!(!matches_template("tagpilot", "tagpilot2"));
    }
}
