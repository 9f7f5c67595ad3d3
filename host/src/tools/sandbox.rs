//! Sandboxing of `shell` commands with Landlock (Linux), and with a
//! seccomp filter ([`super::seccomp`]) refusing terminal input injection,
//! set-user-id bits, device nodes, Unix sockets (unless `unix_sockets`
//! allows them: `docker.sock`, `systemd-run --user` and ssh-agent are
//! reached through them), and every other socket when the network is off,
//! and a second one ([`super::seccomp::privileged`]) refusing reboot,
//! modules, the clock and, where no IPC namespace could be had, SysV IPC.
//! Each command gets its own IPC namespace ([`super::ipc_ns`]) and, run
//! as root, only a few capabilities ([`super::caps`]). Where the kernel has Landlock's scopes (ABI 6,
//! Linux 6.12), a command also cannot signal processes outside it nor
//! connect to abstract Unix sockets made outside it.
//!
//! The ruleset is built in the parent (it holds a file descriptor); the
//! child only calls `landlock_restrict_self` between `fork` and `exec`.
//! Enforcement is a hard requirement: when the kernel cannot enforce a
//! mode, commands are refused instead of running unconfined.

use std::io;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, PathBeneath, PathFd,
    Ruleset, RulesetAttr, RulesetCreated, RulesetCreatedAttr, RulesetStatus, Scope,
};
use serde::{Deserialize, Serialize};

use super::pinned_roots::{Changed, Pinned};

/// How much a command may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SandboxMode {
    /// Read anywhere, write nowhere, no network.
    ReadOnly,
    /// Read anywhere, write under the workspace and the temp dir; no
    /// network unless network is allowed, no Unix sockets unless
    /// `unix_sockets` allows them.
    #[default]
    WorkspaceWrite,
    /// No sandbox.
    DangerFullAccess,
}

impl std::fmt::Display for SandboxMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SandboxMode::ReadOnly => "read-only",
            SandboxMode::WorkspaceWrite => "workspace-write",
            SandboxMode::DangerFullAccess => "danger-full-access",
        })
    }
}

/// What in an agent's definition fixes its sandbox read-only
/// (`ToolContext::sandbox_fixed`), as said to the agent.
pub const FIXED_BY: &str =
    "its permissionMode: plan (Claude Code) or sandbox_mode = \"read-only\" (Codex)";

/// How the user lets the model write the workspace when the session's
/// sandbox is read-only (set at start or by `/approvals read-only`), as
/// said to the model: both ways, in the session and at start.
pub const WRITES_ALLOWED_BY: &str = "/approvals auto in the session (the interactive view or the line mode), or --sandbox workspace-write when starting quire";

/// A resolved policy for one command.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxPolicy {
    pub mode: SandboxMode,
    /// Writable roots under `workspace-write` (workspace, temp dirs).
    pub writable_roots: Vec<PathBuf>,
    /// TCP bind and connect under `workspace-write`; `read-only` never has
    /// network.
    pub network: bool,
    /// Creating Unix sockets (connecting to `docker.sock`, D-Bus,
    /// ssh-agent…), in either sandboxed mode; `false` from
    /// [`workspace_policy`], set from the config's `unix_sockets`.
    pub unix_sockets: bool,
    /// A private temp folder (one of `writable_roots`) given to commands
    /// as `TMPDIR`, `TMP` and `TEMP`, when the temp root takes no new
    /// entries ([`super::command_tmp`]).
    pub temp_dir: Option<PathBuf>,
    /// The folders `writable_roots` are beneath, as first named in this
    /// run ([`super::pinned_roots`]): each is checked to be the same
    /// folder before a command, and its rules made from that descriptor.
    pub pins: Vec<Pinned>,
    /// The workspace's pin (also in `pins`): when it changed, commands
    /// are refused.
    pub workspace_pin: Option<Pinned>,
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "the {mode} sandbox cannot be enforced on this system: {reason}. quire will not run commands unconfined; pass --sandbox danger-full-access to run without a sandbox"
    )]
    Unsupported { mode: SandboxMode, reason: String },
    #[error("could not set up the {mode} sandbox: {reason}")]
    Setup { mode: SandboxMode, reason: String },
    /// The workspace is no longer the folder the session started in.
    #[error("{}", super::pinned_roots::workspace_refusal("run commands", .0))]
    WorkspaceChanged(Changed),
}

/// Character devices every sandboxed command may write (output sinks and
/// sources that cannot hold data).
const HARMLESS_DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
];

