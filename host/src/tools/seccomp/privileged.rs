//! The second seccomp filter of the sandbox: calls refused with EPERM
//! ("Operation not permitted", what they return without the capability):
//!
//! - **the machine's own state**, always: `reboot`, `kexec_load`,
//!   `kexec_file_load`, `init_module`, `finit_module`, `delete_module`,
//!   `iopl`, `ioperm`, `swapon`, `swapoff`, `settimeofday`,
//!   `clock_settime`, `adjtimex`, `clock_adjtime`. A command run as root
//!   no longer has the capabilities these need ([`crate::tools::caps`]);
//!   this holds should one be left by mistake.
//! - **the kernel's keyrings**, always: `add_key`, `keyctl`,
//!   `request_key` (as Docker's default profile refuses them). Landlock
//!   does not confine keyrings: a command could read, store, replace or
//!   destroy keys of the user's keyrings (Kerberos `KEYRING:` caches,
//!   `keyctl` secret stores), which outlive the session.
//! - **SysV IPC**, only when the command could not get an IPC namespace
//!   of its own ([`crate::tools::ipc_ns`]): `shmget`, `shmat`, `shmctl`,
//!   `msgget`, `msgsnd`, `msgrcv`, `msgctl`, `semget`, `semop`,
//!   `semtimedop`, `semctl` (`shmdt` only detaches). Landlock confines
//!   paths, not these objects, and their ids can be guessed, so they are
//!   refused whole rather than by key.
//!
//! A filter of its own because seccompiler gives one error per filter,
//! and the other one's is EACCES.

use seccompiler::BpfProgram;

/// The calls that change the machine: kernel, modules, clock, ports, swap.
fn machine_calls() -> Vec<i64> {
    let mut calls = vec![
        libc::SYS_reboot,
        libc::SYS_kexec_load,
        libc::SYS_kexec_file_load,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_swapon,
        libc::SYS_swapoff,
        libc::SYS_settimeofday,
        libc::SYS_clock_settime,
        libc::SYS_adjtimex,
        libc::SYS_clock_adjtime,
    ];
    #[cfg(target_arch = "x86_64")]
    calls.extend([libc::SYS_iopl, libc::SYS_ioperm]);
    calls.extend(KEYRING_CALLS);
    calls
}

/// The kernel's keyrings: adding, asking for and managing keys.
const KEYRING_CALLS: [i64; 3] = [libc::SYS_add_key, libc::SYS_keyctl, libc::SYS_request_key];

/// SysV IPC: shared memory, message queues, semaphores (not `shmdt`).
const SYSV_CALLS: [i64; 11] = [
    libc::SYS_shmget,
    libc::SYS_shmat,
    libc::SYS_shmctl,
    libc::SYS_msgget,
    libc::SYS_msgsnd,
    libc::SYS_msgrcv,
    libc::SYS_msgctl,
    libc::SYS_semget,
    libc::SYS_semop,
    libc::SYS_semtimedop,
    libc::SYS_semctl,
];

/// Builds the filter: the machine's calls, and SysV IPC when `sysv`.
pub fn filter(sysv: bool) -> Result<BpfProgram, String> {
    let mut calls = machine_calls();
    if sysv {
        calls.extend(SYSV_CALLS);
    }
    let program = super::refusing(&calls, libc::EPERM)?;
    #[cfg(target_arch = "x86_64")]
    let program = [ia32_prefix(sysv), program].concat();
    Ok(program)
}

/// The same calls in the ia32 ABI (asm/unistd_32.h), where SysV IPC also
/// goes through the `ipc` multiplexer.
#[cfg(target_arch = "x86_64")]
fn ia32_prefix(sysv: bool) -> Vec<seccompiler::sock_filter> {
    const MACHINE: [u32; 19] = [
        88,  // reboot
        283, // kexec_load
        128, // init_module
        350, // finit_module
        129, // delete_module
        87,  // swapon
        115, // swapoff
        79,  // settimeofday
        25,  // stime
        264, // clock_settime
        404, // clock_settime64
        124, // adjtimex
        343, // clock_adjtime
        405, // clock_adjtime64
        110, // iopl
        101, // ioperm
        286, // add_key
        287, // request_key
        288, // keyctl
    ];
    const SYSV: [u32; 11] = [
        117, // ipc
        393, // semget
        394, // semctl
        395, // shmget
        396, // shmctl
        397, // shmat
        399, // msgget
        400, // msgsnd
        401, // msgrcv
        402, // msgctl
        420, // semtimedop_time64
    ];
    let mut calls = MACHINE.to_vec();
    if sysv {
        calls.extend(SYSV);
    }
    super::ia32::refuse(&calls, libc::EPERM)
}

#[cfg(test)]
mod tests;
