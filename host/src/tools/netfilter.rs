//! The network half of the sandbox when the network is off: a seccomp
//! filter, applied in the child next to Landlock, that refuses to create
//! any socket but a Unix one. Landlock alone restricts only TCP bind and
//! connect; this also stops UDP, raw and packet sockets, netlink and every
//! other address family. `io_uring` is refused as well, since it can open
//! sockets without the `socket` system call. A refused call fails with
//! EACCES ("Permission denied"), as Landlock's refusals do.
//!
//! On x86_64 the filter also covers 32-bit (ia32) programs, which
//! seccompiler's filter alone would kill: `socket` and `socketpair` are
//! refused for every family but Unix, `io_uring_setup` always, and the
//! old `socketcall` multiplexer refuses creating sockets of any family
//! (its arguments live in memory the filter cannot read).

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

/// x32 system calls on x86_64 carry this bit; their `socket` is a
/// different number that must be refused too.
#[cfg(target_arch = "x86_64")]
const X32_SYSCALL_BIT: i64 = 0x4000_0000;

/// Builds the filter for this machine's architecture.
pub fn no_network_filter() -> Result<BpfProgram, String> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|e| format!("seccomp does not support {}: {e:?}", std::env::consts::ARCH))?;
    let not_unix = || -> Result<Vec<SeccompRule>, String> {
        let cond = SeccompCondition::new(
            0,
            SeccompCmpArgLen::Dword,
            SeccompCmpOp::Ne,
            libc::AF_UNIX as u64,
        )
        .map_err(|e| format!("{e:?}"))?;
        Ok(vec![
            SeccompRule::new(vec![cond]).map_err(|e| format!("{e:?}"))?,
        ])
    };
    let mut rules = std::collections::BTreeMap::new();
    rules.insert(libc::SYS_socket, not_unix()?);
    rules.insert(libc::SYS_socketpair, not_unix()?);
    rules.insert(libc::SYS_io_uring_setup, Vec::new());
    #[cfg(target_arch = "x86_64")]
    {
        rules.insert(X32_SYSCALL_BIT | libc::SYS_socket, not_unix()?);
        rules.insert(X32_SYSCALL_BIT | libc::SYS_socketpair, not_unix()?);
        rules.insert(X32_SYSCALL_BIT | libc::SYS_io_uring_setup, Vec::new());
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
    let program = [ia32::prefix(), program].concat();
    Ok(program)
}

/// The ia32 ABI on x86_64, in plain BPF ahead of seccompiler's program
/// (which only knows one ABI per filter and kills the others).
#[cfg(target_arch = "x86_64")]
mod ia32 {
    use seccompiler::sock_filter;

    const AUDIT_ARCH_I386: u32 = 3 | 0x4000_0000;
    const SOCKETCALL: u32 = 102;
    const SOCKET: u32 = 359;
    const SOCKETPAIR: u32 = 360;
    const IO_URING_SETUP: u32 = 425;
    /// `socketcall`'s first argument for `socket` and `socketpair`.
    const CALL_SOCKET: u32 = 1;
    const CALL_SOCKETPAIR: u32 = 8;

    const LD_ABS: u16 = 0x20;
    const JEQ: u16 = 0x15;
    const RET: u16 = 0x06;
    /// Offsets in `struct seccomp_data`: nr, arch, low half of args[0].
    const NR: u32 = 0;
    const ARCH: u32 = 4;
    const ARG0: u32 = 16;
    const ALLOW: u32 = 0x7fff_0000;
    const ERRNO: u32 = 0x0005_0000;

    fn op(code: u16, jt: u8, jf: u8, k: u32) -> sock_filter {
        sock_filter { code, jt, jf, k }
    }

