//! Manifests: discover files, locate workloads and their image sites as byte spans, edit them.
//!
//! [`discover`] lists the manifest files below the scanned paths, [`scan`] reads them into
//! [`Workload`]s, and [`edit`] changes values by their exact byte spans. Nothing here knows
//! about registries or git.
//!
//! The YAML tree in [`yaml`] is built here by hand from granit-parser's event stream
//! rather than read with a serde-based YAML crate: the editor needs the exact byte span
//! of every scalar token (quotes included, anchor, tag and comment excluded), its quoting
//! style, and the alias nodes as written, and a serde reader hands back values with none
//! of that. Reading and editing go through the same tree, so a file that reads can be
//! edited without being reformatted.

pub mod edit;
pub mod flux;
mod marked;
pub mod marker;
pub mod scalar;
pub mod scan;
pub mod yaml;

use std::collections::HashSet;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use scan::FileScan;
pub use scan::{Annotation, Container, ImageSite, Policies, Site, Workload, WorkloadId};

/// Everything a scan of a repository found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Workloads in file order, files in sorted order.
    pub workloads: Vec<Workload>,
    /// Warnings, each naming its file.
    pub warnings: Vec<String>,
    /// How many files were read.
    pub files: usize,
    /// How many bytes were read.
    pub bytes: u64,
    /// Flux v2's image objects, which `$imagepolicy` markers name.
    pub flux: flux::FluxObjects,
}

/// Which files a scan reads: those below `paths` (relative to the root, glob patterns
/// allowed; empty = the whole root) that no `exclude` pattern matches.
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection<'a> {
    /// Files and directories to scan, or patterns naming them.
    pub paths: &'a [PathBuf],
    /// Patterns of files and directories to leave out.
    pub exclude: &'a [glob::Pattern],
}

/// Path patterns: `*` and `?` stop at `/`, `**` crosses it, and a leading `.` is matched
/// only by a `.` in the pattern.
pub const PATH_MATCHING: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: true,
};

/// Scan the manifest files `selection` picks below `root`. Files are read and parsed on
/// all cores (at most 8); the result is in file order.
pub fn scan(root: &Path, selection: Selection<'_>, default_namespace: &str) -> Result<Scan> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    scan_with_threads(root, selection, default_namespace, cores.min(8))
}

/// [`scan`] on at most `threads` threads.
pub fn scan_with_threads(
    root: &Path,
    selection: Selection<'_>,
    default_namespace: &str,
    threads: usize,
) -> Result<Scan> {
    let (files, warnings) = discover(root, selection)?;
    // A thread is worth it for eight files or more.
    let threads = threads.clamp(1, files.len().div_ceil(8).max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<Result<Vec<(u64, FileScan)>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|rel| scan_one(root, rel, default_namespace))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| bail!("a scanning thread panicked"))
            })
            .collect()
    });
    let mut out = Scan {
        files: files.len(),
        warnings,
        ..Scan::default()
    };
    for part in results {
        for (bytes, mut found) in part? {
            out.bytes += bytes;
            out.workloads.append(&mut found.workloads);
            out.warnings.append(&mut found.warnings);
            out.flux.extend(found.flux);
        }
    }
    out.flux.resolve(&mut out.workloads);
    Ok(out)
}

