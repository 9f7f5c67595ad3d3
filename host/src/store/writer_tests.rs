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
        spawn: None,
        sandbox: None,
        approval: None,
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
            typed: None,
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
/// newest session (its lock taken before anything else happens); the
/// second is refused naming it, never sent on to an older session, where
/// its message would land in another conversation.
#[test]
fn resuming_last_claims_the_newest_session_or_refuses_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = std::path::Path::new("/work/here");
    let session = |id: &str, created: &str| SessionMeta {
        id: id.into(),
        created: created.into(),
        cwd: cwd.display().to_string(),
        ..meta()
    };
    // Each with a message: a session without one is never `last`.
    let started = |id: &str, created: &str| {
        let mut w = SessionWriter::create(dir.path(), &session(id, created)).unwrap();
        w.append_item(&Item::User {
            typed: None,
            text: "hi".into(),
        })
        .unwrap();
    };
    started("old", "2026-12-01T00:00:00Z");
    started("new", "2026-12-02T00:00:00Z");
    let first = crate::store::claim(dir.path(), cwd, "last", false).unwrap();
    assert_eq!(first.meta.id, "new");
    let a = SessionWriter::append_to(&first).unwrap();
    match crate::store::claim(dir.path(), cwd, "last", false) {
        Err(StoreError::Busy { id, holder, .. }) => {
            assert_eq!(id, "new");
            assert_eq!(holder, None, "this very process holds it");
        }
        other => panic!("the held newest is refused, not passed over: {other:?}"),
    }
    drop((a, first));
    let again = crate::store::claim(dir.path(), cwd, "last", false).unwrap();
    assert_eq!(again.meta.id, "new", "free again once its writer ended");
}

/// `last` is the conversation used last: not a newer session with no
/// message (a `/new` left unused, or whose only message was taken back),
/// and an older session resumed and continued counts from its last
/// activity, not from when it began.
#[test]
fn last_is_the_most_recently_used_session_with_a_message() {
    use std::time::{Duration, SystemTime};
    let dir = tempfile::tempdir().unwrap();
    let cwd = std::path::Path::new("/work/here");
    let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs);
    let write = |id: &str, created: &str, items: &[Item], withdrawn: bool, used: SystemTime| {
        let meta = SessionMeta {
            id: id.into(),
            created: created.into(),
            cwd: cwd.display().to_string(),
            ..meta()
        };
        let mut w = SessionWriter::create(dir.path(), &meta).unwrap();
        for item in items {
            w.append_item(item).unwrap();
        }
        if withdrawn {
            w.append_withdrawn(1).unwrap();
        }
        let path = w.path().to_path_buf();
        drop(w);
        let f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.set_modified(used).unwrap();
    };
    let user = |t: &str| Item::User {
        typed: None,
        text: t.into(),
    };
    write("a", "2026-12-01T00:00:00Z", &[user("first")], false, at(30));
    write(
        "b",
        "2026-12-02T00:00:00Z",
        &[user("second")],
        false,
        at(20),
    );
    write("empty", "2026-12-03T00:00:00Z", &[], false, at(40));
    write(
        "taken-back",
        "2026-12-04T00:00:00Z",
        &[user("x")],
        true,
        at(50),
    );
    assert_eq!(crate::store::last_in(dir.path(), cwd).unwrap().id, "a");
    assert_eq!(crate::store::find(dir.path(), "last").unwrap().id, "a");
    assert_eq!(
        crate::store::claim(dir.path(), cwd, "last", false)
            .unwrap()
            .meta
            .id,
        "a"
    );
}

/// Going back to message 2 is an event record: read back, the history
/// from that message on is gone (a later turn's tool call and result
/// too), the messages after it count no more, the next one is numbered
/// after those kept, and the listing counts the same.
#[test]
fn a_rewind_replays_from_the_file() {
    use crate::protocol::Event;
    let dir = tempfile::tempdir().unwrap();
    let mut w = SessionWriter::create(dir.path(), &meta()).unwrap();
    let user = |t: &str| Item::User {
        typed: None,
        text: t.into(),
    };
    let items = crate::store::rewound::three_exchanges();
    for item in &items {
        w.append_item(item).unwrap();
    }
    let event = Event::Rewound {
        to_user_message: 2,
        dropped_messages: 2,
        text: "two".into(),
    };
    w.append_rewound(&event, 2).unwrap();
    w.append_item(&user("two again")).unwrap();
    let path = w.path().to_path_buf();
    drop(w);
    let loaded = load(&path).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let mut kept = items[..2].to_vec();
    kept.push(user("two again"));
    assert_eq!(loaded.items, kept);
    assert_eq!(loaded.turns, 2);
    assert_eq!(
        loaded.unanswered.as_deref(),
        Some("quire stopped before the answer began")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(
            "{\"record\":\"item\",\"turn\":2,\"item\":{\"type\":\"user\",\"text\":\"two again\"}}"
        ),
        "{text}"
    );
    // Older quire reads the rewind as an event of record and ignores it.
    let rewind_line = text.lines().find(|l| l.contains("rewound")).unwrap();
    let record: serde_json::Value = serde_json::from_str(rewind_line).unwrap();
    assert_eq!(record["record"], "event");
    assert_eq!(record["event"]["type"], "rewound");
    let summary = crate::store::summary::summarize(&path).unwrap();
    assert_eq!(summary.turns, 2);
    assert_eq!(summary.first_prompt, "one");
}
