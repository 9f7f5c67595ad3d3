//! The capabilities a sandboxed command never gets: `CAP_SYS_PTRACE`,
//! and `CAP_PERFMON` with `CAP_SYS_ADMIN` (which the kernel also takes
//! for it when reading another process's `/proc/PID/environ`). quire
//! itself is not dumpable ([`not_dumpable`]), so a process of the same
//! user cannot read its memory or `/proc/PID/environ` (where the API keys
//! it was started with are); a command run as root could still, with
//! those. In the child between fork and exec they are dropped from the
//! bounding set (so the program exec'd as root does not get them back)
//! and from the effective, permitted and inheritable sets, and the ambient
//! set is cleared.

use std::io;

/// `CAP_SYS_PTRACE`, `CAP_SYS_ADMIN`, `CAP_PERFMON` (linux/capability.h).
const DROPPED: [u32; 3] = [19, 21, 38];
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

/// Drops [`DROPPED`] from the calling process (the child, before
/// exec). Only system calls on the stack: safe between fork and exec. A
/// process without the right to change its bounding set (not root) does
/// not have the capability to drop.
pub fn drop_ptrace() -> io::Result<()> {
    // SAFETY: prctl with plain integer arguments.
    unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0,
            0,
            0,
        );
        for cap in DROPPED {
            if libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) != 0 {
                let err = io::Error::last_os_error();
                // EPERM: no CAP_SETPCAP, so not root; EINVAL: no such
                // capability (an older kernel).
                if !matches!(err.raw_os_error(), Some(libc::EPERM | libc::EINVAL)) {
                    return Err(err);
                }
            }
        }
    }
    drop_from_thread(&DROPPED)
}

/// Drops `caps` (capability numbers) from the calling thread's effective,
/// permitted and inheritable sets (capabilities are per thread). Only
/// system calls on the stack: safe between fork and exec.
pub(crate) fn drop_from_thread(caps: &[u32]) -> io::Result<()> {
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
        let mut held = false;
        for &cap in caps {
            let (word, bit) = ((cap / 32) as usize, 1u32 << (cap % 32));
            let d = &mut data[word];
            held |= (d.effective | d.permitted | d.inheritable) & bit != 0;
            d.effective &= !bit;
            d.permitted &= !bit;
            d.inheritable &= !bit;
        }
        if !held {
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
