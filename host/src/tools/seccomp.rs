//! The seccomp half of the sandbox, applied in the child next to Landlock
//! in every mode but `danger-full-access`:
//!
//! - **the terminal**: `ioctl` `TIOCSTI` (push characters into a
//!   terminal's input, as if typed: a command could answer quire's own
//!   approval prompt) and `TIOCLINUX` are refused;
//! - **set-user-id and set-group-id bits**: `chmod`, `fchmod`,
//!   `fchmodat` and `fchmodat2` with either bit are refused, and so is
//!   making a file with them: `open`/`openat` with `O_CREAT` or
//!   `O_TMPFILE`, `creat`, and `mknod`/`mknodat` of a plain file whose
//!   mode carries one (Landlock confines writes, not a file's mode, so
//!   this keeps a command from making a program that runs as someone
//!   else); `openat2`, whose mode lies in memory the filter cannot read,
//!   fails with ENOSYS, as on kernels before 5.6, so callers fall back to
//!   `openat` ([`no_openat2`]);
//! - **device nodes**: `mknod` and `mknodat` making a block or character
//!   device are refused (FIFOs, sockets and plain files are not): a
//!   command run as root could otherwise make `./lo` for `/dev/loop0` or
//!   a disk in the workspace and write the device through it, around
//!   Landlock's rules on `/dev` (which also withholds the right to make
//!   them, `sandbox.rs`);
//! - **the network**, when it is off: creating any socket but a Unix one
//!   is refused. Landlock alone restricts only TCP bind and connect; this
//!   also stops UDP, raw and packet sockets, netlink and every other
//!   address family;
//! - **Unix sockets**, unless `unix_sockets = true`, network on or off:
//!   `socket(AF_UNIX, …)` is refused, so a command cannot connect to a
//!   socket it can name outside the sandbox (`/var/run/docker.sock`, the
//!   systemd and D-Bus sockets of `systemd-run --user`, ssh-agent), which
//!   would run what it asks outside the sandbox. Landlock (before
//!   `LANDLOCK_ACCESS_FS_RESOLVE_UNIX`) does not see such a connect.
//!   `socketpair` still works (pipes between processes, Python's
//!   `multiprocessing.Pipe`): a stream pair is connected and connects
//!   nowhere else; a datagram pair can still send to a datagram socket
//!   it names (the journal's, syslog's), none of which runs commands.
//!
//! `io_uring` is refused always: it opens sockets without the `socket`
//! system call and files without `open` (a set-id mode included), out
//! of the filter's sight.
//!
//! A refused call fails with EACCES ("Permission denied"), as Landlock's
//! refusals do.
//!
//! On x86_64 the filter also covers 32-bit (ia32) programs, which
//! seccompiler's filter alone would kill: the same rules in plain BPF
//! ahead of it, where the old `socketcall` multiplexer refuses creating
//! sockets of any family under either socket rule (its arguments live in
//! memory the filter cannot read).

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

/// x32 system calls on x86_64 carry this bit; their numbers are
/// different ones that must be covered too.
#[cfg(target_arch = "x86_64")]
const X32_SYSCALL_BIT: i64 = 0x4000_0000;

/// The mode bits refused to `chmod`.
const SET_ID_BITS: [u64; 2] = [libc::S_ISUID as u64, libc::S_ISGID as u64];

/// The `open` flags that make a file, whose mode is then refused set-id
/// bits (`O_TMPFILE` includes `O_DIRECTORY`: both must be set).
const MAKING_FLAGS: [u64; 2] = [libc::O_CREAT as u64, libc::O_TMPFILE as u64];

/// The file types refused to `mknod`: character and block devices.
const DEVICE_TYPES: [u64; 2] = [libc::S_IFCHR as u64, libc::S_IFBLK as u64];

/// The terminal requests refused to `ioctl`. (The cast is a no-op where
/// `c_ulong` is 64 bits wide, not on 32-bit targets.)
#[allow(clippy::unnecessary_cast)]
const TTY_REQUESTS: [u64; 2] = [libc::TIOCSTI as u64, libc::TIOCLINUX as u64];

/// Which sockets a command may create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sockets {
    /// Only Unix sockets (and pairs) may be made: no network.
    pub network_off: bool,
    /// `socket(AF_UNIX, …)` is refused.
    pub unix_off: bool,
}

impl Sockets {
    /// Whether any socket rule applies (and `io_uring` is refused).
    fn any(self) -> bool {
        self.network_off || self.unix_off
    }
}

