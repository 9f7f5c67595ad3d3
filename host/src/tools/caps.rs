//! The capabilities a sandboxed command keeps when quire runs as root
//! (common in containers and CI): a short allow-list, [`KEPT`], close to
//! Docker's default set, of what workspace work as root needs; every other
//! one is dropped. Without this a root command kept `CAP_NET_ADMIN` (the
//! host's routes and firewall, with the network on), `CAP_SYS_BOOT`,
//! `CAP_SYS_MODULE`, `CAP_SYS_RAWIO`, `CAP_SYS_TIME`, `CAP_BPF`…, none of
//! which Landlock confines. `CAP_SYS_PTRACE` and `CAP_PERFMON` with
//! `CAP_SYS_ADMIN` are among the dropped: with them a root command could
//! read another process's memory and `/proc/PID/environ`. quire itself is
//! not dumpable ([`not_dumpable`]), so a process of the same user cannot
//! read its memory or `/proc/PID/environ` (where the API keys it was
//! started with are).
//!
//! In the child between fork and exec the others are dropped from the
//! bounding set (so the program exec'd as root does not get them back)
//! and from the effective, permitted and inheritable sets, and the
//! ambient set is cleared. A process not run as root has none to drop.

use std::io;

/// The capabilities (linux/capability.h) a sandboxed root command keeps.
/// Left out of Docker's set: `CAP_MKNOD` (device nodes are refused by
/// seccomp anyway; FIFOs need no capability), `CAP_NET_RAW` (raw and
/// packet sockets on the host's own network, unlike a container's, can
/// sniff and forge its traffic; `ping` works through ICMP datagram
/// sockets where `net.ipv4.ping_group_range` allows), `CAP_SETFCAP`
/// (file capabilities on a workspace program would raise whoever runs it
/// later, as the set-id bits seccomp refuses would).
pub const KEPT: [u32; 10] = [
    // CAP_CHOWN: ownership of files it makes (tar, cp -a, package
    // managers as root); Landlock still confines which files it writes.
    0,
    // CAP_DAC_OVERRIDE: writing the workspace when it belongs to another
    // user (a CI checkout mounted into a root container); Landlock still
    // confines where.
    1, // CAP_FOWNER: chmod and utimes of workspace files of other owners.
    3,
    // CAP_KILL: stopping what it started as another user (through
    // CAP_SETUID); root's own processes it can signal anyway.
    5,
    // CAP_SETGID, CAP_SETUID: dropping to an ordinary user (`su`,
    // `setpriv`, PostgreSQL's initdb refuses to run as root); Landlock
    // (writes, ptrace) follows the process whatever its user.
    6, 7,
    // CAP_SETPCAP: a program dropping capabilities from its own bounding
    // set (capsh, setpriv); it cannot add any beyond this list.
    8,
    // CAP_NET_BIND_SERVICE: a dev server on port 80 when the network is
    // on (Landlock and seccomp still refuse it when off).
    10,
    // CAP_SYS_CHROOT: chroot into a build root in the workspace; Landlock
    // confines the process the same inside it.
    18,
    // CAP_AUDIT_WRITE: PAM (`su`) fails without it; it only adds records
    // to the audit log.
    29,
];

/// [`KEPT`] as a mask of capability bits.
const fn kept_mask() -> u64 {
    let mut mask = 0u64;
    let mut i = 0;
    while i < KEPT.len() {
        mask |= 1 << KEPT[i];
        i += 1;
    }
    mask
}

/// `_LINUX_CAPABILITY_VERSION_3`: two 32-bit words per set.
const VERSION_3: u32 = 0x2008_0522;

#[repr(C)]
struct Header {
    version: u32,
    pid: libc::c_int,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct Data {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Drops every capability but [`KEPT`] from the calling process (the
/// child, before exec). Only system calls on the stack: safe between fork
/// and exec. A process without the right to change its bounding set (not
/// root) has no capability to drop.
pub fn keep_only_allowed() -> io::Result<()> {
    // SAFETY: prctl with plain integer arguments.
    unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0,
            0,
            0,
        );
        for cap in 0..64u32 {
            if kept_mask() & (1 << cap) != 0 {
                continue;
            }
            if libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) != 0 {
                let err = io::Error::last_os_error();
                match err.raw_os_error() {
                    // Past the kernel's last capability.
                    Some(libc::EINVAL) => break,
                    // No CAP_SETPCAP: not root.
                    Some(libc::EPERM) => {}
                    _ => return Err(err),
                }
            }
        }
    }
    mask_thread(kept_mask())
}

/// Drops `caps` (capability numbers) from the calling thread's effective,
/// permitted and inheritable sets (capabilities are per thread). Only
/// system calls on the stack: safe between fork and exec.
#[cfg(test)]
pub(crate) fn drop_from_thread(caps: &[u32]) -> io::Result<()> {
    let dropped = caps.iter().fold(0u64, |m, &c| m | 1 << c);
    mask_thread(!dropped)
}

/// Keeps only the capabilities of `mask` in the calling thread's
/// effective, permitted and inheritable sets. System calls on the stack.
fn mask_thread(mask: u64) -> io::Result<()> {
    // SAFETY: the capget/capset system calls with pointers to live,
    // correctly laid out stack values.
    unsafe {
        let mut header = Header {
            version: VERSION_3,
            pid: 0,
        };
        let mut data = [Data::default(); 2];
        if libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut changed = false;
        for (word, d) in data.iter_mut().enumerate() {
            let keep = (mask >> (32 * word)) as u32;
            changed |= (d.effective | d.permitted | d.inheritable) & !keep != 0;
            d.effective &= keep;
            d.permitted &= keep;
            d.inheritable &= keep;
        }
        if !changed {
            return Ok(());
        }
        if libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Makes the calling process (quire, at its start) not dumpable: no core
/// dump, and other processes of the same user cannot read its memory or
/// `/proc/PID/environ`, `mem`, `maps` without `CAP_SYS_PTRACE`. Programs
/// it runs are dumpable again after their exec.
pub fn not_dumpable() -> io::Result<()> {
    // SAFETY: prctl with integer arguments.
    match unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}
