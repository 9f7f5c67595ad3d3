use super::*;

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn writes_a_crate_with_one_tool_a_manifest_and_a_readme() {
    let tmp = tempfile::tempdir().unwrap();
    let sdk = SdkSource::Embedded;
    let dir = new_plugin_with(tmp.path(), "my-plugin", &sdk).unwrap();
    assert_eq!(dir, tmp.path().canonicalize().unwrap().join("my-plugin"));
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "plugin.toml",
        "README.md",
        ".gitignore",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }

    let cargo: toml::Table = toml::from_str(&read(&dir, "Cargo.toml")).unwrap();
    assert_eq!(cargo["package"]["name"].as_str(), Some("my-plugin"));
    assert_eq!(
        cargo["dependencies"]["quire-sdk"]["path"].as_str(),
        Some("quire-sdk")
    );
    // The embedded SDK is a crate of its own, with no workspace inheritance.
    let sdk_cargo: toml::Table = toml::from_str(&read(&dir, "quire-sdk/Cargo.toml")).unwrap();
    assert_eq!(sdk_cargo["package"]["name"].as_str(), Some("quire-sdk"));
    assert_eq!(sdk_cargo["package"]["edition"].as_str(), Some("2024"));
    assert!(!read(&dir, "quire-sdk/Cargo.toml").contains("workspace"));
    for file in ["src/lib.rs", "src/macros.rs", "wit/world.wit", "README.md"] {
        assert!(dir.join("quire-sdk").join(file).is_file(), "{file} missing");
    }
    assert!(read(&dir, "Cargo.lock").contains("name = \"wit-bindgen\""));
    assert_eq!(cargo["lib"]["crate-type"][0].as_str(), Some("cdylib"));
    assert!(
        cargo.contains_key("workspace"),
        "must build outside any workspace"
    );

    let manifest: toml::Table = toml::from_str(&read(&dir, "plugin.toml")).unwrap();
    assert_eq!(manifest["name"].as_str(), Some("my-plugin"));
    assert_eq!(manifest["version"].as_str(), Some("0.1.0"));
    assert_eq!(manifest["component"].as_str(), Some("my_plugin.wasm"));
    assert_eq!(
        manifest["permissions"]["net"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(manifest["limits"]["memory_mb"].as_integer(), Some(64));

    let lib = read(&dir, "src/lib.rs");
    assert!(lib.contains("quire_sdk::plugin!") && lib.contains("fn greet(args: GreetArgs)"));
    let readme = read(&dir, "README.md");
    assert!(
        readme.contains("cp target/wasm32-wasip2/release/my_plugin.wasm ."),
        "{readme}"
    );
    assert!(readme.contains("`quire-sdk/`"), "{readme}");
}

#[test]
fn a_path_sdk_is_written_relative_to_the_new_crate() {
    let tmp = tempfile::tempdir().unwrap();
    let sdk_dir = tmp.path().join("checkout/sdk");
    fs::create_dir_all(&sdk_dir).unwrap();
    let dir = new_plugin_with(
        &tmp.path().join("work/plugins"),
        "p",
        &SdkSource::Path(sdk_dir),
    )
    .unwrap();
    let cargo: toml::Table = toml::from_str(&read(&dir, "Cargo.toml")).unwrap();
    let path = cargo["dependencies"]["quire-sdk"]["path"].as_str().unwrap();
    assert_eq!(path, "../../../checkout/sdk");
    assert!(dir.join(path).is_dir());
}

#[test]
fn inside_a_quire_checkout_the_sdk_is_used_by_path_else_embedded() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    fs::create_dir_all(root.join("sdk")).unwrap();
    fs::create_dir_all(root.join("deep/er")).unwrap();
    fs::write(
        root.join("sdk/Cargo.toml"),
        "[package]\nname = \"quire-sdk\"\n",
    )
    .unwrap();
    assert_eq!(
        sdk_source_for(&root.join("deep/er")),
        SdkSource::Path(root.join("sdk"))
    );
    // A folder that does not exist yet still finds its checkout.
    assert_eq!(
        sdk_source_for(&root.join("new")),
        SdkSource::Path(root.join("sdk"))
    );

    let elsewhere = tempfile::tempdir().unwrap();
    assert_eq!(sdk_source_for(elsewhere.path()), SdkSource::Embedded);
    // An `sdk/` of another crate does not count.
    fs::create_dir_all(elsewhere.path().join("sdk")).unwrap();
    fs::write(
        elsewhere.path().join("sdk/Cargo.toml"),
        "[package]\nname = \"other\"\n",
    )
    .unwrap();
    assert!(matches!(
        sdk_source_for(elsewhere.path()),
        SdkSource::Embedded
    ));
}

#[test]
fn bad_names_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let sdk = SdkSource::Embedded;
    for bad in [
        "",
        "My",
        "1st",
        "-x",
        "a b",
        "a/b",
        "..",
        "fn",
        "test",
        "self",
        &"a".repeat(65),
    ] {
        let err = new_plugin_with(tmp.path(), bad, &sdk).unwrap_err();
        assert!(
            matches!(err, ScaffoldError::InvalidName { .. }),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    let err = new_plugin(tmp.path(), "Bad").unwrap_err();
    assert!(err.to_string().contains("lowercase letters"), "{err}");
}

#[test]
fn names_a_plugin_could_never_load_under_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["a__b", "pa_", "mcp"] {
        let err = new_plugin_with(tmp.path(), bad, &SdkSource::Embedded).unwrap_err();
        assert!(matches!(err, ScaffoldError::Refused(_)), "{bad}: {err}");
        assert!(err.to_string().contains(&format!("'{bad}'")), "{err}");
        assert!(!tmp.path().join(bad).exists());
    }
}

#[test]
fn an_existing_folder_is_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("taken")).unwrap();
    fs::write(tmp.path().join("taken/keep.txt"), "mine").unwrap();
    let err = new_plugin_with(tmp.path(), "taken", &SdkSource::Embedded).unwrap_err();
    assert!(matches!(err, ScaffoldError::Exists { .. }));
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(
        fs::read_to_string(tmp.path().join("taken/keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn relative_paths_and_toml_strings() {
    assert_eq!(
        relative_path(Path::new("/a/b/c"), Path::new("/a/d")),
        Path::new("../../d")
    );
    assert_eq!(
        relative_path(Path::new("/a"), Path::new("/a/b")),
        Path::new("b")
    );
    assert_eq!(toml_string(r#"C:\x "y""#), r#""C:\\x \"y\"""#);
}
