//! Skills through the MCP skills extension: `skills/list`, `skills/get`
//! with sha256 digests checked against the files, `skill://` resources.

use base64::Engine as _;
use rmcp::model::{
    GetSkillRequestParams, ReadResourceDirectoryRequestParams, ReadResourceRequestParams,
    ResourceContents, Skill, SkillResources,
};
use rmcp::service::ServiceError;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Client, Env};

const BINARY: &[u8] = &[0x89, b'P', b'N', b'G', 0xff, 0x00, 0xfe, 0x01];

/// A user skill in `$QUIRE_HOME/skills` (with a binary file and a hidden
/// one) and a project skill in `.agents/skills` (with an executable script).
fn with_skills() -> Env {
    let env = Env::new();
    let user = env.home.path().join("skills/user-notes");
    std::fs::create_dir_all(user.join("references")).unwrap();
    std::fs::create_dir_all(user.join("assets")).unwrap();
    std::fs::write(
        user.join("SKILL.md"),
        "---\nname: user-notes\ndescription: Keeps notes for the user. Use when asked to take notes.\nlicense: MIT\nmetadata:\n  version: \"1.2\"\n  author: tests\n---\n# Notes\n\nSee references/guide.md.\n",
    )
    .unwrap();
    std::fs::write(
        user.join("references/guide.md"),
        "# Guide\nWrite short notes.\n",
    )
    .unwrap();
    std::fs::write(user.join("assets/logo.bin"), BINARY).unwrap();
    std::fs::write(user.join(".secret"), "not served").unwrap();
    env.write(
        ".agents/skills/project-build/SKILL.md",
        "---\nname: project-build\ndescription: Builds this project. Use when asked to build.\n---\nRun scripts/build.sh.\n",
    );
    env.write(
        ".agents/skills/project-build/scripts/build.sh",
        "#!/bin/sh\necho building\n",
    );
    std::fs::set_permissions(
        env.ws()
            .join(".agents/skills/project-build/scripts/build.sh"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    env
}

fn sha256(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// `skill://NAME/REL` → the file on disk.
fn file_of(env: &Env, uri: &str) -> std::path::PathBuf {
    let rest = uri.strip_prefix("skill://").unwrap();
    let (name, rel) = rest.split_once('/').unwrap();
    let dir = match name {
        "user-notes" => env.home.path().join("skills/user-notes"),
        "project-build" => env.ws().join(".agents/skills/project-build"),
        other => panic!("unexpected skill {other}"),
    };
    dir.join(rel)
}

/// Reads a resource and returns its bytes (text or base64 blob).
async fn read(client: &Client, uri: &str) -> Vec<u8> {
    let r = client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .unwrap_or_else(|e| panic!("reading {uri}: {e}"));
    assert_eq!(r.contents.len(), 1);
    match &r.contents[0] {
        ResourceContents::TextResourceContents { text, uri: u, .. } => {
            assert_eq!(u, uri);
            text.as_bytes().to_vec()
        }
        ResourceContents::BlobResourceContents { blob, uri: u, .. } => {
            assert_eq!(u, uri);
            base64::engine::general_purpose::STANDARD
                .decode(blob)
                .unwrap()
        }
        _ => panic!("unexpected contents"),
    }
}

/// Checks every file of `entry`: the digest and size match the file on
/// disk and the bytes `resources/read` returns.
async fn verify(client: &Client, env: &Env, entry: &Skill) {
    let SkillResources::Files(files) = &entry.resources else {
        panic!("{} has dynamic resources", entry.uri);
    };
    for f in files {
        let on_disk = std::fs::read(file_of(env, &f.uri)).unwrap();
        assert_eq!(f.digest, sha256(&on_disk), "{}", f.uri);
        assert_eq!(f.size, on_disk.len() as u64, "{}", f.uri);
        let served = read(client, &f.uri).await;
        assert_eq!(sha256(&served), f.digest, "{}", f.uri);
        f.verify(&served).unwrap();
    }
}

fn uris(entry: &Skill) -> Vec<String> {
    match &entry.resources {
        SkillResources::Files(f) => f.iter().map(|r| r.uri.clone()).collect(),
        _ => Vec::new(),
    }
}

async fn check_listing(client: &Client, env: &Env) {
    let caps = &client.peer_info().unwrap().capabilities;
    assert!(caps.supports_skills() && caps.supports_directory_read());
    assert!(caps.resources.is_some());
    let skills = client.list_all_skills().await.unwrap();
    let names: Vec<&str> = skills.iter().map(|s| s.name()).collect();
    assert!(
        names.contains(&"skill-creator"),
        "bundled skills: {names:?}"
    );
    let user = skills.iter().find(|s| s.name() == "user-notes").unwrap();
    assert_eq!(user.uri, "skill://user-notes/SKILL.md");
    assert_eq!(
        serde_json::to_value(&user.frontmatter).unwrap(),
        json!({"name": "user-notes", "description": "Keeps notes for the user. Use when asked to take notes.",
               "license": "MIT", "metadata": {"version": "1.2", "author": "tests"}})
    );
    assert_eq!(
        uris(user),
        [
            "skill://user-notes/SKILL.md",
            "skill://user-notes/assets/logo.bin",
            "skill://user-notes/references/guide.md",
        ]
    );
    verify(client, env, user).await;
    let project = skills.iter().find(|s| s.name() == "project-build").unwrap();
    assert_eq!(
        uris(project),
        [
            "skill://project-build/SKILL.md",
            "skill://project-build/scripts/build.sh",
        ]
    );
    verify(client, env, project).await;
    // Each file's mode as git records it, which the manifest has no field for.
    assert_eq!(
        serde_json::to_value(&project.meta).unwrap(),
        json!({"quire/fileModes": {
            "skill://project-build/SKILL.md": "100644",
            "skill://project-build/scripts/build.sh": "100755"}})
    );

    // skills/get gives the same entry; an unknown skill is -32602.
    let got = client
        .get_skill(GetSkillRequestParams::new("skill://project-build/SKILL.md"))
        .await
        .unwrap();
    assert_eq!(&got.skill, project);
    match client
        .get_skill(GetSkillRequestParams::new("skill://no-such-skill/SKILL.md"))
        .await
    {
        Err(ServiceError::McpError(e)) => assert_eq!(e.code.0, -32602, "{}", e.message),
        other => panic!("expected -32602, got {other:?}"),
    }
}

#[tokio::test]
async fn skills_are_listed_fetched_and_verified_over_stdio() {
    let env = with_skills();
    let (client, _server) = env.stdio(&[]).await;
    check_listing(&client, &env).await;

    // Every file is a resource; SKILL.md carries the skill's description.
    let resources = client.list_all_resources().await.unwrap();
    let skill_md = resources
        .iter()
        .find(|r| r.uri == "skill://user-notes/SKILL.md")
        .unwrap();
    assert_eq!(skill_md.name, "user-notes");
    assert_eq!(skill_md.mime_type.as_deref(), Some("text/markdown"));
    assert!(
        skill_md
            .description
            .as_deref()
            .unwrap()
            .starts_with("Keeps notes")
    );
    assert!(
        resources
            .iter()
            .any(|r| r.uri == "skill://project-build/scripts/build.sh")
    );
    assert!(!resources.iter().any(|r| r.uri.contains(".secret")));

    // Folders read with resources/directory/read.
    let dir = client
        .read_resource_directory(ReadResourceDirectoryRequestParams::new(
            "skill://user-notes",
        ))
        .await
        .unwrap();
    let children: Vec<(&str, Option<&str>)> = dir
        .resources
        .iter()
        .map(|r| (r.uri.as_str(), r.mime_type.as_deref()))
        .collect();
    assert_eq!(
        children,
        [
            ("skill://user-notes/SKILL.md", Some("text/markdown")),
            ("skill://user-notes/assets", Some("inode/directory")),
            ("skill://user-notes/references", Some("inode/directory")),
        ]
    );

    // Nothing outside a skill's files can be read.
    for bad in [
        "skill://user-notes/.secret",
        "skill://user-notes/../../config.toml",
        "skill://user-notes/%2e%2e/%2e%2e/config.toml",
        "skill://no-such-skill/SKILL.md",
        "file:///etc/passwd",
    ] {
        let r = client
            .read_resource(ReadResourceRequestParams::new(bad))
            .await;
        assert!(r.is_err(), "{bad} was served");
    }

    // Digests describe the bytes served now: a changed file, a new digest.
    let guide = file_of(&env, "skill://user-notes/references/guide.md");
    std::fs::write(&guide, "# Guide\nChanged.\n").unwrap();
    let got = client
        .get_skill(GetSkillRequestParams::new("skill://user-notes/SKILL.md"))
        .await
        .unwrap();
    verify(&client, &env, &got.skill).await;
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn skills_are_served_over_streamable_http() {
    let env = with_skills();
    let (client, _server, _url) = env.http(&[]).await;
    check_listing(&client, &env).await;
    assert_eq!(
        read(&client, "skill://user-notes/assets/logo.bin").await,
        BINARY
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn skills_can_be_turned_off() {
    let env = with_skills();
    std::fs::write(
        env.home.path().join("config.toml"),
        "[skills]\nenabled = false\n",
    )
    .unwrap();
    let (client, _server) = env.stdio(&[]).await;
    assert!(client.list_all_skills().await.unwrap().is_empty());
    assert!(client.list_all_resources().await.unwrap().is_empty());
    client.cancel().await.unwrap();
}

/// A skill whose SKILL.md is a symbolic link out of its folder loads (as
/// discovery follows it), but its files are served only from inside the
/// folder: skills/get and resources/read name the link and say it is not
/// followed, instead of calling the file unreadable or unknown.
#[tokio::test]
async fn a_skill_md_linking_out_of_its_folder_is_named_as_such() {
    let env = with_skills();
    let outside = env.home.path().join("elsewhere/linked.md");
    std::fs::create_dir_all(outside.parent().unwrap()).unwrap();
    std::fs::write(
        &outside,
        "---\nname: linked-notes\ndescription: Reached through a link. Use when testing links.\n---\nbody\n",
    )
    .unwrap();
    let dir = env.ws().join(".agents/skills/linked-notes");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("SKILL.md")).unwrap();
    let (client, _server) = env.stdio(&[]).await;

    let says_link = |message: &str| {
        message.contains("SKILL.md is a symbolic link to")
            && message.contains(&outside.display().to_string())
            && message.contains("outside the skill's folder")
            && message.contains("not followed")
    };
    match client
        .get_skill(GetSkillRequestParams::new("skill://linked-notes/SKILL.md"))
        .await
    {
        Err(ServiceError::McpError(e)) => assert!(says_link(&e.message), "{}", e.message),
        other => panic!("expected an error naming the link, got {other:?}"),
    }
    match client
        .read_resource(ReadResourceRequestParams::new(
            "skill://linked-notes/SKILL.md",
        ))
        .await
    {
        Err(ServiceError::McpError(e)) => {
            assert!(says_link(&e.message), "{}", e.message);
            assert!(!e.message.contains("frontmatter"), "{}", e.message);
        }
        other => panic!("expected an error naming the link, got {other:?}"),
    }
    // The other skills are served as before.
    check_listing(&client, &env).await;
    client.cancel().await.unwrap();
}
