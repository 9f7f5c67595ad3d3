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