/// The largest manifest file read: a bigger one is skipped with a warning, so that a
/// generated dump cannot take a scan's memory (a scan holds the file and what it finds).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Read and scan one file: its size and what it holds.
fn scan_one(root: &Path, rel: &str, default_namespace: &str) -> Result<(u64, FileScan)> {
    let path = root.join(rel);
    let size = fs::metadata(&path)
        .with_context(|| format!("reading {rel}"))?
        .len();
    if size > MAX_FILE_BYTES {
        let mut found = FileScan::default();
        found.warnings.push(format!(
            "{rel}: {:.1} MiB, larger than the {} MiB a manifest may have, skipped; split it, \
             or leave it out with --path",
            size as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
        return Ok((0, found));
    }
    let bytes = fs::read(&path).with_context(|| format!("reading {rel}"))?;
    let size = bytes.len() as u64;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        let mut found = FileScan::default();
        found
            .warnings
            .push(format!("{rel}: not UTF-8 text, skipped"));
        return Ok((size, found));
    };
    Ok((size, scan::scan_file(rel, text, default_namespace)))
}

/// What the warning for a skipped Helm chart directory says after the directory's name;
/// commands sum these warnings up in one line.
pub const HELM_CHART_SKIPPED: &str =
    "a Helm chart (it holds Chart.yaml), its templates are not scanned";

/// List the `*.yaml`/`*.yml` files `selection` picks, relative to `root`, `/`-separated and
/// sorted. Skips `.git`, hidden directories and Helm charts (directories holding a
/// `Chart.yaml`), with a warning for each chart; follows no link out of `root`.
pub fn discover(root: &Path, selection: Selection<'_>) -> Result<(Vec<String>, Vec<String>)> {
    let root = root
        .canonicalize()
        .with_context(|| format!("opening {}", root.display()))?;
    let mut starts: Vec<PathBuf> = Vec::new();
    for path in selection.paths {
        starts.extend(expand(&root, path)?);
    }
    if selection.paths.is_empty() {
        starts.push(PathBuf::new());
    }
    let mut walk = Walk {
        root: &root,
        files: Vec::new(),
        warnings: Vec::new(),
        seen_dirs: HashSet::new(),
        seen_files: HashSet::new(),
    };
    for start in &starts {
        let full = root.join(start);
        let meta = match fs::metadata(&full) {
            Ok(meta) => meta,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => bail!(
                "--path {}: no such file or directory in the repository",
                start.display()
            ),
            Err(err) => return Err(err).with_context(|| format!("--path {}", start.display())),
        };
        if meta.is_dir() {
            walk.dir(&full)?;
        } else {
            walk.file(&full)?;
        }
    }
    let Walk {
        mut files,
        warnings,
        ..
    } = walk;
    files.retain(|file| !excluded(file, selection.exclude));
    files.sort();
    files.dedup();
    Ok((files, warnings))
}

/// One `--path`: itself, or, for a pattern, the files and directories it matches.
fn expand(root: &Path, path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_absolute() || path.components().any(|c| c == Component::ParentDir) {
        bail!(
            "--path {}: must be a path inside the repository, relative to its root",
            path.display()
        );
    }
    let text = path.to_string_lossy();
    if !text.contains(['*', '?', '[']) {
        return Ok(vec![path.to_path_buf()]);
    }
    let pattern = glob::Pattern::new(&text)
        .map_err(|err| anyhow::anyhow!("--path {text}: not a valid pattern: {}", err.msg))?;
    let full = root.join(pattern.as_str());
    let found: Vec<PathBuf> = glob::glob_with(&full.to_string_lossy(), PATH_MATCHING)
        .map_err(|err| anyhow::anyhow!("--path {text}: not a valid pattern: {}", err.msg))?
        .filter_map(|entry| entry.ok()?.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    if found.is_empty() {
        bail!("--path {text}: the pattern matches nothing in the repository");
    }
    Ok(found)
}

/// Whether `file` (repository-relative, `/`-separated), or a directory it is in, matches
/// one of the patterns.
fn excluded(file: &str, patterns: &[glob::Pattern]) -> bool {
    let dirs = || file.match_indices('/').map(|(i, _)| &file[..i]);
    patterns.iter().any(|p| {
        p.matches_with(file, PATH_MATCHING) || dirs().any(|dir| p.matches_with(dir, PATH_MATCHING))
    })
}

/// State of one directory walk.
struct Walk<'a> {
    root: &'a Path,
    files: Vec<String>,
    warnings: Vec<String>,
    seen_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walk<'_> {
    /// The repository-relative form of a path inside the root.
    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The canonical target of `path` if it stays inside the root.
    fn inside(&self, path: &Path) -> Option<PathBuf> {
        let real = path.canonicalize().ok()?;
        real.starts_with(self.root).then_some(real)
    }

    /// Walk a directory named by any path: resolved first, and only inside the root.
    fn dir(&mut self, dir: &Path) -> Result<()> {
        match self.inside(dir) {
            Some(real) => self.walk(real),
            None => Ok(()),
        }
    }

    /// Walk a directory by its real path. Entries that are not links need no resolving:
    /// below a real path they are real paths themselves.
    fn walk(&mut self, real: PathBuf) -> Result<()> {
        if !self.seen_dirs.insert(real.clone()) {
            return Ok(());
        }
        if real != self.root && real.join("Chart.yaml").is_file() {
            self.warnings
                .push(format!("{}: {HELM_CHART_SKIPPED}", self.relative(&real)));
            return Ok(());
        }
        let mut entries: Vec<_> = fs::read_dir(&real)
            .with_context(|| format!("reading directory {}", self.relative(&real)))?
            .collect::<Result<_, _>>()
            .with_context(|| format!("reading directory {}", self.relative(&real)))?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Kustomize also reads a kustomization from a file named `Kustomization`.
            let yaml = name.ends_with(".yaml") || name.ends_with(".yml") || name == "Kustomization";
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                let path = entry.path();
                match fs::metadata(&path) {
                    Ok(meta) if meta.is_dir() && !name.starts_with('.') => self.dir(&path)?,
                    Ok(meta) if meta.is_file() && yaml => self.file(&path)?,
                    _ => {} // a dangling link, or nothing to scan
                }
            } else if kind.is_dir() {
                if !name.starts_with('.') {
                    self.walk(real.join(&*name))?;
                }
            } else if kind.is_file() && yaml {
                self.add(real.join(&*name));
            }
        }
        Ok(())
    }

    /// Add a file by its real path.
    fn add(&mut self, real: PathBuf) {
        if self.seen_files.insert(real.clone()) {
            let rel = self.relative(&real);
            self.files.push(rel);
        }
    }

    /// A file named by any path is known by its real path, so that a link and its target
    /// are one file, and an edit replaces the target rather than the link.
    fn file(&mut self, path: &Path) -> Result<()> {
        if let Some(real) = self.inside(path) {
            self.add(real);
        }
        Ok(())
    }
}

