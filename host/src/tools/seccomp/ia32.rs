//! The ia32 ABI on x86_64, in plain BPF ahead of seccompiler's programs
//! (which only know one ABI per filter and kill the others).

use seccompiler::sock_filter;

const AUDIT_ARCH_I386: u32 = 3 | 0x4000_0000;
const IOCTL: u32 = 54;
const CHMOD: u32 = 15;
const FCHMOD: u32 = 94;
const FCHMODAT: u32 = 306;
const FCHMODAT2: u32 = 452;
const MKNOD: u32 = 14;
const MKNODAT: u32 = 297;
const OPEN: u32 = 5;
const CREAT: u32 = 8;
const OPENAT: u32 = 295;
pub const OPENAT2: u32 = 437;
const SOCKETCALL: u32 = 102;
const SOCKET: u32 = 359;
const SOCKETPAIR: u32 = 360;
const IO_URING_SETUP: u32 = 425;
/// `socketcall`'s first argument for `socket` and `socketpair`.
const CALL_SOCKET: u32 = 1;
const CALL_SOCKETPAIR: u32 = 8;

const LD_ABS: u16 = 0x20;
const JA: u16 = 0x05;
const JEQ: u16 = 0x15;
const JSET: u16 = 0x45;
const AND: u16 = 0x54;
const RET: u16 = 0x06;
/// Offsets in `struct seccomp_data`: nr, arch, low halves of args.
const NR: u32 = 0;
const ARCH: u32 = 4;
const fn arg(n: u32) -> u32 {
    16 + 8 * n
}
const ALLOW: u32 = 0x7fff_0000;
const ERRNO: u32 = 0x0005_0000;