/// The lowest Landlock ABI with TCP rules.
const NETWORK_ABI: ABI = ABI::V4;

/// The lowest Landlock ABI with scopes (signals, abstract Unix sockets).
const SCOPE_ABI: ABI = ABI::V6;

/// Whether sandboxed commands here are scoped: they cannot connect to an
/// abstract Unix socket made outside their own command (signals are not
/// scoped: see [`build_ruleset`]).
/// Best effort: kernels before Linux 6.12 (Landlock ABI 6) have no scopes.
pub fn scoped() -> bool {
    kernel_abi().is_ok_and(|abi| abi >= SCOPE_ABI)
}

/// Whether `mode` denies TCP bind and connect.
fn restricts_network(mode: SandboxMode, network: bool) -> bool {
    match mode {
        SandboxMode::ReadOnly => true,
        SandboxMode::WorkspaceWrite => !network,
        SandboxMode::DangerFullAccess => false,
    }
}

/// Checks that the kernel can enforce `mode` (with or without network).
pub fn check_support(mode: SandboxMode, network: bool) -> Result<(), SandboxError> {
    if mode == SandboxMode::DangerFullAccess {
        return Ok(());
    }
    supported_abi(mode, network).map(|_| ())
}

/// The kernel's ABI, when it can enforce `mode`.
fn supported_abi(mode: SandboxMode, network: bool) -> Result<ABI, SandboxError> {
    decide(mode, network, kernel_abi())
}

/// Whether a kernel offering `kernel` can enforce `mode`.
fn decide(
    mode: SandboxMode,
    network: bool,
    kernel: Result<ABI, String>,
) -> Result<ABI, SandboxError> {
    let unsupported = |reason: String| SandboxError::Unsupported { mode, reason };
    let abi = kernel.map_err(unsupported)?;
    if restricts_network(mode, network) && abi < NETWORK_ABI {
        let hint = if mode == SandboxMode::WorkspaceWrite {
            " (or allow the network with network = true)"
        } else {
            ""
        };
        return Err(unsupported(format!(
            "blocking the network needs Landlock ABI 4 (Linux 6.7 or newer), this kernel has ABI {abi}{hint}"
        )));
    }
    Ok(abi)
}

/// Asks the kernel which Landlock ABI it supports.
#[cfg(target_os = "linux")]
fn kernel_abi() -> Result<ABI, String> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute pointer, size 0 and the VERSION flag the
    // syscall only returns the ABI version; it reads no memory.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    if v > 0 {
        return Ok(ABI::from(i32::try_from(v).unwrap_or(i32::MAX)));
    }
    let err = io::Error::last_os_error();
    Err(match err.raw_os_error() {
        Some(libc::EOPNOTSUPP) => {
            "Landlock is built into the kernel but disabled (add landlock to the lsm= boot parameter)".into()
        }
        Some(libc::ENOSYS) => {
            "the kernel has no Landlock support (it needs Linux 5.13 or newer built with CONFIG_SECURITY_LANDLOCK)".into()
        }
        _ => format!("the Landlock version query failed: {err}"),
    })
}

#[cfg(not(target_os = "linux"))]
fn kernel_abi() -> Result<ABI, String> {
    Err("Landlock sandboxing is only available on Linux".into())
}

/// The policy of `mode` for a process working in `workspace`: writes
/// allowed there and in the temp dirs (`/tmp`, `$TMPDIR`), except in the
/// user's own folders that grant rights ([`crate::config::protected`]),
/// which stay read-only wherever they are. When that leaves the temp
/// root unable to take new files, commands get a private temp folder
/// ([`super::command_tmp`]). `extra`: the config's `writable_roots`.
pub fn workspace_policy(
    mode: SandboxMode,
    workspace: &Path,
    network: bool,
    extra: &[PathBuf],
) -> SandboxPolicy {
    let mut roots: Vec<PathBuf> = extra.to_vec();
    if let Some(tmp) = std::env::var_os("TMPDIR").filter(|t| !t.is_empty()) {
        roots.push(PathBuf::from(tmp));
    }
    // Each folder pinned the first time it is named (a missing one is
    // left out); its real path as it was then, never looked up again. A
    // root reached through a link a command could have made is left out.
    let writable = super::planted_links::writable_folders(Some(workspace), extra);
    let workspace_pin = super::pinned_roots::pin(workspace);
    let mut pins: Vec<Pinned> = [workspace, Path::new("/tmp")]
        .into_iter()
        .filter_map(super::pinned_roots::pin)
        .collect();
    pins.extend(
        roots
            .iter()
            .filter_map(|n| super::pinned_roots::pin_root(n, &writable)),
    );
    let mut writable_roots: Vec<PathBuf> = pins.iter().map(|p| p.real.clone()).collect();
    let mut temp_dir = None;
    if mode == SandboxMode::WorkspaceWrite {
        let protected = crate::config::protected::folders();
        writable_roots = super::writable_roots::carve(writable_roots, &protected);
        temp_dir = super::command_tmp::for_roots(&writable_roots, &protected);
        writable_roots.extend(temp_dir.clone());
        pins.extend(temp_dir.as_deref().and_then(super::pinned_roots::pin));
    }
    SandboxPolicy {
        mode,
        writable_roots,
        network,
        unix_sockets: false,
        temp_dir,
        pins,
        workspace_pin,
    }
}

