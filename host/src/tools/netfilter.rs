//! The network half of the sandbox when the network is off: a seccomp
//! filter, applied in the child next to Landlock, that refuses to create
//! any socket but a Unix one. Landlock alone restricts only TCP bind and
//! connect; this also stops UDP, raw and packet sockets, netlink and every
//! other address family. `io_uring` is refused as well, since it can open
//! sockets without the `socket` system call. A refused call fails with
//! EACCES ("Permission denied"), as Landlock's refusals do.

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
    filter.try_into().map_err(|e| format!("{e:?}"))
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
}
