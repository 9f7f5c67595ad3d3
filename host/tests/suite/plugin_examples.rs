//! The example plugins under `examples/plugins/` as built by
//! `examples/plugins/build.sh` (which `scripts/test` runs first): each has a
//! `plugin.toml` naming its component, and the component is a WebAssembly
//! component exporting `quire:plugin/tools@0.2.0` and `hooks@0.2.0` (py-calc:
//! `tools@0.1.0`, the first world, which keeps working) and importing only
//! what the plugin needs. (Running them through the host is tested with the
//! plugin host.)
use crate::support::components;

use components::{EXAMPLES, HOOKS_EXPORT, TOOLS_EXPORT, TOOLS_EXPORT_0_1, example_dir, interfaces};

fn manifest(name: &str) -> toml::Table {
    let path = example_dir(name).join("plugin.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn component(name: &str) -> Vec<u8> {
    let file = manifest(name)["component"].as_str().unwrap().to_owned();
    let path = example_dir(name).join(file);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; build the examples with examples/plugins/build.sh (scripts/test does)",
            path.display()
        )
    })
}

#[test]
fn every_example_has_a_complete_manifest_and_a_readme() {
    for name in EXAMPLES {
        let m = manifest(name);
        assert_eq!(m["name"].as_str(), Some(*name));
        assert_eq!(m["version"].as_str(), Some("0.1.0"), "{name}");
        assert!(!m["description"].as_str().unwrap().is_empty(), "{name}");
        let permissions = m["permissions"].as_table().unwrap();
        for key in ["fs", "net", "env"] {
            assert!(permissions[key].is_array(), "{name}: permissions.{key}");
        }
        let limits = m["limits"].as_table().unwrap();
        for key in ["memory_mb", "timeout_ms", "output_kb"] {
            assert!(
                limits[key].as_integer().unwrap() > 0,
                "{name}: limits.{key}"
            );
        }
        let readme = std::fs::read_to_string(example_dir(name).join("README.md")).unwrap();
        assert!(
            readme.contains("## Build"),
            "{name}: README without a build section"
        );
    }
}

#[test]
fn every_example_component_exports_the_tools_interface() {
    for name in EXAMPLES {
        let found = interfaces(&component(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        // (componentize-py adds an instance export of its own.)
        let wanted: &[&str] = if *name == "py-calc" {
            &[TOOLS_EXPORT_0_1]
        } else {
            &[TOOLS_EXPORT, HOOKS_EXPORT]
        };
        for w in wanted {
            assert!(found.exports.iter().any(|e| e == w), "{name}: {found:?}");
        }
    }
}

#[test]
fn each_example_imports_only_what_it_needs() {
    let word_count = interfaces(&component("word-count")).unwrap();
    assert!(
        word_count.imports_any("quire:plugin/log@"),
        "{word_count:?}"
    );
    assert!(!word_count.imports_any("wasi:http/"), "{word_count:?}");

    let fs_search = interfaces(&component("fs-search")).unwrap();
    assert!(
        fs_search.imports_any("wasi:filesystem/preopens@"),
        "{fs_search:?}"
    );
    assert!(!fs_search.imports_any("wasi:http/"), "{fs_search:?}");

    let http_get = interfaces(&component("http-get")).unwrap();
    assert!(
        http_get.imports_any("wasi:http/outgoing-handler@0.2"),
        "{http_get:?}"
    );

    let py_calc = interfaces(&component("py-calc")).unwrap();
    assert!(py_calc.imports_any("quire:plugin/log@0.1.0"), "{py_calc:?}");
}
