//! The plugin host through the library: world versions, the compile cache,
//! tools as `PLUGIN__TOOL` through the registry, session loading with
//! consent.
use crate::support::guests;
use crate::support::plugin_lab;

use std::sync::Arc;

use plugin_lab::Lab;
use quire::plugins::cache::{CacheOutcome, CompileCache};
use quire::plugins::consent::ConsentStore;
use quire::plugins::{PluginEngine, PluginTool, PluginsConfig, load_for_session, manifest};
use quire::tools::Tool;
use serde_json::json;

#[tokio::test]
async fn a_component_for_an_unknown_world_version_is_refused_naming_both() {
    let lab = Lab::new();
    let err = lab
        .try_load("future-world", "future", "")
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("quire:plugin@0.9.0"), "{err}");
    assert!(err.contains("quire:plugin@0.1.0"), "{err}");
}

#[tokio::test]
async fn a_file_that_is_not_a_component_is_refused() {
    let lab = Lab::new();
    let dir = lab.dir.path().join("junk");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plugin.wasm"), b"\0asm not really").unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        "name = \"junk\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"plugin.wasm\"\n",
    )
    .unwrap();
    let m = manifest::load(&dir.join("plugin.toml")).unwrap();
    let engine = PluginEngine::global().unwrap();
    let cache = CompileCache::new(lab.dir.path().join("cache"));
    let err = quire::plugins::LoadedPlugin::load(engine, &cache, m, Default::default())
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("not a valid WebAssembly component"), "{err}");
    assert!(err.contains("plugin.wasm"), "{err}");
}

#[tokio::test]
async fn the_second_load_uses_the_compiled_cache() {
    let wasm = plugin_lab::warm("hostile");
    let dir = tempfile::tempdir().unwrap();
    let engine = PluginEngine::global().unwrap();
    let cache = CompileCache::new(dir.path().join("cache"));
    let (_, first) = cache.load(engine, &wasm).unwrap();
    assert_eq!(first, CacheOutcome::Compiled { stored: true });
    let files: Vec<_> = std::fs::read_dir(cache.dir()).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().to_string_lossy().into_owned();
    assert!(name.ends_with(".cwasm"), "{name}");
    let (_, second) = cache.load(engine, &wasm).unwrap();
    assert_eq!(second, CacheOutcome::Hit);
    // A different engine configuration would not match the key: it is in the name.
    assert!(name.starts_with(&engine.compat_key()[..16]), "{name}");
}

#[tokio::test]
async fn plugin_tools_are_named_plugin_dunder_tool_with_schemas_passed_through() {
    let lab = Lab::new();
    let p = Arc::new(lab.load("hostile", "hostile", "").await);
    let (tools, warnings) = PluginTool::all(&p);
    assert!(warnings.is_empty(), "{warnings:?}");
    let echo = tools
        .iter()
        .find(|t| t.spec().name == "hostile__echo")
        .expect("echo tool");
    assert_eq!(echo.spec().parameters, json!({"type": "object"}));
    assert!(echo.spec().read_only);
    assert!(
        !tools
            .iter()
            .find(|t| t.spec().name == "hostile__spin")
            .unwrap()
            .spec()
            .read_only
    );
}

fn install(home: &std::path::Path, name: &str, extra: &str) -> std::path::PathBuf {
    let wasm = plugin_lab::warm("hostile");
    guests::plugin_dir(&home.join("plugins").join(name), name, &wasm, extra)
}

fn seed_cache(home: &std::path::Path) {
    let to = home.join("cache/plugins");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(plugin_lab::shared_cache().dir())
        .unwrap()
        .flatten()
    {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn a_session_loads_consented_plugins_and_names_the_others() {
    let home = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    install(home.path(), "pure", "");
    let granted = install(home.path(), "granted", "[permissions]\nenv = [\"PATH\"]");
    install(home.path(), "unasked", "[permissions]\nenv = [\"HOME\"]");
    seed_cache(home.path());
    let mut consent = ConsentStore::open(home.path());
    consent
        .accept(&manifest::load(&granted.join("plugin.toml")).unwrap())
        .unwrap();

    let config = PluginsConfig::default();
    let loaded = load_for_session(&config, home.path(), ws.path(), true);
    let mut names: Vec<String> = loaded
        .plugins
        .iter()
        .map(|p| p.name().to_string())
        .collect();
    names.sort();
    assert_eq!(names, vec!["granted", "pure"]);
    assert!(loaded.tools.iter().any(|t| t.spec().name == "pure__echo"));
    assert!(
        !loaded
            .tools
            .iter()
            .any(|t| t.spec().name.starts_with("unasked__"))
    );
    let warnings = loaded.warnings.join("\n");
    assert!(
        warnings.contains("plugin 'unasked' was not loaded"),
        "{warnings}"
    );
    assert!(warnings.contains("quire plugins add"), "{warnings}");

    // The manifest asks for more: not loaded until accepted again.
    std::fs::write(
        granted.join("plugin.toml"),
        std::fs::read_to_string(granted.join("plugin.toml"))
            .unwrap()
            .replace("[\"PATH\"]", "[\"PATH\", \"HOME\"]"),
    )
    .unwrap();
    let loaded = load_for_session(&config, home.path(), ws.path(), true);
    assert!(!loaded.plugins.iter().any(|p| p.name() == "granted"));
    let warnings = loaded.warnings.join("\n");
    assert!(
        warnings.contains("plugin 'granted' was not loaded"),
        "{warnings}"
    );
    assert!(warnings.contains("manifest changed"), "{warnings}");

    let off = PluginsConfig {
        enabled: false,
        ..Default::default()
    };
    assert!(
        load_for_session(&off, home.path(), ws.path(), true)
            .tools
            .is_empty()
    );
}
