//! The EPERM filter run in forked children: the machine's calls always
//! refused, SysV IPC only when asked, 32-bit programs refused, not killed.

use super::filter;
use crate::tools::seccomp::apply;
use crate::tools::seccomp::tests::exit_code_of;

/// Whether the last libc call failed with EPERM.
fn eperm(ret: libc::c_long) -> bool {
    // SAFETY: errno of this thread.
    ret == -1 && unsafe { *libc::__errno_location() } == libc::EPERM
}

/// `reboot` with a wrong magic number: EINVAL past the capability check,
/// EPERM before it or from the filter.
fn reboot_refused() -> bool {
    // SAFETY: with a wrong magic number reboot does nothing.
    eperm(unsafe { libc::syscall(libc::SYS_reboot, 0, 0, 0, 0) })
}

/// A private segment: made (and removed) or refused with EPERM.
fn private_segment() -> Result<(), bool> {
    // SAFETY: shmget/shmctl with integer arguments.
    unsafe {
        let id = libc::shmget(libc::IPC_PRIVATE, 4096, 0o600);
        if id < 0 {
            return Err(eperm(id.into()));
        }
        libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut());
    }
    Ok(())
}

#[test]
fn sysv_ipc_is_refused_only_when_asked_and_the_machine_always() {
    for sysv in [true, false] {
        let program = filter(sysv).unwrap();
        let code = exit_code_of(|| {
            if apply(&program).is_err() {
                return 1;
            }
            if !reboot_refused() {
                return 2;
            }
            // SAFETY: msgget/semget with integer arguments.
            let (msg, sem) = unsafe {
                (
                    libc::msgget(libc::IPC_PRIVATE, 0o600),
                    libc::semget(libc::IPC_PRIVATE, 1, 0o600),
                )
            };
            match (sysv, private_segment()) {
                (true, Err(true)) if eperm(msg.into()) && eperm(sem.into()) => 0,
                (false, Ok(())) if msg >= 0 && sem >= 0 => {
                    // SAFETY: removing what was just made.
                    unsafe {
                        libc::msgctl(msg, libc::IPC_RMID, std::ptr::null_mut());
                        libc::semctl(sem, 0, libc::IPC_RMID);
                    }
                    0
                }
                _ => 3,
            }
        });
        assert_eq!(code, 0, "sysv refused: {sysv} (1 apply, 2 reboot, 3 SysV)");
    }
}

/// The same through the ia32 ABI: `ipc` (117), `shmget` (395) and
/// `reboot` (88) refused with EPERM, `getpid` (20) allowed.
#[cfg(target_arch = "x86_64")]
#[test]
fn ia32_calls_are_refused_not_killed() {
    use crate::tools::seccomp::tests::ia32_syscall;
    let program = filter(true).unwrap();
    let code = exit_code_of(|| {
        // SAFETY: getpid has no memory effects.
        let own = i64::from(unsafe { libc::getpid() });
        if ia32_syscall(20, 0, 0) != own {
            return 5; // this kernel runs no 32-bit programs
        }
        if apply(&program).is_err() {
            return 1;
        }
        let eperm = -i64::from(libc::EPERM);
        if ia32_syscall(117, 23, 0) != eperm || ia32_syscall(395, 1, 4096) != eperm {
            return 2;
        }
        if ia32_syscall(88, 0, 0) != eperm {
            return 3;
        }
        if ia32_syscall(20, 0, 0) != own {
            return 4;
        }
        0
    });
    if code == 5 {
        eprintln!("skipped: this kernel has no ia32 emulation");
        return;
    }
    assert_eq!(code, 0, "1 apply, 2 SysV, 3 reboot, 4 getpid");
}

/// `keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0)`: the user's
/// keyring's id, or EPERM from the filter.
fn keyring_refused() -> bool {
    // SAFETY: integer arguments only.
    let get = unsafe { libc::syscall(libc::SYS_keyctl, 0, -4i64, 0) };
    // SAFETY: null pointers: EPERM from the filter, EFAULT past it.
    let add = unsafe {
        libc::syscall(
            libc::SYS_add_key,
            std::ptr::null::<libc::c_char>(),
            std::ptr::null::<libc::c_char>(),
            std::ptr::null::<libc::c_void>(),
            0,
            -4i64,
        )
    };
    let add_refused = eperm(add);
    // SAFETY: null pointers, as above.
    let request = unsafe {
        libc::syscall(
            libc::SYS_request_key,
            std::ptr::null::<libc::c_char>(),
            std::ptr::null::<libc::c_char>(),
            std::ptr::null::<libc::c_char>(),
            0,
        )
    };
    eperm(get) && add_refused && eperm(request)
}

#[test]
fn the_keyrings_are_refused_whatever_else_is() {
    for sysv in [true, false] {
        let program = filter(sysv).unwrap();
        let code = exit_code_of(|| {
            if apply(&program).is_err() {
                return 1;
            }
            if !keyring_refused() {
                return 2;
            }
            0
        });
        assert_eq!(
            code, 0,
            "sysv: {sysv} (1 apply, 2 a keyring call got through)"
        );
    }
}

/// `add_key` (286), `request_key` (287) and `keyctl` (288) of the ia32 ABI.
#[cfg(target_arch = "x86_64")]
#[test]
fn ia32_keyring_calls_are_refused() {
    use crate::tools::seccomp::tests::ia32_syscall;
    let program = filter(false).unwrap();
    let code = exit_code_of(|| {
        // SAFETY: getpid has no memory effects.
        let own = i64::from(unsafe { libc::getpid() });
        if ia32_syscall(20, 0, 0) != own {
            return 5;
        }
        if apply(&program).is_err() {
            return 1;
        }
        let eperm = -i64::from(libc::EPERM);
        if [286, 287, 288]
            .iter()
            .any(|&nr| ia32_syscall(nr, 0, 0) != eperm)
        {
            return 2;
        }
        0
    });
    if code == 5 {
        eprintln!("skipped: this kernel has no ia32 emulation");
        return;
    }
    assert_eq!(code, 0, "1 apply, 2 a keyring call got through");
}
