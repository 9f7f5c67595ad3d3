//! SysV IPC from a sandboxed command: the shared memory and message
//! queues of a process outside the sandbox are out of reach, by key and
//! by a guessed id. Where quire can make an IPC namespace (run as root
//! with CAP_SYS_ADMIN) the command has its own SysV IPC, which works;
//! elsewhere every SysV call is refused ("Operation not permitted").

use std::process::Command;

use super::support::quire::TestEnv;

/// The process outside the sandbox: `make` a segment (holding
/// "OUTSIDE") and a queue under a fresh key, `check` them, `rm` them.
const OUTSIDE: &str = r#"
import ctypes, random, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
IPC_CREAT, IPC_EXCL, IPC_NOWAIT, IPC_RMID = 0o1000, 0o2000, 0o4000, 0
if sys.argv[1] == "make":
    for _ in range(1000):
        key = random.randrange(1, 2**30)
        shm = libc.shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0o600)
        if shm >= 0:
            break
    msg = libc.msgget(key, IPC_CREAT | IPC_EXCL | 0o600)
    assert shm >= 0 and msg >= 0, ctypes.get_errno()
    ctypes.memmove(libc.shmat(shm, None, 0), b"OUTSIDE\0", 8)
    print(key, shm, msg)
else:
    key, shm, msg = map(int, sys.argv[2:5])
    if sys.argv[1] == "check":
        print("segment:", ctypes.string_at(libc.shmat(shm, None, 0)).decode())
        buf = ctypes.create_string_buffer(64)
        got = libc.msgrcv(msg, buf, 56, 0, IPC_NOWAIT)
        print("queue:", "empty" if got < 0 else "had a message")
    else:
        libc.shmctl(shm, IPC_RMID, None)
        libc.msgctl(msg, IPC_RMID, None)
"#;

/// The sandboxed command: reach them by key and by id, write if it can.
const INSIDE: &str = r#"
import ctypes, errno, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
key, shm, msg = map(int, sys.argv[1:4])
def err():
    return errno.errorcode[ctypes.get_errno()]
if libc.shmget(key, 0, 0) >= 0:
    print("shmget by key: found")
else:
    print("shmget by key:", err())
addr = libc.shmat(shm, None, 0)
if addr not in (None, ctypes.c_void_p(-1).value):
    ctypes.memmove(addr, b"INSIDE\0", 7)
    print("shmat by id: attached and wrote")
else:
    print("shmat by id:", err())
print("msgget by key:", "found" if libc.msgget(key, 0) >= 0 else err())
m = struct.pack("q8s", 1, b"INSIDE")
print("msgsnd by id:", "sent" if libc.msgsnd(msg, m, 8, 0o4000) == 0 else err())
"#;

/// What this user's sandboxed commands get: their own IPC namespace when
/// quire has CAP_SYS_ADMIN (bit 21 of CapEff), else refused SysV calls.
fn namespace_expected() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let eff = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .unwrap_or(0);
    let ns = eff & (1 << 21) != 0;
    eprintln!(
        "{}",
        if ns {
            "CAP_SYS_ADMIN held: sandboxed commands get their own IPC namespace"
        } else {
            "no CAP_SYS_ADMIN: sandboxed commands' SysV calls are refused"
        }
    );
    ns
}

fn outside(args: &[&str]) -> String {
    let out = Command::new("python3")
        .args(["-c", OUTSIDE])
        .args(args)
        .output()
        .expect("run python3");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Removes the outside objects however the test ends.
struct Objects(Vec<String>);

impl Drop for Objects {
    fn drop(&mut self) {
        let mut args = vec!["rm"];
        args.extend(self.0.iter().map(String::as_str));
        let _ = Command::new("python3")
            .args(["-c", OUTSIDE])
            .args(args)
            .status();
    }
}

#[test]
fn another_process_s_shared_memory_and_queue_are_out_of_reach() {
    let env = TestEnv::new("responses");
    let ns = namespace_expected();
    let made = outside(&["make"]);
    let objects = Objects(made.split_whitespace().map(String::from).collect());
    assert_eq!(objects.0.len(), 3, "{made}");
    let ids: Vec<&str> = objects.0.iter().map(String::as_str).collect();
    let mut args = vec!["sandbox", "--", "python3", "-c", INSIDE];
    args.extend(&ids);
    let run = env.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    let expected = if ns {
        // Another namespace: nothing under that key, no such id.
        "shmget by key: ENOENT\nshmat by id: EINVAL\nmsgget by key: ENOENT\nmsgsnd by id: EINVAL\n"
    } else {
        "shmget by key: EPERM\nshmat by id: EPERM\nmsgget by key: EPERM\nmsgsnd by id: EPERM\n"
    };
    assert_eq!(run.stdout, expected, "{run:?}");

    let mut check = vec!["check"];
    check.extend(&ids);
    assert_eq!(
        outside(&check),
        "segment: OUTSIDE\nqueue: empty\n",
        "the sandboxed command changed them"
    );
}

/// A segment of the command's own: written and read back where it has
/// its namespace (PostgreSQL's start-up segment, a test's), refused
/// where SysV IPC is.
#[test]
fn a_command_s_own_segment_works_where_it_has_its_namespace() {
    let env = TestEnv::new("responses");
    let own = r#"
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shm = libc.shmget(0, 4096, 0o600)
if shm < 0:
    print("refused:", errno.errorcode[ctypes.get_errno()])
else:
    addr = libc.shmat(shm, None, 0)
    ctypes.memmove(addr, b"OWN\0", 4)
    print("own segment:", ctypes.string_at(addr).decode())
    libc.shmctl(shm, 0, None)
"#;
    let run = env.run(&["sandbox", "--", "python3", "-c", own]);
    assert_eq!(run.code, 0, "{run:?}");
    let expected = if namespace_expected() {
        "own segment: OWN\n"
    } else {
        "refused: EPERM\n"
    };
    assert_eq!(run.stdout, expected, "{run:?}");
}