/// What the `workspace-write` sandbox takes from a session in `workspace`
/// beyond the usual, one line each: a workspace or temp root inside one
/// of the user's own folders (read-only as a whole), or holding one (no
/// new entries directly in it; not said of a temp root when commands get
/// a private temp folder instead). Empty when nothing is taken. `extra`:
/// the config's `writable_roots`.
pub fn carve_notes(mode: SandboxMode, workspace: &Path, extra: &[PathBuf]) -> Vec<String> {
    if mode != SandboxMode::WorkspaceWrite {
        return Vec::new();
    }
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut roots = vec![
        ("the workspace", real(workspace)),
        ("the temp folder", real(Path::new("/tmp"))),
    ];
    roots.push(("the temp folder", super::command_tmp::temp_root()));
    let named = crate::config::protected::named();
    let policy = workspace_policy(mode, workspace, false, extra);
    let mut notes = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for (what, root) in roots {
        if seen.contains(&root) {
            continue;
        }
        seen.push(root.clone());
        if let Some((folder, name)) = named.iter().find(|(f, _)| root.starts_with(f)) {
            notes.push(format!(
                "sandbox: {what} {} is inside {name} ({}), one of your own folders that commands may not change, so they cannot write anywhere in it; point {name} elsewhere, or run in another folder",
                root.display(),
                folder.display()
            ));
        } else {
            let held: Vec<String> = named
                .iter()
                .filter(|(f, _)| f.starts_with(&root))
                .map(|(f, name)| format!("{name} ({})", f.display()))
                .collect();
            // A temp root that took no new entries is made up for by the
            // private TMPDIR: no line at every start (CI, tests).
            if held.is_empty() || (what == "the temp folder" && policy.temp_dir.is_some()) {
                continue;
            }
            notes.push(format!(
                "sandbox: commands cannot create files directly in {}, nor in the folders on the way to {}, which they may not change",
                root.display(),
                held.join(", ")
            ));
        }
    }
    notes
}

/// Arranges for `cmd` to run confined by `policy`. Fails, rather than
/// leaving the command unconfined, when the policy cannot be enforced.
pub fn confine(
    cmd: &mut tokio::process::Command,
    policy: &SandboxPolicy,
) -> Result<(), SandboxError> {
    if policy.mode == SandboxMode::DangerFullAccess {
        return Ok(());
    }
    let mut ruleset = Some(build_ruleset(policy)?);
    if let Some(dir) = &policy.temp_dir {
        set_temp_dir(cmd, dir, &policy.writable_roots);
    }
    let sockets = super::seccomp::Sockets {
        network_off: restricts_network(policy.mode, policy.network),
        unix_off: !policy.unix_sockets,
    };
    let unsupported = |reason: String| SandboxError::Unsupported {
        mode: policy.mode,
        reason: format!("the system call filter (seccomp) cannot be built: {reason}"),
    };
    let filter = super::seccomp::filter(sockets).map_err(unsupported)?;
    let no_openat2 = super::seccomp::no_openat2().map_err(unsupported)?;
    // The machine's calls refused; SysV IPC too when the command gets no
    // IPC namespace of its own.
    let machine = super::seccomp::privileged::filter(false).map_err(unsupported)?;
    let machine_and_sysv = super::seccomp::privileged::filter(true).map_err(unsupported)?;
    let hook = move || -> io::Result<()> {
        // Runs in the child between fork and exec: no allocation here.
        let Some(ruleset) = ruleset.take() else {
            return Err(io::Error::from_raw_os_error(libc::EPERM));
        };
        // Descriptors quire was started with (a connected socket on fd 5)
        // do not reach the command: they would carry what the sandbox
        // refuses to open.
        close_inherited_on_exec();
        // Its own SysV IPC (root needs CAP_SYS_ADMIN for it: before the
        // capabilities go).
        let isolation = super::ipc_ns::isolate();
        // A command run as root keeps only what workspace work needs
        // (not CAP_SYS_PTRACE, which would read quire's keys).
        super::caps::keep_only_allowed()?;
        match ruleset.restrict_self() {
            Ok(status) if status.ruleset == RulesetStatus::FullyEnforced => {}
            _ => {
                let err = io::Error::last_os_error();
                return match err.raw_os_error() {
                    Some(code) if code != 0 => Err(err),
                    _ => Err(io::Error::from_raw_os_error(libc::EPERM)),
                };
            }
        }
        super::seccomp::apply(&filter)?;
        super::seccomp::apply(&no_openat2)?;
        super::seccomp::apply(match isolation {
            super::ipc_ns::Isolation::Namespace => &machine,
            super::ipc_ns::Isolation::Refused => &machine_and_sysv,
        })
    };
    // SAFETY: the hook only moves a prepared value out of its capture and
    // makes system calls (unshare, prctl, capset, landlock_restrict_self, seccomp); it does
    // not allocate or take locks, so it is safe between fork and exec.
    unsafe {
        cmd.pre_exec(hook);
    }
    Ok(())
}

