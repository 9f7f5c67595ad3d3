//! A folder whose name is not UTF-8 (Latin-1 from an old archive) does not
//! hide the skills inside it.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::support::skills_common::{SkillsEnv, write_skill};

#[test]
fn skills_below_a_folder_with_a_latin1_name_load() {
    let e = SkillsEnv::new();
    let root = e.outside.join("collection");
    let latin1 = root.join(OsStr::from_bytes(b"r\xe9sum\xe9s"));
    write_skill(
        &latin1.join("good-skill"),
        "good-skill",
        "A perfectly valid skill.",
        "",
        "# Good\n",
    );
    let paths = format!("skills.paths=[{:?}]", root.display().to_string());
    let list = e.run(&["-c", &paths, "skills", "list", "--all"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let out = format!("{}{}", list.stdout, list.stderr);
    assert!(out.contains("good-skill"), "{out}");
    assert!(!out.contains("cannot list this folder"), "{out}");

    let ran = e.run(&["skills", "validate", root.to_str().unwrap()]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("ok: "), "{}", ran.stdout);
}
