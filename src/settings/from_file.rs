//! The configuration file's options as one serde struct, [`FileSettings`], and how they
//! fill the command line's values: a value from the file is taken for an option that
//! neither a flag nor a `TAGPILOT_*` variable set (flag > environment > file > default).
//! Every value in the file is checked, also for an option a flag overrides or the command
//! does not take.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::de::from_item;
use super::file::{ConfigFile, Problem};
use crate::cli::{
    ColorChoice, ForgeKind, Format, GlobalArgs, Group, NotifyFormat, ProposeArgs, RegistryArgs,
    TimeSource, WriteArgs,
};

/// Options that exclude each other (clap's `conflicts_with`): a file value for one is
/// dropped when a flag or variable set the other.
pub(super) const CONFLICTS: [[&str; 2]; 2] = [["repo", "git_url"], ["quiet", "verbose"]];

/// The file's keys: each long option's name in camelCase, in the plural for the
/// repeatable ones (but `notify`, `verify` and `afterPush`). `notify`, `registries` and
/// `exclude` have rules of their own and are read apart (`settings`); here they are only
/// known keys.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FileSettings {
    repo: Option<String>,
    git_url: Option<String>,
    git_ssh_key: Option<String>,
    git_known_hosts: Option<String>,
    git_branch: Option<String>,
    git_remote: Option<String>,
    paths: Option<Vec<String>>,
    namespace: Option<String>,
    default_namespace: Option<String>,
    output: Option<Format>,
    report_html: Option<String>,
    metrics_file: Option<String>,
    quiet: Option<bool>,
    color: Option<ColorChoice>,
    platform: Option<String>,
    docker_config: Option<String>,
    insecure_registries: Option<Vec<String>>,
    registry_cas: Option<Vec<String>>,
    include_images: Option<Vec<String>>,
    exclude_images: Option<Vec<String>>,
    concurrency: Option<usize>,
    registry_rps: Option<f64>,
    timeout: Option<u64>,
    deadline: Option<u64>,
    max_tags: Option<usize>,
    time_source: Option<TimeSource>,
    cache_dir: Option<String>,
    no_cache: Option<bool>,
    refresh: Option<bool>,
    dry_run: Option<bool>,
    diff: Option<bool>,
    no_commit: Option<bool>,
    no_push: Option<bool>,
    git_user: Option<String>,
    git_email: Option<String>,
    message: Option<String>,
    user: Option<String>,
    ci_skip: Option<bool>,
    ci_skip_message: Option<String>,
    exit_code: Option<bool>,
    allow_dirty: Option<bool>,
    sign_key: Option<String>,
    verify: Option<Vec<String>>,
    after_push: Option<Vec<String>>,
    push_retries: Option<u32>,
    push_branch: Option<String>,
    pull_request: Option<bool>,
    forge: Option<ForgeKind>,
    forge_url: Option<String>,
    forge_repo: Option<String>,
    group: Option<Group>,
    labels: Option<Vec<String>>,
    reviewers: Option<Vec<String>>,
    close_stale: Option<bool>,
    #[serde(rename = "notify")]
    _notify: Option<IgnoredAny>,
    notify_format: Option<NotifyFormat>,
    limit: Option<usize>,
    no_headers: Option<bool>,
    #[serde(rename = "registries")]
    _registries: Option<IgnoredAny>,
    #[serde(rename = "exclude")]
    _exclude: Option<IgnoredAny>,
}

/// The keys [`FileSettings`] knows, in its order.
#[cfg(test)]
pub(super) fn file_keys() -> &'static [&'static str] {
    super::de::fields_of::<FileSettings>()
}

/// Which options the file decides: the running command's matches tell which options a
/// flag or a variable set.
pub(super) struct Open<'a> {
    pub(super) matches: &'a ArgMatches,
    /// The file's directory: its relative paths are taken from there.
    pub(super) dir: &'a Path,
}

