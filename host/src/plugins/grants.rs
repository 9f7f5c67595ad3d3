//! Turning a manifest's permissions into concrete grants for one session:
//! placeholders resolved to folders, host patterns, env values.

use std::path::{Path, PathBuf};

use super::manifest::{Access, Manifest};

/// What placeholders stand for.
#[derive(Debug, Clone)]
pub struct GrantContext {
    /// `${workspace}`: the repository root (else the cwd).
    pub workspace: PathBuf,
    /// Parent of the per-plugin `${tmp}` folders (this run's, see
    /// [`super::run_tmp`]).
    pub tmp_root: PathBuf,
    /// `~`.
    pub user_home: Option<PathBuf>,
}

impl GrantContext {
    pub fn new(workspace: PathBuf) -> GrantContext {
        // Folders left by runs that were killed go first.
        super::run_tmp::sweep();
        GrantContext {
            workspace,
            tmp_root: super::run_tmp::root(),
            user_home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }
}

/// `$TMPDIR/quire-plugins-<uid>`: one scratch folder per plugin below it.
pub fn default_tmp_root() -> PathBuf {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir().join(format!("quire-plugins-{uid}"))
}

/// A folder the guest sees at the same absolute path as the host.
#[derive(Debug, Clone)]
pub struct DirGrant {
    pub host: PathBuf,
    /// The path inside the guest (the host path as text).
    pub guest: String,
    pub access: Access,
    /// The folder, opened when the grant was resolved and checked: every
    /// call mounts this one (through [`DirGrant::mount_path`]), so a
    /// link swapped in at `host` during the session leads nowhere.
    pub held: Option<std::sync::Arc<std::fs::File>>,
}

impl PartialEq for DirGrant {
    fn eq(&self, other: &Self) -> bool {
        (&self.host, &self.guest, self.access) == (&other.host, &other.guest, other.access)
    }
}

impl Eq for DirGrant {}

impl DirGrant {
    /// What to mount: the held folder (`/proc/self/fd/N`, the folder
    /// itself whatever its path leads to now), else its path.
    pub fn mount_path(&self) -> PathBuf {
        use std::os::fd::AsRawFd;
        match &self.held {
            Some(f) => PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd())),
            None => self.host.clone(),
        }
    }
}

/// Opens `dir` and returns it with the path it really is (read back from
/// the open descriptor, so a link swapped in between is seen).
fn open_held(dir: &Path) -> Option<(std::fs::File, PathBuf)> {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(dir).ok()?;
    let real = std::fs::read_link(format!("/proc/self/fd/{}", f.as_raw_fd())).ok()?;
    Some((f, real))
}

/// Everything one plugin may use, resolved.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    pub dirs: Vec<DirGrant>,
    pub net: HostAllowList,
    /// Granted variables that are set, with their values.
    pub env: Vec<(String, String)>,
    /// The guest's working directory: the workspace when it is granted.
    pub cwd: Option<String>,
    /// Grants that could not be honoured (missing folders).
    pub warnings: Vec<String>,
}

