//! A newest session whose file cannot be opened for writing (restored
//! read-only, on a read-only mount): `--resume last` refuses it naming
//! the file and why, instead of continuing an older conversation, and
//! resuming it by id names the file, not the sessions folder.
use super::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::model_server::Reply;
use support::quire::TestEnv;

/// The file made immutable (`chattr +i`: no open for writing, even for
/// root, whom file modes do not stop) while it lives.
struct Immutable(PathBuf);

impl Immutable {
    fn set(path: &Path) -> Option<Immutable> {
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        // Not every file system (or process) can: then a mode does, for
        // anyone but root.
        if ok {
            return Some(Immutable(path.to_path_buf()));
        }
        let mut p = std::fs::metadata(path).ok()?.permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o400);
        std::fs::set_permissions(path, p).ok()?;
        let writable = std::fs::OpenOptions::new().append(true).open(path).is_ok();
        (!writable).then(|| Immutable(PathBuf::new()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        if !self.0.as_os_str().is_empty() {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        }
    }
}

fn session_id(run: &support::quire::Run) -> String {
    run.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn resume_last_refuses_a_newest_session_whose_file_is_read_only() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("one"), Reply::text("two")]);
    let one = env.exec_json("session ONE", &[]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let two = env.exec_json("session TWO", &[]);
    assert_eq!(two.code, 0, "{}", two.stderr);
    let two_id = session_id(&two);
    let two_file = two.of_type("session_started")[0]["session_file"]
        .as_str()
        .unwrap()
        .to_string();
    let Some(_guard) = Immutable::set(Path::new(&two_file)) else {
        eprintln!("skipped: cannot make a file unwritable here");
        return;
    };

    let r = env.exec_json("continue please", &["--resume", "last"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("session {two_id} cannot be continued"))
            && r.stderr
                .contains(&format!("its file {two_file} cannot be opened for writing"))
            && r.stderr.contains("`quire resume` lists them"),
        "names the newest session, its file, why and the way on: {}",
        r.stderr
    );
    assert!(r.of_type("session_started").is_empty(), "{}", r.stdout);
    assert_eq!(env.server.requests().len(), 2, "nothing was sent");

    // By its id: the file is named, not the (writable) sessions folder.
    let r = env.exec_json("continue please", &["--resume", &two_id]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("its file {two_file} cannot be opened for writing"))
            && !r.stderr.contains("cannot write sessions to"),
        "{}",
        r.stderr
    );
    let ones: Vec<String> = super::last::users(&env.session_files()[0]);
    assert_eq!(ones, ["session ONE"], "the older session is untouched");
}

/// `sessions list` orders by last use, as `--resume last` chooses: an
/// older session continued since comes first.
#[test]
fn sessions_list_shows_the_session_used_last_first() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("a"), Reply::text("b"), Reply::text("c")]);
    let older = env.exec_json("the older task", &[]);
    assert_eq!(older.code, 0, "{}", older.stderr);
    let older = session_id(&older);
    let newer = env.exec_json("the newer task", &[]);
    assert_eq!(newer.code, 0, "{}", newer.stderr);
    let newer = session_id(&newer);
    let list = env.run(&["sessions", "list"]);
    let ids = |out: &str| -> Vec<String> {
        out.lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| *w == older || *w == newer)
            .map(str::to_string)
            .collect()
    };
    assert_eq!(ids(&list.stdout), [newer.clone(), older.clone()]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = env.exec_json("more on the older", &["--resume", &older]);
    assert_eq!(again.code, 0, "{}", again.stderr);

    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.starts_with("ID "), "{}", list.stdout);
    assert!(list.stdout.contains("LAST USED"), "{}", list.stdout);
    assert_eq!(
        ids(&list.stdout),
        [older.clone(), newer.clone()],
        "{}",
        list.stdout
    );
    let json = env.run(&["sessions", "list", "--json"]);
    let first: serde_json::Value =
        serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], older.as_str());
}