impl Open<'_> {
    /// Whether the file decides option `id`: no flag or variable set it, or an option it
    /// conflicts with.
    fn open(&self, id: &str) -> bool {
        let set = |id: &str| {
            matches!(
                self.matches.value_source(id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        };
        !set(id)
            && !CONFLICTS
                .iter()
                .filter(|pair| pair.contains(&id))
                .flatten()
                .any(|other| *other != id && set(other))
    }

    /// `target` becomes `value`, if the file has one and decides option `id`.
    fn take<T>(&self, id: &str, target: &mut T, value: Option<T>) {
        if let Some(value) = value.filter(|_| self.open(id)) {
            *target = value;
        }
    }

    /// A path of the local file system, relative to the file's directory.
    fn path(&self, text: Option<String>) -> Option<Option<PathBuf>> {
        text.map(|t| Some(self.dir.join(t)))
    }
}

impl FileSettings {
    /// Reads the file's options, checking every value's type.
    pub(super) fn read(file: &ConfigFile) -> Result<FileSettings, Problem> {
        from_item(&file.root(), "")
    }

    /// Fills the options every command takes.
    pub(super) fn fill_global(&mut self, open: &Open<'_>, g: &mut GlobalArgs) {
        open.take("repo", &mut g.repo, open.path(self.repo.take()));
        open.take("git_url", &mut g.git_url, self.git_url.take().map(Some));
        open.take(
            "git_ssh_key",
            &mut g.git_ssh_key,
            open.path(self.git_ssh_key.take()),
        );
        let known_hosts = open.path(self.git_known_hosts.take());
        open.take("git_known_hosts", &mut g.git_known_hosts, known_hosts);
        open.take(
            "git_branch",
            &mut g.git_branch,
            self.git_branch.take().map(Some),
        );
        open.take("git_remote", &mut g.git_remote, self.git_remote.take());
        // --path is relative to the repository, wherever the file is.
        let paths = self
            .paths
            .take()
            .map(|p| p.into_iter().map(PathBuf::from).collect());
        open.take("paths", &mut g.paths, paths);
        open.take(
            "namespace",
            &mut g.namespace,
            self.namespace.take().map(Some),
        );
        let default_namespace = self.default_namespace.take();
        open.take(
            "default_namespace",
            &mut g.default_namespace,
            default_namespace,
        );
        open.take("output", &mut g.output, self.output);
        open.take(
            "report_html",
            &mut g.report_html,
            open.path(self.report_html.take()),
        );
        open.take(
            "metrics_file",
            &mut g.metrics_file,
            open.path(self.metrics_file.take()),
        );
        open.take("quiet", &mut g.quiet, self.quiet);
        open.take("color", &mut g.color, self.color);
        self.fill_registry(open, &mut g.registry);
    }

    /// Fills the options of the registry client.
    fn fill_registry(&mut self, open: &Open<'_>, r: &mut RegistryArgs) {
        open.take("platform", &mut r.platform, self.platform.take());
        let docker_config = open.path(self.docker_config.take());
        open.take("docker_config", &mut r.docker_config, docker_config);
        let insecure = self.insecure_registries.take();
        open.take("insecure_registry", &mut r.insecure_registry, insecure);
        let cas = self
            .registry_cas
            .take()
            .map(|p| p.into_iter().map(|p| open.dir.join(p)).collect());
        open.take("registry_ca", &mut r.registry_ca, cas);
        open.take(
            "include_image",
            &mut r.include_image,
            self.include_images.take(),
        );
        open.take(
            "exclude_image",
            &mut r.exclude_image,
            self.exclude_images.take(),
        );
        open.take("concurrency", &mut r.concurrency, self.concurrency);
        open.take("registry_rps", &mut r.registry_rps, self.registry_rps);
        open.take("timeout", &mut r.timeout, self.timeout);
        open.take("deadline", &mut r.deadline, self.deadline);
        open.take("max_tags", &mut r.max_tags, self.max_tags);
        open.take("time_source", &mut r.time_source, self.time_source);
        open.take(
            "cache_dir",
            &mut r.cache_dir,
            open.path(self.cache_dir.take()),
        );
        open.take("no_cache", &mut r.no_cache, self.no_cache);
        open.take("refresh", &mut r.refresh, self.refresh);
    }

    /// Fills the options of the write commands; `notify` is the file's `notify` list, read
    /// apart.
    pub(super) fn fill_write(
        &mut self,
        open: &Open<'_>,
        w: &mut WriteArgs,
        notify: Option<(Vec<String>, BTreeMap<String, NotifyFormat>)>,
    ) {
        open.take("dry_run", &mut w.dry_run, self.dry_run);
        open.take("diff", &mut w.diff, self.diff);
        open.take("no_commit", &mut w.no_commit, self.no_commit);
        open.take("no_push", &mut w.no_push, self.no_push);
        open.take("git_user", &mut w.git_user, self.git_user.take().map(Some));
        open.take(
            "git_email",
            &mut w.git_email,
            self.git_email.take().map(Some),
        );
        open.take("message", &mut w.message, self.message.take().map(Some));
        open.take("user", &mut w.user, self.user.take().map(Some));
        open.take("ci_skip", &mut w.ci_skip, self.ci_skip);
        open.take(
            "ci_skip_message",
            &mut w.ci_skip_message,
            self.ci_skip_message.take(),
        );
        open.take("exit_code", &mut w.exit_code, self.exit_code);
        open.take("allow_dirty", &mut w.allow_dirty, self.allow_dirty);
        open.take("sign_key", &mut w.sign_key, self.sign_key.take().map(Some));
        open.take("verify", &mut w.verify, self.verify.take());
        open.take("after_push", &mut w.after_push, self.after_push.take());
        open.take("push_retries", &mut w.push_retries, self.push_retries);
        self.fill_propose(open, &mut w.propose);
        if let Some((urls, formats)) = notify.filter(|_| open.open("notify")) {
            w.notify = urls;
            w.notify_formats = formats;
        }
        open.take("notify_format", &mut w.notify_format, self.notify_format);
    }

    /// Fills the options of branches and pull requests.
    fn fill_propose(&mut self, open: &Open<'_>, p: &mut ProposeArgs) {
        open.take(
            "push_branch",
            &mut p.push_branch,
            self.push_branch.take().map(Some),
        );
        open.take("pull_request", &mut p.pull_request, self.pull_request);
        open.take("forge", &mut p.forge, self.forge.map(Some));
        open.take(
            "forge_url",
            &mut p.forge_url,
            self.forge_url.take().map(Some),
        );
        open.take(
            "forge_repo",
            &mut p.forge_repo,
            self.forge_repo.take().map(Some),
        );
        open.take("group", &mut p.group, self.group);
        open.take("label", &mut p.label, self.labels.take());
        open.take("reviewer", &mut p.reviewer, self.reviewers.take());
        open.take("close_stale", &mut p.close_stale, self.close_stale);
    }

    /// Fills `list-images`' own options.
    pub(super) fn fill_list_images(&self, open: &Open<'_>, limit: &mut usize, headers: &mut bool) {
        open.take("limit", limit, self.limit);
        open.take("no_headers", headers, self.no_headers);
    }
}