/// Builds the filter for this machine's architecture; `sockets` says
/// which socket rules it has.
pub fn filter(sockets: Sockets) -> Result<BpfProgram, String> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|e| format!("seccomp does not support {}: {e:?}", std::env::consts::ARCH))?;
    let err = |e: seccompiler::BackendError| format!("{e:?}");
    let cond = |arg: u8, op: SeccompCmpOp, value: u64| {
        SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).map_err(err)
    };
    let one = |c: SeccompCondition| SeccompRule::new(vec![c]).map_err(err);
    let not_unix = || one(cond(0, SeccompCmpOp::Ne, libc::AF_UNIX as u64)?);
    let unix = || one(cond(0, SeccompCmpOp::Eq, libc::AF_UNIX as u64)?);
    // `socket`: every family when both rules apply (an empty rule list
    // matches every call), else the one each rule refuses.
    let socket = || -> Result<Vec<SeccompRule>, String> {
        Ok(match (sockets.network_off, sockets.unix_off) {
            (true, true) => Vec::new(),
            (true, false) => vec![not_unix()?],
            (false, _) => vec![unix()?],
        })
    };
    // `mode` is argument `arg`: refused when it carries either bit.
    let set_id = |arg: u8| -> Result<Vec<SeccompRule>, String> {
        SET_ID_BITS
            .iter()
            .map(|&bit| one(cond(arg, SeccompCmpOp::MaskedEq(bit), bit)?))
            .collect()
    };
    // `mode` is argument `arg`: refused when its file type is a device,
    // or when it carries either set-id bit.
    let node = |arg: u8| -> Result<Vec<SeccompRule>, String> {
        let mut rules = DEVICE_TYPES
            .iter()
            .map(|&kind| {
                one(cond(
                    arg,
                    SeccompCmpOp::MaskedEq(libc::S_IFMT as u64),
                    kind,
                )?)
            })
            .collect::<Result<Vec<_>, String>>()?;
        rules.extend(set_id(arg)?);
        Ok(rules)
    };
    // `flags` is argument `flags`, `mode` the next: refused when the call
    // makes a file (`O_CREAT`, `O_TMPFILE`) with either set-id bit.
    let create = |flags: u8| -> Result<Vec<SeccompRule>, String> {
        let mut rules = Vec::new();
        for making in MAKING_FLAGS {
            for bit in SET_ID_BITS {
                rules.push(
                    SeccompRule::new(vec![
                        cond(flags, SeccompCmpOp::MaskedEq(making), making)?,
                        cond(flags + 1, SeccompCmpOp::MaskedEq(bit), bit)?,
                    ])
                    .map_err(err)?,
                );
            }
        }
        Ok(rules)
    };
    let tty = || -> Result<Vec<SeccompRule>, String> {
        TTY_REQUESTS
            .iter()
            .map(|&req| one(cond(1, SeccompCmpOp::Eq, req)?))
            .collect()
    };
    let mut rules = std::collections::BTreeMap::new();
    let mut add = |nr: i64, r: Vec<SeccompRule>| {
        rules.insert(nr, r.clone());
        #[cfg(target_arch = "x86_64")]
        rules.insert(X32_SYSCALL_BIT | nr, r);
    };
    add(libc::SYS_ioctl, tty()?);
    add(libc::SYS_chmod, set_id(1)?);
    add(libc::SYS_fchmod, set_id(1)?);
    add(libc::SYS_fchmodat, set_id(2)?);
    add(FCHMODAT2, set_id(2)?);
    #[cfg(target_arch = "x86_64")]
    {
        add(libc::SYS_mknod, node(1)?);
        add(libc::SYS_open, create(1)?);
        add(libc::SYS_creat, set_id(1)?);
    }
    add(libc::SYS_mknodat, node(2)?);
    add(libc::SYS_openat, create(2)?);
    if sockets.any() {
        add(libc::SYS_socket, socket()?);
    }
    add(libc::SYS_io_uring_setup, Vec::new());
    if sockets.network_off {
        add(libc::SYS_socketpair, vec![not_unix()?]);
    }
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EACCES as u32),
        arch,
    )
    .map_err(|e| format!("{e:?}"))?;
    let program: BpfProgram = filter.try_into().map_err(|e| format!("{e:?}"))?;
    #[cfg(target_arch = "x86_64")]
    let program = [ia32::prefix(sockets), program].concat();
    Ok(program)
}

/// A filter failing `openat2` with ENOSYS ("not implemented", what
/// kernels before 5.6 say, so callers fall back to `openat`, which the
/// main filter reads): its mode lies in a structure in memory, out of a
/// filter's reach.
pub fn no_openat2() -> Result<BpfProgram, String> {
    let program = refusing(&[libc::SYS_openat2], libc::ENOSYS)?;
    #[cfg(target_arch = "x86_64")]
    let program = [ia32::refuse(&[ia32::OPENAT2], libc::ENOSYS), program].concat();
    Ok(program)
}

/// A filter failing every call of `calls` (their x32 forms too) with
/// `errno`, for this machine's ABI (the ia32 one is the caller's).
pub(crate) fn refusing(calls: &[i64], errno: i32) -> Result<BpfProgram, String> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|e| format!("seccomp does not support {}: {e:?}", std::env::consts::ARCH))?;
    let mut rules: std::collections::BTreeMap<i64, Vec<SeccompRule>> = Default::default();
    for &nr in calls {
        rules.insert(nr, Vec::new());
        #[cfg(target_arch = "x86_64")]
        rules.insert(X32_SYSCALL_BIT | nr, Vec::new());
    }
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(errno as u32),
        arch,
    )
    .map_err(|e| format!("{e:?}"))?;
    filter.try_into().map_err(|e| format!("{e:?}"))
}

/// `fchmodat2` (Linux 6.6; not in every libc crate yet): the same number
/// on every architecture that has the common syscall table.
const FCHMODAT2: i64 = 452;

/// The ia32 ABI on x86_64, in plain BPF ahead of seccompiler's program
/// (which only knows one ABI per filter and kills the others).
#[cfg(target_arch = "x86_64")]
mod ia32;

pub mod privileged;

/// Installs `program` on the calling thread (between fork and exec: it
/// allocates nothing).
pub fn apply(program: &BpfProgram) -> std::io::Result<()> {
    seccompiler::apply_filter(program).map_err(|e| match e {
        seccompiler::Error::Prctl(err) | seccompiler::Error::Seccomp(err) => err,
        _ => std::io::Error::from_raw_os_error(libc::EPERM),
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod making_tests;