/// Marks every descriptor from 3 on close-on-exec (the command gets its
/// standard input, output and error only). `close_range` where the
/// kernel has it (Linux 5.11), else each descriptor below the limit in
/// turn. Runs between fork and exec: system calls only.
fn close_inherited_on_exec() {
    // SAFETY: close_range and fcntl take plain integers; marking a
    // descriptor close-on-exec leaves it open until exec.
    unsafe {
        let done = libc::syscall(
            libc::SYS_close_range,
            3 as libc::c_uint,
            libc::c_uint::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        ) == 0;
        if done {
            return;
        }
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        let top = match libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) {
            0 => limit.rlim_cur.min(1 << 20) as libc::c_int,
            _ => 1024,
        };
        for fd in 3..top {
            let flags = libc::fcntl(fd, libc::F_GETFD);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
            }
        }
    }
}

/// `TMPDIR`, `TMP` and `TEMP` of `cmd` set to `dir`, unless the `TMPDIR`
/// its environment already holds is one where commands may write (a
/// server's `env` naming a folder in the workspace).
fn set_temp_dir(cmd: &mut tokio::process::Command, dir: &Path, writable: &[PathBuf]) {
    let own = cmd
        .as_std()
        .get_envs()
        .find(|(k, _)| *k == "TMPDIR")
        .and_then(|(_, v)| v.map(PathBuf::from))
        .or_else(|| std::env::var_os("TMPDIR").map(PathBuf::from))
        .filter(|t| !t.as_os_str().is_empty())
        .map(|t| std::fs::canonicalize(&t).unwrap_or(t));
    if own.is_some_and(|t| writable.iter().any(|w| t.starts_with(w))) {
        return;
    }
    cmd.env("TMPDIR", dir).env("TMP", dir).env("TEMP", dir);
}

