//! Temp files a killed quire left (`.quire-patch-XXXXXXXX`,
//! `.quire-undo-XXXXXXXX`) go when a patch writes in their folder once
//! they are an hour old; anything else with a similar name stays.

use std::time::{Duration, SystemTime};

use super::*;

fn aged(ws: &Ws, name: &str, age: Duration) {
    let path = ws.root.join(name);
    fs::write(&path, "half written").unwrap();
    let file = fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

#[tokio::test]
async fn stale_temp_files_of_a_killed_run_are_removed() {
    let ws = Ws::new();
    ws.write("sub/a.txt", "one\n");
    let hours = Duration::from_secs(2 * 60 * 60);
    aged(&ws, "sub/.quire-patch-0123abcd", hours);
    aged(&ws, "sub/.quire-undo-89abcdef", hours);
    // Kept: too recent (a running quire may be writing it), not exactly
    // quire's name, or not a regular file.
    aged(&ws, "sub/.quire-patch-fedcba98", Duration::from_secs(60));
    aged(&ws, "sub/.quire-patch-0123abcd.bak", hours);
    aged(&ws, "sub/.quire-patch-0123ABCD", hours);
    aged(&ws, "outside.txt", hours);
    std::os::unix::fs::symlink("../outside.txt", ws.root.join("sub/.quire-undo-00000000")).unwrap();
    run(
        &ws.ctx(SandboxMode::WorkspaceWrite),
        "*** Begin Patch\n*** Update File: sub/a.txt\n@@\n-one\n+two\n*** End Patch",
    )
    .await
    .unwrap();
    assert_eq!(ws.read("sub/a.txt"), "two\n");
    let mut left: Vec<String> = fs::read_dir(ws.root.join("sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".quire-patch-0123ABCD",
            ".quire-patch-0123abcd.bak",
            ".quire-patch-fedcba98",
            ".quire-undo-00000000",
            "a.txt"
        ]
    );
    assert!(ws.exists("outside.txt"));
}
