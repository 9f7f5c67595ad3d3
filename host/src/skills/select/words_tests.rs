//! Tests of the `words` module.

use super::*;

fn lower(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.lower).collect()
}

#[test]
fn identifiers_split_and_brands_stay_whole() {
    assert_eq!(
        lower("TestAccWidget_basic"),
        ["test", "acc", "widget", "basic"]
    );
    assert_eq!(lower("parseHttpHeader()"), ["parse", "http", "header"]);
    assert_eq!(lower("GitHub PyTorch"), ["github", "pytorch"]);
    let w = words("open PRs");
    assert_eq!(w[1].lower, "pr");
    assert!(w[1].caps);
    assert!(lower("open PRs").contains(&"=pull_request".to_string()));
}

#[test]
fn file_names_name_their_language_and_weigh_less() {
    let w = words("fix deploy.sh");
    let get = |t: &str| w.iter().find(|x| x.lower == t).map(|x| x.weight);
    assert_eq!(get("fix"), Some(1.0));
    assert_eq!(get("deploy"), Some(PATH_WEIGHT));
    assert_eq!(get("shell"), Some(LANGUAGE_WEIGHT));
    assert!(lower("in src/main.rs").contains(&"rust".to_string()));
    assert!(!lower("e.g. this").contains(&"rust".to_string()));
    assert_eq!(lower("C++ and C#"), ["cpp", "and", "csharp"]);
    assert_eq!(lower("run it under afl++ instead")[3], "aflpp");
    assert!(lower("a ++ b").iter().all(|w| !w.ends_with("pp")));
    let genbank = lower("dump every CDS in NC_000913.gb");
    assert!(genbank.contains(&"genbank".to_string()), "{genbank:?}");
}

#[test]
fn a_directory_path_names_a_directory_and_a_size_a_window() {
    let has = |text: &str, term: &str| lower(text).contains(&term.to_string());
    for dir in [
        "what is in ./scripts",
        "ls ../docs/",
        "under ~/projects",
        "in /var/log",
    ] {
        assert!(has(dir, "directory"), "{dir:?}");
    }
    for not in [
        "read ./src/main.rs",
        "see https://example.com/docs/",
        "acme/api is the repo",
        "and/or",
        "a page w/ these bullets",
        "the crate in parser-rs/",
    ] {
        assert!(!has(not, "directory"), "{not:?}");
    }
    assert!(has("how does it look at 390x844?", "resize"));
    assert!(has("render at 1280×720", "viewport"));
    assert!(has("open http://localhost:3000/login", "url"));
    assert!(has("DEBUG = True -> DEBUG = False", "replace"));
    assert!(!has("a-b", "replace"));
    assert!(!has("a 2x speedup", "resize"));
    assert!(!has("0x1f", "resize"));
}

#[test]
fn an_issue_number_names_an_issue_or_pull_request() {
    for text in [
        "close #1203 as fixed",
        "which files did acme/api#482 touch?",
        "see (#12).",
    ] {
        let l = lower(text);
        assert!(l.contains(&"issue".to_string()), "{text}: {l:?}");
        assert!(l.contains(&"pr".to_string()), "{text}: {l:?}");
    }
    for text in ["C# and F#", "color #fff", "a/b/c#12", "#", "acme/#3"] {
        let l = lower(text);
        assert!(!l.contains(&"issue".to_string()), "{text}: {l:?}");
    }
}

#[test]
fn a_browser_global_with_a_member_is_script_in_a_page() {
    for text in [
        "what's window.__APP_VERSION__ on staging",
        "run document.querySelectorAll('img').length",
        "clear localStorage.token",
    ] {
        let l = lower(text);
        assert!(l.contains(&"javascript".to_string()), "{text}: {l:?}");
    }
    for text in [
        "resize the window.",
        "the document. then",
        "a window manager",
    ] {
        let l = lower(text);
        assert!(!l.contains(&"javascript".to_string()), "{text}: {l:?}");
    }
}