/// Resolves `manifest`'s permissions. Folders that do not exist are left
/// out with a warning; `${tmp}` is created.
pub fn resolve(manifest: &Manifest, ctx: &GrantContext) -> Grants {
    let mut grants = Grants {
        net: HostAllowList::new(&manifest.permissions.net),
        ..Default::default()
    };
    let plugin_dir = manifest.dir();
    let tmp = ctx.tmp_root.join(tmp_folder_name(manifest));
    for g in &manifest.permissions.fs {
        let (base, rest) = split_placeholder(&g.path);
        let root: PathBuf = match base {
            Some("${workspace}") => ctx.workspace.clone(),
            Some("${plugin}") => plugin_dir.to_path_buf(),
            Some("${tmp}") => {
                if let Err(e) = create_private_dir(&tmp) {
                    grants.warnings.push(format!(
                        "plugin '{}': cannot create its temp folder {}: {e}",
                        manifest.name,
                        tmp.display()
                    ));
                    continue;
                }
                tmp.clone()
            }
            _ if rest == "~" || rest.starts_with("~/") => match &ctx.user_home {
                Some(h) => h.join(rest.trim_start_matches('~').trim_start_matches('/')),
                None => {
                    grants.warnings.push(format!(
                        "plugin '{}': {} is not mounted: HOME is not set",
                        manifest.name, g.path
                    ));
                    continue;
                }
            },
            _ => PathBuf::from(rest),
        };
        let joined = if base.is_some() {
            root.join(rest.trim_start_matches('/'))
        } else {
            root.clone()
        };
        let host = match std::fs::canonicalize(&joined) {
            Ok(p) if p.is_dir() => p,
            Ok(p) => {
                grants.warnings.push(format!(
                    "plugin '{}': {} ({}) is not a folder; it is not mounted",
                    manifest.name,
                    g.path,
                    p.display()
                ));
                continue;
            }
            Err(_) => {
                grants.warnings.push(format!(
                    "plugin '{}': {} ({}) does not exist; it is not mounted",
                    manifest.name,
                    g.path,
                    joined.display()
                ));
                continue;
            }
        };
        // A folder named under a placeholder stays under it: a link (or
        // `..`) the repository planted must not carry the grant out of
        // the workspace (`out -> ~/.ssh`).
        if base.is_some()
            && let Ok(under) = std::fs::canonicalize(&root)
            && !host.starts_with(&under)
        {
            grants.warnings.push(format!(
                "plugin '{}': {} leads to {}, outside {} (through a symbolic link or ..); it is not mounted",
                manifest.name,
                g.path,
                host.display(),
                under.display()
            ));
            continue;
        }
        // Held open from here; what was opened is checked again (a link
        // swapped in after the check above would show here).
        let held = match open_held(&host) {
            Some((file, real)) if real == host => Some(std::sync::Arc::new(file)),
            Some(_) | None => {
                grants.warnings.push(format!(
                    "plugin '{}': {} ({}) changed while it was being opened; it is not mounted",
                    manifest.name,
                    g.path,
                    host.display()
                ));
                continue;
            }
        };
        let Some(guest) = host.to_str().map(str::to_string) else {
            grants.warnings.push(format!(
                "plugin '{}': {} is not valid UTF-8; it is not mounted",
                manifest.name,
                host.display()
            ));
            continue;
        };
        if base == Some("${workspace}") && rest.trim_matches('/').is_empty() {
            grants.cwd = Some(guest.clone());
        }
        grants.dirs.push(DirGrant {
            host,
            guest,
            access: g.access,
            held,
        });
    }
    for name in &manifest.permissions.env {
        if let Ok(v) = std::env::var(name) {
            grants.env.push((name.clone(), v));
        }
    }
    grants
}

/// The name of a plugin's `${tmp}` folder: its manifest name (for
/// people) and a hash of its canonical folder, which the plugin cannot
/// choose, so two plugins that call themselves the same never share one.
fn tmp_folder_name(manifest: &Manifest) -> String {
    use sha2::{Digest, Sha256};
    let dir = manifest.dir();
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let digest = Sha256::digest(dir.as_os_str().as_encoded_bytes());
    let hex = super::engine::hex(&digest);
    format!("{}-{}", manifest.name, &hex[..16])
}

/// `${x}/rest` → (Some("${x}"), "/rest"); other paths → (None, path).
fn split_placeholder(path: &str) -> (Option<&str>, &str) {
    if path.starts_with("${")
        && let Some(end) = path.find('}')
    {
        return (Some(&path[..=end]), &path[end + 1..]);
    }
    (None, path)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    if let Some(parent) = dir.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)?;
        // Another user may have made them first (the run's folder and
        // the one above it): they must be ours and private.
        for folder in parent.ancestors().take(2) {
            let meta = std::fs::symlink_metadata(folder)?;
            // SAFETY: getuid has no preconditions and cannot fail.
            if meta.uid() != unsafe { libc::getuid() } || !meta.is_dir() {
                return Err(std::io::Error::other(format!(
                    "{} is not a folder owned by you",
                    folder.display()
                )));
            }
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))?;
            }
        }
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    // A link planted where the folder goes (a sandboxed command can
    // write the temp root) would mount wherever it points.
    let meta = std::fs::symlink_metadata(dir)?;
    // SAFETY: getuid has no preconditions and cannot fail.
    if meta.file_type().is_symlink() || !meta.is_dir() || meta.uid() != unsafe { libc::getuid() } {
        return Err(std::io::Error::other(format!(
            "{} is not a folder owned by you (a link or another user's)",
            dir.display()
        )));
    }
    Ok(())
}

/// Hosts a plugin may send HTTP requests to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostAllowList {
    patterns: Vec<String>,
}

