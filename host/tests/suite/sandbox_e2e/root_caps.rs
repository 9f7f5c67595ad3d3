//! The capabilities of a sandboxed command: run as root (containers, CI)
//! it keeps only a short allow-list (chown, DAC override, fowner, kill, setgid, setuid, setpcap, net_bind_service, sys_chroot,
//! audit_write) in every set, bounding set included: no CAP_NET_ADMIN,
//! CAP_SYS_BOOT, CAP_SYS_MODULE… Run as another user it holds none. And
//! `reboot` is refused by the filter whoever runs it.

use super::support::quire::TestEnv;

/// The allow-list, as capability numbers (linux/capability.h).
const KEPT: [u32; 10] = [0, 1, 3, 5, 6, 7, 8, 10, 18, 29];

/// The `Cap*` sets of a /proc/PID/status text, by name.
fn sets(status: &str) -> Vec<(String, u64)> {
    status
        .lines()
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            let value = u64::from_str_radix(value.trim(), 16).ok()?;
            name.starts_with("Cap").then(|| (name.to_string(), value))
        })
        .collect()
}

fn set(sets: &[(String, u64)], name: &str) -> u64 {
    sets.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no {name} in {sets:?}"))
}

#[test]
fn a_sandboxed_command_keeps_only_the_allowed_capabilities() {
    let env = TestEnv::new("responses");
    let run = env.run(&["sandbox", "--network", "--", "cat", "/proc/self/status"]);
    assert_eq!(run.code, 0, "{run:?}");
    let inside = sets(&run.stdout);
    let ours = sets(&std::fs::read_to_string("/proc/self/status").expect("read status"));
    let kept = KEPT.iter().fold(0u64, |m, c| m | 1 << c);
    // SAFETY: geteuid has no arguments.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("run as root: checking the allow-list");
        for name in ["CapBnd", "CapPrm", "CapEff"] {
            assert_eq!(
                set(&inside, name),
                set(&ours, "CapBnd") & kept,
                "{name}: {:#x}",
                set(&inside, name)
            );
        }
        for (cap, what) in [
            (12, "CAP_NET_ADMIN"),
            (22, "CAP_SYS_BOOT"),
            (16, "CAP_SYS_MODULE"),
            (4, "CAP_FSETID"),
        ] {
            assert_eq!(set(&inside, "CapBnd") & 1 << cap, 0, "{what} kept");
        }
    } else {
        eprintln!("not root: the bounding set is not quire's to change; checking none is held");
        assert_eq!(set(&inside, "CapPrm"), 0);
        assert_eq!(set(&inside, "CapEff"), 0);
    }
    assert_eq!(set(&inside, "CapInh"), 0);
    assert_eq!(set(&inside, "CapAmb"), 0);
}

/// `reboot` with a wrong magic number fails with EINVAL past the
/// capability check: in the sandbox it is EPERM, root or not.
#[test]
fn reboot_is_refused_in_the_sandbox() {
    let env = TestEnv::new("responses");
    let probe = "import ctypes, errno, os; libc = ctypes.CDLL(None, use_errno=True); \
                 nr = {'x86_64': 169, 'aarch64': 142, 'riscv64': 142}[os.uname().machine]; \
                 r = libc.syscall(nr, 0, 0, 0, 0); \
                 print(r, errno.errorcode[ctypes.get_errno()])";
    let run = env.run(&["sandbox", "--", "python3", "-c", probe]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "-1 EPERM\n", "{run:?}");
}