#[test]
fn an_rc_dotfile_names_the_tool_it_configures() {
    let l = lower("add a .shellcheckrc and silence SC2086");
    assert!(l.contains(&"shellcheck".to_string()), "{l:?}");
    assert!(l.contains(&"config".to_string()), "{l:?}");
    assert!(lower("source ~/.bashrc").contains(&"bash".to_string()));
    assert!(lower("(.eslintrc.json)").contains(&"eslint".to_string()));
    // Not a dotfile: the word keeps its letters.
    assert!(lower("see src/npmrc.rs").contains(&"npmrc".to_string()));
    assert!(!lower("the src folder").contains(&"config".to_string()));
    assert!(lower(".rc and .arc").iter().all(|w| w != "config"));
}

#[test]
fn senses_depend_on_the_company_a_word_keeps() {
    assert!(lower("git checkout the release branch").contains(&"branch".to_string()));
    assert!(!lower("git checkout main").contains(&"checkout".to_string()));
    assert!(lower("add a checkout page with stripe").contains(&"checkout".to_string()));
    assert!(!lower("an internal server error").contains(&"internal".to_string()));
    assert!(lower("write the internal newsletter").contains(&"internal".to_string()));
    assert!(!lower("skip the rest of the tests").contains(&"rest".to_string()));
    assert!(lower("design a REST API").contains(&"rest".to_string()));
    // A TODO or doc comment is in the code, not a review's on a PR.
    assert!(!lower("add a todo comment above the retry loop").contains(&"comment".to_string()));
    assert!(lower("write docstring comments for utils.py").contains(&"code".to_string()));
    assert!(lower("address the review comments on my PR").contains(&"comments".to_string()));
}

#[test]
fn how_developers_describe_a_task_meets_how_skills_name_it() {
    for (text, group) in [
        ("strip PatientName from the CT slices", "=dicom"),
        ("are keys left in memory after free?", "=zeroize"),
        ("write the failing test first", "=test_driven_development"),
        (
            "servers someone clicked together in the console",
            "=unmanaged",
        ),
        ("does this SKILL.md do anything shady", "=malicious"),
        ("a note to all of engineering", "=internal_comms"),
        (
            "is the HMAC compare leaking timing info?",
            "=timing_side_channel",
        ),
        ("reviewer says I should inline it", "=review_feedback"),
        (
            "ok I think that's it, are we done?",
            "=claim_work_is_complete",
        ),
        (
            "find out why before changing anything",
            "=before_proposing_fixes",
        ),
        ("the crc check rejects every input", "=checksum"),
        ("all green on feature/export, merge it?", "=all_tests_pass"),
        ("4 unrelated test files failing", "=independent"),
        (
            "test_sync passes locally but fails on CI",
            "=unexpected_behavior",
        ),
        ("start issue 88 in a separate checkout", "=worktree"),
        (
            "the site looks like every other startup page",
            "=distinctive",
        ),
        (
            "turn these instructions into a reusable skill",
            "=create_a_skill",
        ),
        ("store locations as lat/lon and a shapefile", "=geospatial"),
        (
            "which parts of the decoder it never reaches",
            "=coverage_analysis",
        ),
        ("it reads like chatgpt wrote it", "=ai_writing"),
        ("harden deploy.sh", "=defensive"),
        (
            "you said it's fixed, did you actually run it?",
            "=claim_work_is_complete",
        ),
        ("user.email is undefined and I can't find where", "=debug"),
        ("flatlist janks on scroll in our RN app", "=mobile_app"),
        ("flatlist janks on scroll", "=performance"),
        ("turn the action items into a slack post", "=internal_comms"),
        ("what's on the page right now?", "=snapshot"),
    ] {
        let l = lower(text);
        assert!(l.contains(&group.to_string()), "{text}: {l:?}");
    }
}

#[test]
fn absorbing_groups_replace_their_phrase() {
    let l = lower("the on-call handoff");
    assert!(l.contains(&"=on_call".to_string()), "{l:?}");
    assert!(!l.contains(&"call".to_string()), "{l:?}");
    assert!(lower("too many API calls").contains(&"calls".to_string()));
    assert!(lower("how many users").contains(&"=count".to_string()));
}

