//! Where the user's home is, settled once when quire starts.
//!
//! Everything that reads `$HOME` (the state folder `~/.quire`, `~/…` in
//! settings, the user's skills and hooks) needs an absolute folder. With
//! `HOME` unset, empty or relative — a CI container, `env -u HOME`, a
//! cron job — `~/.quire` would have been `./.quire`: in a repository, the
//! repository's own settings folder, loaded as the user's without any
//! trust. So [`settle`] puts the password database's home in `HOME` (as
//! a login shell would), or, when there is none, removes it, and makes a
//! relative `QUIRE_HOME` absolute.

use std::ffi::{CStr, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What `HOME` should be: `env` when it is an absolute folder name, else
/// the password database's home (`passwd`) when that is absolute, else
/// none.
pub fn chosen(env: Option<&OsStr>, passwd: Option<&Path>) -> Option<PathBuf> {
    let usable = |p: &Path| p.is_absolute();
    env.map(Path::new)
        .filter(|p| usable(p))
        .or(passwd.filter(|p| usable(p)))
        .map(Path::to_path_buf)
}

/// The home folder the password database gives the effective user.
fn passwd_home() -> Option<PathBuf> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into `pwd` and `buf` (its length given)
    // and sets `found` to `&pwd` or null; nothing is kept past the call.
    let rc = unsafe {
        libc::getpwuid_r(
            libc::geteuid(),
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut found,
        )
    };
    if rc != 0 || found.is_null() || pwd.pw_dir.is_null() {
        return None;
    }
    // SAFETY: pw_dir points into `buf`, NUL-terminated by getpwuid_r.
    let dir = unsafe { CStr::from_ptr(pwd.pw_dir) };
    let dir = PathBuf::from(OsStr::from_bytes(dir.to_bytes()));
    (!dir.as_os_str().is_empty()).then_some(dir)
}

/// Settles `HOME` and `QUIRE_HOME` (module docs). Returns the value
/// `HOME` had when it was replaced or removed, for a warning.
///
/// # Safety
/// Changes the process environment: call it before any other thread
/// starts.
pub unsafe fn settle() -> Option<OsString> {
    let before = std::env::var_os("HOME");
    let home = chosen(before.as_deref(), passwd_home().as_deref());
    let changed = home.as_deref().map(Path::as_os_str) != before.as_deref();
    match &home {
        // SAFETY: the caller guarantees no other thread runs yet.
        Some(h) if changed => unsafe { std::env::set_var("HOME", h) },
        None if before.is_some() => unsafe { std::env::remove_var("HOME") },
        _ => {}
    }
    if let Some(q) = std::env::var_os("QUIRE_HOME").filter(|q| !q.is_empty())
        && Path::new(&q).is_relative()
        && let Ok(cwd) = std::env::current_dir()
    {
        // SAFETY: as above.
        unsafe { std::env::set_var("QUIRE_HOME", cwd.join(q)) };
    }
    changed.then(|| before.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unset_empty_or_relative_home_is_never_taken() {
        let pw = Some(Path::new("/home/dev"));
        for env in [None, Some(""), Some("."), Some("rel/dir")] {
            assert_eq!(
                chosen(env.map(OsStr::new), pw),
                Some(PathBuf::from("/home/dev")),
                "{env:?}"
            );
            assert_eq!(chosen(env.map(OsStr::new), None), None, "{env:?}");
            assert_eq!(chosen(env.map(OsStr::new), Some(Path::new(""))), None);
        }
        assert_eq!(
            chosen(Some(OsStr::new("/srv/me")), pw),
            Some(PathBuf::from("/srv/me"))
        );
    }

    #[test]
    fn the_password_database_knows_this_user() {
        let home = passwd_home().expect("the test user has a passwd entry");
        assert!(home.is_absolute(), "{home:?}");
    }
}
