//! The kernel's keyrings from a sandboxed command: `add_key`, `keyctl`
//! and `request_key` are refused ("Operation not permitted"), so nothing
//! is stored in, read from or removed from the user's keyrings, which
//! Landlock does not confine and which outlive the session.

use super::support::quire::TestEnv;

/// Each call's result: `EPERM`, or what it returned.
const INSIDE: &str = r#"
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
def show(name, r):
    print(name + ":", errno.errorcode.get(ctypes.get_errno(), "?") if r < 0 else "got " + str(r))
show("add_key", libc.syscall(248, b"user", b"quire-test-key", b"payload", 7, ctypes.c_int(-4)))
show("request_key", libc.syscall(249, b"user", b"quire-test-key", None, 0))
show("keyctl", libc.syscall(250, 0, ctypes.c_int(-4), 0))
"#;

#[cfg(target_arch = "x86_64")]
#[test]
fn a_sandboxed_command_cannot_touch_the_keyrings() {
    let env = TestEnv::new("responses");
    let run = env.run(&["sandbox", "--", "python3", "-c", INSIDE]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout, "add_key: EPERM\nrequest_key: EPERM\nkeyctl: EPERM\n",
        "{run:?}"
    );
}
