//! The git transports a shared source may use: `https`, `http`, `ssh`
//! (also written `git+ssh`, `ssh+git`, or scp-like `user@host:path`),
//! `git`, and `file` or a local path (a repository's lock only with
//! `--allow-local-sources`: `check::local_source`). git hands any other
//! scheme (`x://…`, `x::…`) to a remote helper, `git-remote-x`, looked up
//! on `PATH`: a program a sandboxed command may have planted (an
//! activated `.venv/bin`) would run as the user. quire's network git
//! allows only these protocols too (`git::neutral::NETWORK`).

/// The URL schemes a source may have.
pub const SCHEMES: &[&str] = &["https", "http", "ssh", "git+ssh", "ssh+git", "git", "file"];

/// `Err` saying why the git source `url` may not be fetched (the words
/// after "has source = …, which").
pub fn check(url: &str) -> Result<(), String> {
    let allowed = || {
        let list: Vec<String> = SCHEMES.iter().map(|s| format!("{s}://")).collect();
        format!("{}, or scp-like user@host:path", list.join(", "))
    };
    if let Some((scheme, _)) = url.split_once("://")
        && !scheme.contains(['/', ':', '@'])
    {
        if SCHEMES.contains(&scheme) {
            return Ok(());
        }
        return Err(format!(
            "uses the transport `{scheme}://`, which git would hand to a program `git-remote-{scheme}` found on PATH; a source may use only {}",
            allowed()
        ));
    }
    if let Some((transport, _)) = url.split_once("::")
        && !transport.contains('/')
    {
        return Err(format!(
            "names the remote helper `{transport}::`, which git would run as a program `git-remote-{transport}`; a source may use only {}",
            allowed()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_transports() {
        for ok in [
            "https://h/o/r.git",
            "http://127.0.0.1:1/r.git",
            "ssh://git@h/r.git",
            "git://h/r.git",
            "git@github.com:o/r.git",
            "file:///srv/r.git",
            "../r.git",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for bad in [
            "x://mirror/repo.git",
            "FILE:///r.git",
            "evil::foo",
            "ext::sh -c x",
        ] {
            let err = check(bad).unwrap_err();
            assert!(err.contains("git-remote-"), "{bad}: {err}");
        }
    }
}