/// Replace a file's contents atomically (or create it): write a temporary file beside it,
/// keep the original's permissions, then rename it over the original, so that a reader
/// never sees half a file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_atomic_in(path, contents, path.parent().unwrap_or(Path::new(".")))
}

/// [`write_atomic`] with the temporary file in `dir`, which must be on the same file
/// system as `path` (a directory git does not look at, so no temporary file ever shows up
/// in `git status` or `git add -A`, even when the process is killed before the rename).
pub fn write_atomic_in(path: &Path, contents: &[u8], dir: &Path) -> Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".tagpilot-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file for {}", path.display()))?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("writing a temporary file for {}", path.display()))?;
    if let Ok(meta) = fs::metadata(path) {
        fs::set_permissions(tmp.path(), meta.permissions())
            .with_context(|| format!("copying the permissions of {}", path.display()))?;
    } else {
        // A new file (a report) is readable by others, as files programs write usually
        // are, so that a web server or node_exporter running as another user can read it;
        // the temporary file itself starts as 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o644))
                .with_context(|| format!("setting the permissions of {}", path.display()))?;
        }
    }
    tmp.persist(path)
        .with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_sorted_skipping_hidden_charts_and_outside_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let outside = dir.path().join("outside");
        for d in ["a/b", ".hidden", "chart/templates", "z"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        fs::create_dir_all(&outside).unwrap();
        for f in [
            "a/b/x.yml",
            "a/y.yaml",
            ".hidden/h.yaml",
            "chart/Chart.yaml",
            "chart/templates/t.yaml",
            "z/readme.md",
            ".top.yaml",
        ] {
            fs::write(root.join(f), "kind: x\n").unwrap();
        }
        fs::write(outside.join("o.yaml"), "kind: x\n").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link-out")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("z/link-in")).unwrap();
        std::os::unix::fs::symlink(root.join("a/y.yaml"), root.join("0-link.yaml")).unwrap();
        let (files, warnings) = discover(&root, Selection::default()).unwrap();
        assert_eq!(files, [".top.yaml", "a/b/x.yml", "a/y.yaml"]);
        assert_eq!(
            warnings,
            ["chart: a Helm chart (it holds Chart.yaml), its templates are not scanned"]
        );
        let (files, _) = discover(
            &root,
            Selection {
                paths: &[PathBuf::from("a/b")],
                ..Selection::default()
            },
        )
        .unwrap();
        assert_eq!(files, ["a/b/x.yml"]);
        assert!(
            discover(
                &root,
                Selection {
                    paths: &[PathBuf::from("../outside")],
                    ..Selection::default()
                }
            )
            .is_err()
        );
        let err = discover(
            &root,
            Selection {
                paths: &[PathBuf::from("nope")],
                ..Selection::default()
            },
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("--path nope"), "{err:#}");
    }

    #[test]
    fn atomic_write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.yaml");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