impl HostAllowList {
    pub fn new(patterns: &[String]) -> HostAllowList {
        HostAllowList {
            patterns: patterns.iter().map(|p| p.to_ascii_lowercase()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// `host` is the host part of a URL (no port). `*.example.org` matches
    /// any subdomain of example.org, not example.org itself.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return false;
        }
        self.patterns.iter().any(|p| match p.strip_prefix("*.") {
            Some(suffix) => host
                .strip_suffix(suffix)
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            None => *p == host,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matches_subdomains_only() {
        let l = HostAllowList::new(&["*.example.org".into(), "API.example.com".into()]);
        assert!(l.allows("a.example.org"));
        assert!(l.allows("b.a.example.org"));
        assert!(!l.allows("example.org"));
        assert!(!l.allows("evilexample.org"));
        assert!(l.allows("api.example.com"));
        assert!(l.allows("api.example.com."));
        assert!(!l.allows("x.api.example.com"));
        assert!(!l.allows("127.0.0.1"));
        assert!(!l.allows(""));
    }

    #[test]
    fn placeholders_resolve_to_existing_folders() {
        let root = tempfile::tempdir().unwrap();
        let ws = root.path().join("ws");
        std::fs::create_dir_all(ws.join("src")).unwrap();
        let plugin = root.path().join("plugin");
        std::fs::create_dir_all(plugin.join("data")).unwrap();
        let text = "name = \"p\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"p.wasm\"\n[permissions]\nfs = [{ path = \"${workspace}\", access = \"ro\" }, { path = \"${workspace}/src\", access = \"rw\" }, { path = \"${plugin}/data\", access = \"ro\" }, { path = \"${tmp}\", access = \"rw\" }, { path = \"${workspace}/missing\", access = \"ro\" }]\nenv = [\"PATH\", \"QUIRE_SURELY_UNSET_VAR\"]\n";
        let m = crate::plugins::manifest::parse(text, &plugin.join("plugin.toml")).unwrap();
        let ctx = GrantContext {
            workspace: ws.clone(),
            tmp_root: root.path().join("tmp"),
            user_home: None,
        };
        let g = resolve(&m, &ctx);
        let canon = |p: PathBuf| std::fs::canonicalize(p).unwrap();
        let hosts: Vec<(PathBuf, Access)> =
            g.dirs.iter().map(|d| (d.host.clone(), d.access)).collect();
        assert_eq!(
            hosts,
            vec![
                (canon(ws.clone()), Access::Ro),
                (canon(ws.join("src")), Access::Rw),
                (canon(plugin.join("data")), Access::Ro),
                (
                    canon(root.path().join("tmp").join(tmp_folder_name(&m))),
                    Access::Rw
                ),
            ]
        );
        assert_eq!(g.dirs[0].guest, canon(ws.clone()).to_str().unwrap());
        assert_eq!(g.cwd.as_deref(), canon(ws).to_str());
        assert_eq!(g.warnings.len(), 1, "{:?}", g.warnings);
        assert!(
            g.warnings[0].contains("${workspace}/missing"),
            "{:?}",
            g.warnings
        );
        assert_eq!(g.env.len(), 1);
        assert_eq!(g.env[0].0, "PATH");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root.path().join("tmp").join(tmp_folder_name(&m)))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }

    /// A manifest granting `fs` (the TOML list's items) and a context
    /// with the workspace `root/ws` and the temp root `root/tmp`.
    fn granting(root: &Path, fs: &str) -> (Manifest, GrantContext) {
        let text = format!(
            "name = \"p\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"p.wasm\"\n[permissions]\nfs = [{fs}]\n"
        );
        let m = crate::plugins::manifest::parse(&text, &root.join("plugin.toml")).unwrap();
        let ctx = GrantContext {
            workspace: root.join("ws"),
            tmp_root: root.join("tmp"),
            user_home: None,
        };
        (m, ctx)
    }

    /// A repository's `out -> ~/.ssh` must not carry a `${workspace}/out`
    /// grant out of the workspace (`..` the manifest already refuses).
    #[test]
    fn a_link_or_dots_cannot_lead_a_grant_out_of_its_placeholder() {
        let root = tempfile::tempdir().unwrap();
        let ws = root.path().join("ws");
        let secret = root.path().join("secret");
        std::fs::create_dir_all(ws.join("inner")).unwrap();
        std::fs::create_dir_all(&secret).unwrap();
        std::os::unix::fs::symlink(&secret, ws.join("out")).unwrap();
        std::os::unix::fs::symlink(ws.join("inner"), ws.join("near")).unwrap();
        let (m, ctx) = granting(
            root.path(),
            r#"{ path = "${workspace}/out", access = "rw" }, { path = "${workspace}/near", access = "rw" }"#,
        );
        let g = resolve(&m, &ctx);
        // Only the link that stays inside is mounted.
        let hosts: Vec<PathBuf> = g.dirs.iter().map(|d| d.host.clone()).collect();
        assert_eq!(
            hosts,
            vec![std::fs::canonicalize(ws.join("inner")).unwrap()]
        );
        assert_eq!(g.warnings.len(), 1, "{:?}", g.warnings);
        assert!(
            g.warnings[0].contains("${workspace}/out leads to")
                && g.warnings[0].contains("it is not mounted"),
            "{:?}",
            g.warnings
        );
    }

    /// The folder is held from resolution: a link swapped in at its
    /// path during the session (`out` -> `~/.ssh`) is not what is mounted.
    #[test]
    fn a_folder_swapped_for_a_link_later_is_not_what_is_mounted() {
        let root = tempfile::tempdir().unwrap();
        let ws = root.path().join("ws");
        let secret = root.path().join("secret");
        std::fs::create_dir_all(ws.join("out")).unwrap();
        std::fs::create_dir_all(&secret).unwrap();
        let (m, ctx) = granting(
            root.path(),
            r#"{ path = "${workspace}/out", access = "rw" }"#,
        );
        let g = resolve(&m, &ctx);
        assert_eq!(g.dirs.len(), 1, "{:?}", g.warnings);
        std::fs::rename(ws.join("out"), ws.join("out-before")).unwrap();
        std::os::unix::fs::symlink(&secret, ws.join("out")).unwrap();
        let mounted = g.dirs[0].mount_path();
        std::fs::write(mounted.join("authorized_keys"), "planted").unwrap();
        assert!(
            !secret.join("authorized_keys").exists(),
            "written through the link"
        );
        assert!(ws.join("out-before/authorized_keys").exists());
    }

    /// A link planted where a plugin's temp folder goes is refused.
    #[test]
    fn a_link_planted_as_the_temp_folder_is_not_mounted() {
        let root = tempfile::tempdir().unwrap();
        let secret = root.path().join("secret");
        std::fs::create_dir_all(&secret).unwrap();
        let (m, ctx) = granting(root.path(), r#"{ path = "${tmp}", access = "rw" }"#);
        let planted = ctx.tmp_root.join(tmp_folder_name(&m));
        std::fs::create_dir_all(&ctx.tmp_root).unwrap();
        std::os::unix::fs::symlink(&secret, &planted).unwrap();
        let g = resolve(&m, &ctx);
        assert!(g.dirs.is_empty(), "{:?}", g.dirs);
        assert!(
            g.warnings
                .iter()
                .any(|w| w.contains("cannot create its temp folder")),
            "{:?}",
            g.warnings
        );
    }

    #[test]
    fn plugins_with_the_same_name_get_different_tmp_folders() {
        let root = tempfile::tempdir().unwrap();
        let text = "name = \"same\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"p.wasm\"\n[permissions]\nfs = [{ path = \"${tmp}\", access = \"rw\" }]\n";
        let ctx = GrantContext {
            workspace: root.path().to_path_buf(),
            tmp_root: root.path().join("tmp"),
            user_home: None,
        };
        let tmp_of = |folder: &str| {
            let dir = root.path().join(folder);
            std::fs::create_dir_all(&dir).unwrap();
            let m = crate::plugins::manifest::parse(text, &dir.join("plugin.toml")).unwrap();
            let g = resolve(&m, &ctx);
            assert!(g.warnings.is_empty(), "{:?}", g.warnings);
            g.dirs[0].host.clone()
        };
        let a = tmp_of("a");
        let b = tmp_of("b");
        assert_ne!(a, b, "two plugins named 'same' share {}", a.display());
        assert_eq!(a, tmp_of("a"), "one plugin keeps its folder");
        for dir in [&a, &b] {
            let name = dir.file_name().unwrap().to_string_lossy();
            assert!(name.starts_with("same-"), "{name}");
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
        }
    }

    #[test]
    fn placeholders_split() {
        assert_eq!(
            split_placeholder("${workspace}/src"),
            (Some("${workspace}"), "/src")
        );
        assert_eq!(split_placeholder("/abs"), (None, "/abs"));
    }
}