#[test]
fn developer_wording_meets_the_wording_of_tools() {
    let has = |text: &str, term: &str| lower(text).contains(&term.to_string());
    assert!(has("mkdir docs/adr", "=create_directory"));
    assert!(has("Create a new directory", "=directory"));
    assert!(has("create_directory", "=create_directory"));
    assert!(has("keep in mind that Eve is on call", "=remember"));
    assert!(has("how large is the dump?", "=size"));
    assert!(has("clean up merged branches", "=cleanup"));
    assert!(has(
        "show the headers of that failing fetch",
        "=network_request"
    ));
    assert!(has("bump the deps", "=dependency"));
    // A version bump is an upgrade; opening a named file reads it;
    // looking at an image file reads the image.
    assert!(has("bumping from sdk 50 to 52", "upgrade"));
    assert!(!has("bump this thread", "upgrade"));
    assert!(has("open config/prod.yaml", "read"));
    assert!(!has("open the pricing page", "read"));
    assert!(has("look at docs/arch.png", "image"));
    // "rn" is React Native only in capitals ("need it rn" is "right now").
    assert!(!has("need it rn", "=mobile_app"));
}

#[test]
fn everyday_words_the_stemmer_folds_into_a_group_member_stay_everyday() {
    let has = |text: &str, term: &str| lower(text).contains(&term.to_string());
    // Each pair stems alike; only the first of each is the group's sense.
    for (group, yes, no) in [
        (
            "=internationalization",
            "localize the strings",
            "my local branches",
        ),
        ("=internationalization", "add a fr locale", "run it locally"),
        ("=idor", "authorization checks", "the commit author"),
        ("=production", "it broke in production", "our product page"),
        ("=a11y", "accessibility audit", "access the db"),
        (
            "=slides",
            "a presentation for the board",
            "present the results",
        ),
    ] {
        assert!(has(yes, group), "{yes:?} should yield {group}");
        assert!(!has(no, group), "{no:?} should not yield {group}");
    }
    // Found by stemming every word of the 523 real skills beside the
    // vocabulary's one-word members.
    for (group, yes, no) in [
        (
            "=spreadsheet",
            "export it to excel",
            "an excellent write-up",
        ),
        (
            "=performance",
            "the page performance",
            "perform the migration",
        ),
        (
            "=documentation",
            "update the documentation",
            "fill in this document",
        ),
        (
            "=dependency",
            "bump the dependency",
            "it depends on the user",
        ),
        ("=permission", "mark it executable", "execute the script"),
        (
            "=distinctive",
            "give it some personality",
            "one person per row",
        ),
        ("=distinctive", "a distinctive look", "select distinct ids"),
        (
            "=astronomy",
            "right ascension and declination",
            "the card was declined",
        ),
    ] {
        assert!(
            has(yes, group),
            "{yes:?} should yield {group}: {:?}",
            lower(yes)
        );
        assert!(
            !has(no, group),
            "{no:?} should not yield {group}: {:?}",
            lower(no)
        );
    }
    assert!(!has("how severe is it", "=several"));
    // A doc of a collection is a document; alone, documentation.
    assert!(has(
        "what does a doc in shop.orders look like, fields",
        "document"
    ));
    assert!(!has(
        "what does a doc in shop.orders look like, fields",
        "=documentation"
    ));
    assert!(has("update the doc for the cli", "=documentation"));
    assert!(!has("figure out why it fails", "=plot"));
    assert!(has("a figure for the paper", "=plot"));
}

#[test]
fn a_key_after_press_or_hit_is_a_key() {
    let l = lower("hit Enter in the search field");
    assert!(
        l.contains(&"key".to_string()) && !l.contains(&"enter".to_string()),
        "{l:?}"
    );
    assert!(lower("press Tab twice").contains(&"key".to_string()));
    let l = lower("open a second tab with the admin page");
    assert!(
        l.contains(&"tab".to_string()) && !l.contains(&"key".to_string()),
        "{l:?}"
    );
    assert!(lower("enter hunter2 into the password box").contains(&"enter".to_string()));
}

#[test]
fn a_word_that_starts_an_absorbing_phrase_keeps_no_other_sense() {
    // "set" beside "all" means updating many records...
    assert!(lower("set archived on all orders").contains(&"many".to_string()));
    // ...but "set up" is one verb, whatever else the message says.
    let setup = lower("set up afl++ on all 32 cores");
    assert!(!setup.contains(&"many".to_string()), "{setup:?}");
    assert!(setup.contains(&"=set_up".to_string()), "{setup:?}");
}