/// Builds the ruleset for `policy` (not `danger-full-access`).
fn build_ruleset(policy: &SandboxPolicy) -> Result<RulesetCreated, SandboxError> {
    let mode = policy.mode;
    let abi = supported_abi(mode, policy.network)?;
    let setup = |what: &str, e: &dyn std::fmt::Display| SandboxError::Setup {
        mode,
        reason: format!("{what}: {e}"),
    };
    let all = AccessFs::from_all(abi);
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::HardRequirement)
        .handle_access(all)
        .map_err(|e| setup("handling filesystem access", &e))?;
    if restricts_network(mode, policy.network) {
        ruleset = ruleset
            .handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp)
            .map_err(|e| setup("handling TCP access", &e))?;
    }
    if abi >= SCOPE_ABI {
        ruleset = ruleset
            // Not signals: each command is a domain of its own, so a
            // command could not stop what an earlier one left running.
            .scope(Scope::AbstractUnixSocket)
            .map_err(|e| setup("scoping abstract Unix sockets", &e))?;
    }
    let mut created = ruleset
        .create()
        .map_err(|e| setup("creating the ruleset", &e))?;
    created = add_path(created, Path::new("/"), AccessFs::from_read(abi), abi)
        .map_err(|e| setup("allowing reads of /", &e))?;
    for dev in HARMLESS_DEVICES {
        created = add_path(created, Path::new(dev), all, abi)
            .map_err(|e| setup(&format!("allowing {dev}"), &e))?;
    }
    if mode == SandboxMode::WorkspaceWrite {
        // Every right but making devices: a node for a disk or a loop
        // device made in the workspace (as root) would reach the device
        // around the rules on /dev. (seccomp refuses it too.)
        // Each root opened beneath its checked pin, no link followed:
        // the rule is on the folder checked, whatever its name is now.
        let writable = all & !(AccessFs::MakeChar | AccessFs::MakeBlock);
        let opened = super::pinned_roots::open_roots(
            policy.workspace_pin.as_ref(),
            &policy.pins,
            &policy.writable_roots,
        )
        .map_err(SandboxError::WorkspaceChanged)?;
        for (root, fd) in opened {
            let access = if super::pinned_roots::is_dir(fd.as_fd()) {
                writable
            } else {
                writable & AccessFs::from_file(abi)
            };
            created = created
                .add_rule(PathBeneath::new(fd, access))
                .map_err(|e| setup(&format!("allowing writes under {}", root.display()), &e))?;
        }
    }
    Ok(created)
}

/// Allows `access` beneath `path` (only file rights when it is not a
/// directory). A path that does not exist is skipped.
fn add_path(
    created: RulesetCreated,
    path: &Path,
    access: BitFlags<AccessFs>,
    abi: ABI,
) -> Result<RulesetCreated, String> {
    let fd = match PathFd::new(path) {
        Ok(fd) => fd,
        Err(e) => {
            if !path.exists() {
                tracing::debug!(path = %path.display(), "sandbox: path missing, not added");
                return Ok(created);
            }
            return Err(e.to_string());
        }
    };
    let access = if path.is_dir() {
        access
    } else {
        access & AccessFs::from_file(abi)
    };
    created
        .add_rule(PathBeneath::new(fd, access))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_modes_are_supported_here() {
        for mode in [
            SandboxMode::ReadOnly,
            SandboxMode::WorkspaceWrite,
            SandboxMode::DangerFullAccess,
        ] {
            for network in [false, true] {
                check_support(mode, network).unwrap();
            }
        }
    }

    #[test]
    fn network_rules_follow_the_mode() {
        assert!(restricts_network(SandboxMode::ReadOnly, true));
        assert!(restricts_network(SandboxMode::WorkspaceWrite, false));
        assert!(!restricts_network(SandboxMode::WorkspaceWrite, true));
        assert!(!restricts_network(SandboxMode::DangerFullAccess, false));
    }

    #[test]
    fn kernels_that_cannot_enforce_a_mode_are_refused() {
        let no_landlock = decide(
            SandboxMode::WorkspaceWrite,
            false,
            Err("the kernel has no Landlock support".into()),
        )
        .unwrap_err()
        .to_string();
        assert!(no_landlock.contains("no Landlock support"), "{no_landlock}");
        assert!(
            no_landlock.contains("--sandbox danger-full-access"),
            "{no_landlock}"
        );
        // ABI 3 enforces files but not the network.
        let old = decide(SandboxMode::WorkspaceWrite, false, Ok(ABI::V3))
            .unwrap_err()
            .to_string();
        assert!(old.contains("Landlock ABI 4"), "{old}");
        assert!(decide(SandboxMode::WorkspaceWrite, true, Ok(ABI::V3)).is_ok());
        assert!(decide(SandboxMode::ReadOnly, true, Ok(ABI::V3)).is_err());
    }

    #[test]
    fn unsupported_message_names_the_way_out() {
        let e = SandboxError::Unsupported {
            mode: SandboxMode::WorkspaceWrite,
            reason: "no Landlock".into(),
        };
        let text = e.to_string();
        assert!(text.contains("workspace-write"), "{text}");
        assert!(text.contains("--sandbox danger-full-access"), "{text}");
    }

    #[test]
    fn missing_writable_roots_are_skipped() {
        let policy = SandboxPolicy {
            mode: SandboxMode::WorkspaceWrite,
            writable_roots: vec![PathBuf::from("/definitely/not/here")],
            network: false,
            unix_sockets: false,
            temp_dir: None,
            pins: Vec::new(),
            workspace_pin: None,
        };
        build_ruleset(&policy).unwrap();
    }
}