    /// Jumps past itself for any other ABI. Jump offsets count from the
    /// next instruction.
    pub fn prefix() -> Vec<sock_filter> {
        let deny = ERRNO | libc::EACCES as u32;
        let block = vec![
            op(LD_ABS, 0, 0, NR),                // 0
            op(JEQ, 3, 0, SOCKET),               // 1 → 5
            op(JEQ, 2, 0, SOCKETPAIR),           // 2 → 5
            op(JEQ, 3, 0, SOCKETCALL),           // 3 → 7
            op(JEQ, 6, 5, IO_URING_SETUP),       // 4 → 11 : 10
            op(LD_ABS, 0, 0, ARG0),              // 5
            op(JEQ, 3, 4, libc::AF_UNIX as u32), // 6 → 10 : 11
            op(LD_ABS, 0, 0, ARG0),              // 7
            op(JEQ, 2, 0, CALL_SOCKET),          // 8 → 11
            op(JEQ, 1, 0, CALL_SOCKETPAIR),      // 9 → 11
            op(RET, 0, 0, ALLOW),                // 10
            op(RET, 0, 0, deny),                 // 11
        ];
        let skip = u8::try_from(block.len()).unwrap_or(u8::MAX);
        let mut out = vec![op(LD_ABS, 0, 0, ARCH), op(JEQ, 0, skip, AUDIT_ARCH_I386)];
        out.extend(block);
        out
    }
}

/// Installs `program` on the calling thread (between fork and exec: it
/// allocates nothing).
pub fn apply(program: &BpfProgram) -> std::io::Result<()> {
    seccompiler::apply_filter(program).map_err(|e| match e {
        seccompiler::Error::Prctl(err) | seccompiler::Error::Seccomp(err) => err,
        _ => std::io::Error::from_raw_os_error(libc::EPERM),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_builds_for_this_machine() {
        let program = no_network_filter().unwrap();
        assert!(!program.is_empty());
    }

    /// A system call through the ia32 entry (`int 0x80`), which a 64-bit
    /// process may use too: seccomp sees it as the i386 ABI.
    #[cfg(target_arch = "x86_64")]
    fn ia32_syscall(nr: i64, a0: i64, a1: i64) -> i64 {
        let ret: i64;
        // SAFETY: a raw system call with integer arguments; rbx is saved
        // around it (LLVM reserves it) and r8–r11 are clobbered.
        unsafe {
            std::arch::asm!(
                "xchg {a0}, rbx",
                "int 0x80",
                "xchg {a0}, rbx",
                a0 = inout(reg) a0 => _,
                inlateout("rax") nr => ret,
                in("rcx") a1,
                in("rdx") 0i64,
                out("r8") _, out("r9") _, out("r10") _, out("r11") _,
            );
        }
        ret
    }

    /// In a forked child: the filter, then sockets through the ia32 ABI.
    /// Exit 0: refused and allowed as expected; 1–4: which check failed;
    /// killed by SIGSYS: the filter kills 32-bit programs.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn ia32_sockets_are_refused_not_killed() {
        let program = no_network_filter().unwrap();
        let getpid_i386 = 20;
        // SAFETY: the child only makes system calls and exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: in the forked child; nothing returns to the test.
            unsafe {
                let code = if ia32_syscall(getpid_i386, 0, 0) != i64::from(libc::getpid()) {
                    5 // this kernel runs no 32-bit programs
                } else if apply(&program).is_err() {
                    1
                } else if ia32_syscall(359, libc::AF_INET.into(), libc::SOCK_STREAM.into())
                    != -i64::from(libc::EACCES)
                {
                    2
                } else if ia32_syscall(102, 1, 0) != -i64::from(libc::EACCES) {
                    3
                } else if ia32_syscall(359, libc::AF_UNIX.into(), libc::SOCK_STREAM.into()) < 0 {
                    4
                } else {
                    0
                };
                libc::_exit(code);
            }
        }
        assert!(pid > 0, "fork failed");
        let mut status = 0;
        // SAFETY: waits for the child just forked.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(
            !libc::WIFSIGNALED(status),
            "killed by signal {}",
            libc::WTERMSIG(status)
        );
        let code = libc::WEXITSTATUS(status);
        if code == 5 {
            eprintln!("skipped: this kernel has no ia32 emulation");
            return;
        }
        assert_eq!(code, 0, "see the exit codes above");
    }
}
