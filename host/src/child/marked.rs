//! The watchdog's last sweep: every process whose environment carries
//! this quire's mark ([`super::MARK_VAR`] set to `PID.N`, inherited by
//! all a child starts) is killed when quire dies — also those that left
//! their group (`setsid cmd &`, a double fork, `setpgid(0, 0)`), which the
//! group kills miss and which, quire gone, nobody adopts.
//!
//! The watchdog is forked from quire (threads and all) without an exec:
//! only async-signal-safe system calls, on stack buffers, nothing
//! allocated.

use std::os::fd::RawFd;

/// Passes at most: each kills what it finds; a process that forked
/// meanwhile leaves a marked child for the next.
const PASSES: usize = 50;
/// The longest mark prefix: `QUIRE_COMMAND_ID=` and a pid and a dot.
pub const PREFIX_MAX: usize = 64;

/// `QUIRE_COMMAND_ID=PID.`, the start of every mark of this quire, with
/// its length (built before the fork; read after it).
pub fn prefix() -> ([u8; PREFIX_MAX], usize) {
    let text = format!("{}={}.", super::MARK_VAR, std::process::id());
    let mut out = [0u8; PREFIX_MAX];
    let n = text.len().min(PREFIX_MAX);
    out[..n].copy_from_slice(&text.as_bytes()[..n]);
    (out, n)
}

/// Kills every process (but this one) whose environment has a variable
/// starting with `prefix`, pass after pass until one finds none.
///
/// # Safety
/// Plain system calls only: safe in a forked child of a threaded process.
pub unsafe fn kill_marked(prefix: &[u8]) {
    for _ in 0..PASSES {
        // SAFETY: as for this function.
        if unsafe { kill_marked_once(prefix) } == 0 {
            break;
        }
    }
}

/// One pass over `/proc`; how many processes it killed.
unsafe fn kill_marked_once(prefix: &[u8]) -> usize {
    // SAFETY: open, getdents64, kill and close on descriptors and buffers
    // of this function; a directory entry is read within the bytes the
    // kernel filled.
    unsafe {
        let dir = libc::open(
            c"/proc".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        );
        if dir < 0 {
            return 0;
        }
        let me = libc::getpid();
        let mut killed = 0;
        // u64s: a linux_dirent64 starts with one.
        let mut buf = [0u64; 1024];
        loop {
            let n = libc::syscall(
                libc::SYS_getdents64,
                dir,
                buf.as_mut_ptr(),
                size_of_val(&buf),
            );
            if n <= 0 {
                break;
            }
            let bytes = buf.as_ptr().cast::<u8>();
            let mut at = 0usize;
            while at + 19 < n as usize {
                // d_ino: u64, d_off: i64, d_reclen: u16, d_type: u8, d_name.
                let reclen =
                    usize::from(std::ptr::read_unaligned(bytes.add(at + 16).cast::<u16>()));
                if reclen == 0 {
                    break;
                }
                let pid = parse_pid(bytes.add(at + 19), reclen.saturating_sub(19));
                if pid > 1 && pid != me && carries(pid, prefix) {
                    libc::kill(pid, libc::SIGKILL);
                    killed += 1;
                }
                at += reclen;
            }
        }
        libc::close(dir);
        killed
    }
}

/// The pid a `/proc` entry's name spells (NUL-terminated, at most `max`
/// bytes), or 0 when it is no number.
unsafe fn parse_pid(name: *const u8, max: usize) -> libc::pid_t {
    let mut pid: libc::pid_t = 0;
    for i in 0..max.min(12) {
        // SAFETY: within the entry's record.
        let b = unsafe { *name.add(i) };
        match b {
            0 if i > 0 => return pid,
            b'0'..=b'9' => {
                pid = match pid
                    .checked_mul(10)
                    .and_then(|p| p.checked_add(libc::pid_t::from(b - b'0')))
                {
                    Some(p) => p,
                    None => return 0,
                }
            }
            _ => return 0,
        }
    }
    0
}

/// Whether `/proc/PID/environ` holds a variable starting with `prefix`
/// (unreadable: another user's process, or gone: no).
unsafe fn carries(pid: libc::pid_t, prefix: &[u8]) -> bool {
    let mut path = [0u8; 40];
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        for &b in bytes {
            path[len] = b;
            len += 1;
        }
    };
    put(b"/proc/");
    let mut digits = [0u8; 12];
    let mut d = digits.len();
    let mut rest = pid;
    loop {
        d -= 1;
        digits[d] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    put(&digits[d..]);
    put(b"/environ\0");
    // SAFETY: a NUL-terminated path on the stack; reads into a stack
    // buffer of the length given.
    unsafe {
        let fd: RawFd = libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return false;
        }
        let mut chunk = [0u8; 4096];
        // How much of `prefix` the current variable matched so far; None
        // once it differs (until the next variable).
        let mut matched = Some(0usize);
        let mut found = false;
        'read: loop {
            let n = libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len());
            if n <= 0 {
                break;
            }
            for &b in &chunk[..n as usize] {
                if b == 0 {
                    matched = Some(0);
                    continue;
                }
                if let Some(k) = matched {
                    if prefix.get(k) == Some(&b) {
                        if k + 1 == prefix.len() {
                            found = true;
                            break 'read;
                        }
                        matched = Some(k + 1);
                    } else {
                        matched = None;
                    }
                }
            }
        }
        libc::close(fd);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_is_found_by_the_start_of_its_mark_only() {
        use std::io::BufRead;
        // A shell that says when it runs: its environment is in place
        // (a process still in its exec has none yet).
        let mut child = std::process::Command::new("sh")
            .args(["-c", "echo ready; sleep 30"])
            .env("OTHER", "QUIRE_COMMAND_ID=123.9")
            .env(super::super::MARK_VAR, "4242.7")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready, "ready\n");
        let pid = child.id() as libc::pid_t;
        // SAFETY: reads /proc only.
        unsafe {
            assert!(carries(pid, b"QUIRE_COMMAND_ID=4242."));
            assert!(!carries(pid, b"QUIRE_COMMAND_ID=424."));
            assert!(
                !carries(pid, b"QUIRE_COMMAND_ID=123."),
                "inside another variable"
            );
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    #[test]
    fn pids_are_read_from_entry_names() {
        // SAFETY: NUL-terminated buffers of the length given.
        unsafe {
            assert_eq!(parse_pid(c"4242".as_ptr().cast(), 5), 4242);
            assert_eq!(parse_pid(c"self".as_ptr().cast(), 5), 0);
            assert_eq!(parse_pid(c"".as_ptr().cast(), 1), 0);
        }
    }
}
