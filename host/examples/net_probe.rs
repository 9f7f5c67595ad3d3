//! Tries one kind of network access and reports what happened, for the
//! sandbox tests (a shell command runs it under quire's sandbox).
//!
//! net_probe udp PORT   sends a datagram to 127.0.0.1:PORT
//! net_probe tcp PORT   connects to 127.0.0.1:PORT and writes a line
//! net_probe raw        opens a raw IPv4 socket (ICMP)
//! net_probe netlink    opens a netlink (route) socket
//! net_probe unix       sends a datagram over a Unix socket pair
//!
//! Prints `KIND ok` or `KIND denied: ERROR (os error N)`; exits 0 either way.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::os::unix::net::UnixDatagram;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args.first().map(String::as_str).unwrap_or("");
    let port = args.get(1).and_then(|p| p.parse::<u16>().ok()).unwrap_or(0);
    let result: std::io::Result<()> = match kind {
        "udp" => UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.send_to(b"probe\n", ("127.0.0.1", port)))
            .map(|_| ()),
        "tcp" => TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| s.write_all(b"probe\n")),
        "raw" => open(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP),
        "netlink" => open(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE),
        "unix" => UnixDatagram::pair().and_then(|(a, b)| {
            a.send(b"probe")?;
            let mut buf = [0u8; 8];
            b.recv(&mut buf).map(|_| ())
        }),
        other => {
            eprintln!("net_probe: unknown kind '{other}' (udp PORT, tcp PORT, raw, netlink, unix)");
            std::process::exit(2);
        }
    };
    match result {
        Ok(()) => println!("{kind} ok"),
        Err(e) => println!("{kind} denied: {e}"),
    }
}

/// Opens (and closes) a socket of `domain`, `ty` and `protocol`.
fn open(domain: i32, ty: i32, protocol: i32) -> std::io::Result<()> {
    // SAFETY: socket(2) has no memory effects; the descriptor is closed.
    let fd = unsafe { libc::socket(domain, ty, protocol) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: closing the descriptor just opened.
    unsafe {
        libc::close(fd);
    }
    Ok(())
}
