//! A plugin's `${tmp}` folder belongs to one run: it is gone when quire
//! exits, and folders of runs that were killed are removed by the next
//! run, without following links out of them.

use std::os::unix::fs::{PermissionsExt, symlink};

use super::{seed_cache, source_plugin};
use crate::support::quire::TestEnv;

#[test]
fn a_plugins_tmp_folder_is_removed_when_the_run_ends() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(
        src.path(),
        "withtmp",
        "[permissions]\nfs = [{ path = \"${tmp}\", access = \"rw\" }]",
    );
    let tmpdir = tempfile::tempdir().unwrap();
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    let base = tmpdir.path().join(format!("quire-plugins-{uid}"));
    // A run that was killed left its folder, with a link out of it.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep.txt"), "keep").unwrap();
    let stale = base.join("run-999999999/withtmp-0");
    std::fs::create_dir_all(&stale).unwrap();
    for d in [&base, &base.join("run-999999999"), &stale] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    symlink(outside.path(), stale.join("out")).unwrap();

    let quire = |args: &[&str]| {
        let mut cmd = env.command(args);
        cmd.env("TMPDIR", tmpdir.path());
        crate::support::quire::finish(cmd.spawn().expect("spawn quire"))
    };
    let add = quire(&["plugins", "add", plugin.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let call = quire(&["plugins", "call", "withtmp", "echo", "{\"a\":1}"]);
    assert_eq!(call.code, 0, "{}", call.stderr);
    assert!(!call.stderr.contains("temp folder"), "{}", call.stderr);

    let left: Vec<String> = std::fs::read_dir(&base)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "left in {}: {left:?}", base.display());
    assert_eq!(
        std::fs::read_to_string(outside.path().join("keep.txt")).unwrap(),
        "keep"
    );
}
