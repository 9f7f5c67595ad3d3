use super::SessionWriter;
use crate::protocol::Item;
use crate::store::{SessionMeta, StoreError, load};

fn meta() -> SessionMeta {
    SessionMeta {
        id: "s1".into(),
        created: "2026-12-04T00:00:00Z".into(),
        cwd: "/tmp".into(),
        provider: "p".into(),
        model: "m".into(),
        parent: None,
        agent_name: None,
    }
}

#[test]
fn a_session_file_has_one_writer_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let writer = SessionWriter::create(dir.path(), &meta()).unwrap();
    let loaded = load(writer.path()).unwrap();
    match SessionWriter::append_to(&loaded) {
        Err(StoreError::Busy { id, .. }) => assert_eq!(id, "s1"),
        other => panic!("a second writer must be refused: {other:?}"),
    }
    drop(writer);
    assert!(
        SessionWriter::append_to(&loaded).is_ok(),
        "free once the first ended"
    );
}

#[test]
fn a_file_written_after_it_was_read_is_not_continued_from_the_stale_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SessionWriter::create(dir.path(), &meta()).unwrap();
    let stale = load(writer.path()).unwrap();
    writer
        .append_item(&Item::User {
            text: "written after the read".into(),
        })
        .unwrap();
    drop(writer);
    assert!(matches!(
        SessionWriter::append_to(&stale),
        Err(StoreError::Changed { .. })
    ));
    let fresh = load(&stale.path).unwrap();
    assert!(SessionWriter::append_to(&fresh).is_ok());
}

/// Two quires resuming `last` at the same moment: the first claims the
/// newest session (its lock taken before anything else happens), the
/// second gets the next free one instead of the newest, and both continue.
#[test]
fn resuming_last_claims_the_newest_session_that_can_be_locked() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = std::path::Path::new("/work/here");
    let session = |id: &str, created: &str| SessionMeta {
        id: id.into(),
        created: created.into(),
        cwd: cwd.display().to_string(),
        ..meta()
    };
    let old = SessionWriter::create(dir.path(), &session("old", "2026-12-01T00:00:00Z")).unwrap();
    let new = SessionWriter::create(dir.path(), &session("new", "2026-12-02T00:00:00Z")).unwrap();
    drop((old, new));
    let first = crate::store::claim(dir.path(), cwd, "last").unwrap();
    let second = crate::store::claim(dir.path(), cwd, "last").unwrap();
    assert_eq!(first.meta.id, "new");
    assert_eq!(second.meta.id, "old", "the claimed one is skipped");
    let a = SessionWriter::append_to(&first).unwrap();
    let b = SessionWriter::append_to(&second).unwrap();
    // Every one held: the newest, refused naming it.
    let third = crate::store::claim(dir.path(), cwd, "last").unwrap();
    assert_eq!(third.meta.id, "new");
    assert!(matches!(
        SessionWriter::append_to(&third),
        Err(StoreError::Busy { .. })
    ));
    drop((a, b, first, second));
    let again = crate::store::claim(dir.path(), cwd, "last").unwrap();
    assert_eq!(again.meta.id, "new", "free again once its writer ended");
}