/// Where a jump goes.
#[derive(Clone, Copy)]
enum L {
    Next,
    Allow,
    Deny,
    At(&'static str),
}

enum Op {
    Load(u32),
    /// Jump to the first label when A == k, else to the second.
    Eq(u32, L, L),
    /// Jump to the first label when A & k != 0, else to the second.
    Set(u32, L, L),
    /// A &= k.
    And(u32),
    Goto(L),
    Label(&'static str),
    Ret(u32),
}

/// Assembles `ops`: labels become jump offsets (counted from the next
/// instruction).
fn assemble(ops: &[Op]) -> Vec<sock_filter> {
    let mut at: Vec<(&str, usize)> = Vec::new();
    let mut n = 0usize;
    for op in ops {
        match op {
            Op::Label(name) => at.push((name, n)),
            _ => n += 1,
        }
    }
    // The program ends with the allow and deny returns.
    let (allow, deny) = (n.saturating_sub(2), n.saturating_sub(1));
    let mut out = Vec::with_capacity(n);
    for op in ops {
        let pos = out.len();
        let target = |l: L| -> u32 {
            let to = match l {
                L::Next => pos + 1,
                L::Allow => allow,
                L::Deny => deny,
                L::At(name) => at
                    .iter()
                    .find(|(l, _)| *l == name)
                    .map_or(allow, |(_, i)| *i),
            };
            (to - pos - 1) as u32
        };
        let short = |l: L| u8::try_from(target(l)).unwrap_or(u8::MAX);
        let code = |code: u16, jt: u8, jf: u8, k: u32| sock_filter { code, jt, jf, k };
        out.push(match *op {
            Op::Label(_) => continue,
            Op::Load(off) => code(LD_ABS, 0, 0, off),
            Op::Eq(k, t, f) => code(JEQ, short(t), short(f), k),
            Op::Set(k, t, f) => code(JSET, short(t), short(f), k),
            Op::And(k) => code(AND, 0, 0, k),
            Op::Goto(l) => code(JA, 0, 0, target(l)),
            Op::Ret(k) => code(RET, 0, 0, k),
        });
    }
    out
}

/// Jumps past itself for any other ABI.
pub fn prefix(sockets: super::Sockets) -> Vec<sock_filter> {
    use L::{Allow, At, Deny, Next};
    let set_id = libc::S_ISUID | libc::S_ISGID;
    // `O_CREAT`, or `O_TMPFILE`'s own bit (it also sets `O_DIRECTORY`).
    let making = (libc::O_CREAT | libc::O_TMPFILE) as u32 & !(libc::O_DIRECTORY as u32);
    let mut ops = vec![
        Op::Load(NR),
        Op::Eq(IOCTL, At("ioctl"), Next),
        Op::Eq(CHMOD, At("mode1"), Next),
        Op::Eq(FCHMOD, At("mode1"), Next),
        Op::Eq(FCHMODAT, At("mode2"), Next),
        Op::Eq(FCHMODAT2, At("mode2"), Next),
        Op::Eq(MKNOD, At("node1"), Next),
        Op::Eq(MKNODAT, At("node2"), Next),
        Op::Eq(OPEN, At("open1"), Next),
        Op::Eq(CREAT, At("mode1"), Next),
        Op::Eq(OPENAT, At("open2"), Next),
        Op::Eq(IO_URING_SETUP, Deny, Next),
    ];
    if sockets.any() {
        ops.extend([
            Op::Eq(SOCKET, At("family"), Next),
            Op::Eq(SOCKETCALL, At("call"), Next),
        ]);
    }
    if sockets.network_off {
        ops.push(Op::Eq(SOCKETPAIR, At("pair"), Next));
    }
    ops.extend([
        Op::Goto(Allow),
        Op::Label("ioctl"),
        Op::Load(arg(1)),
        Op::Eq(libc::TIOCSTI as u32, Deny, Next),
        Op::Eq(libc::TIOCLINUX as u32, Deny, Allow),
        Op::Label("mode1"),
        Op::Load(arg(1)),
        Op::Set(set_id, Deny, Allow),
        Op::Label("mode2"),
        Op::Load(arg(2)),
        Op::Set(set_id, Deny, Allow),
        Op::Label("node1"),
        Op::Load(arg(1)),
        Op::Goto(At("node")),
        Op::Label("node2"),
        Op::Load(arg(2)),
        Op::Label("node"),
        Op::Set(set_id, Deny, Next),
        Op::And(libc::S_IFMT),
        Op::Eq(libc::S_IFCHR, Deny, Next),
        Op::Eq(libc::S_IFBLK, Deny, Allow),
        // `open` and `openat` making a file: its mode is the next argument.
        // (Jumps go forwards only: each checks its mode after itself.)
        Op::Label("open1"),
        Op::Load(arg(1)),
        Op::Set(making, Next, Allow),
        Op::Load(arg(2)),
        Op::Set(set_id, Deny, Allow),
        Op::Label("open2"),
        Op::Load(arg(2)),
        Op::Set(making, Next, Allow),
        Op::Load(arg(3)),
        Op::Set(set_id, Deny, Allow),
    ]);
    if sockets.any() {
        let unix = libc::AF_UNIX as u32;
        ops.extend([Op::Label("family"), Op::Load(arg(0))]);
        ops.push(match (sockets.network_off, sockets.unix_off) {
            (true, true) => Op::Goto(Deny),
            (true, false) => Op::Eq(unix, Allow, Deny),
            (false, _) => Op::Eq(unix, Deny, Allow),
        });
        // `socketcall`'s arguments are in memory the filter cannot
        // read: creating a socket through it is refused whole (a
        // 32-bit program's sockets, built on it, with it), a pair
        // when the network is off.
        let pair = if sockets.network_off { Deny } else { Allow };
        ops.extend([
            Op::Label("call"),
            Op::Load(arg(0)),
            Op::Eq(CALL_SOCKET, Deny, Next),
            Op::Eq(CALL_SOCKETPAIR, pair, Allow),
        ]);
    }
    if sockets.network_off {
        ops.extend([
            Op::Label("pair"),
            Op::Load(arg(0)),
            Op::Eq(libc::AF_UNIX as u32, Allow, Deny),
        ]);
    }
    ops.extend([Op::Ret(ALLOW), Op::Ret(ERRNO | libc::EACCES as u32)]);
    only_ia32(assemble(&ops))
}

/// A prefix that fails every ia32 call in `calls` with `errno` and lets
/// every other one through (it jumps past itself for any other ABI).
pub fn refuse(calls: &[u32], errno: i32) -> Vec<sock_filter> {
    use L::{Allow, Deny, Next};
    let mut ops = vec![Op::Load(NR)];
    ops.extend(calls.iter().map(|&nr| Op::Eq(nr, Deny, Next)));
    ops.extend([
        Op::Goto(Allow),
        Op::Ret(ALLOW),
        Op::Ret(ERRNO | errno as u32),
    ]);
    only_ia32(assemble(&ops))
}

/// `block` run for ia32 calls only: skipped for any other ABI.
fn only_ia32(block: Vec<sock_filter>) -> Vec<sock_filter> {
    let skip = u8::try_from(block.len()).unwrap_or(u8::MAX);
    let mut out = vec![
        sock_filter {
            code: LD_ABS,
            jt: 0,
            jf: 0,
            k: ARCH,
        },
        sock_filter {
            code: JEQ,
            jt: 0,
            jf: skip,
            k: AUDIT_ARCH_I386,
        },
    ];
    out.extend(block);
    out
}
