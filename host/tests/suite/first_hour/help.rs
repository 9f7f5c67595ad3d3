//! Every `--help` page teaches: examples, its own options before the
//! global ones, every positional argument described. Completions and the
//! man page come from the same command tree.

use crate::support::quire::TestEnv;

/// The subcommand names listed under "Commands:" in a help page.
fn subcommands(page: &str) -> Vec<String> {
    let Some(start) = page.find("\nCommands:\n") else {
        return Vec::new();
    };
    page[start + 11..]
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect()
}

/// The lines of the section `heading` (up to the next heading).
fn section<'a>(page: &'a str, heading: &str) -> Vec<&'a str> {
    let Some(start) = page.find(&format!("\n{heading}:\n")) else {
        return Vec::new();
    };
    page[start + heading.len() + 3..]
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect()
}

#[test]
fn every_help_page_has_examples_own_options_first_and_described_arguments() {
    let env = TestEnv::new("chat");
    let mut queue: Vec<Vec<String>> = subcommands(&env.run(&["--help"]).stdout)
        .into_iter()
        .map(|c| vec![c])
        .collect();
    assert!(queue.len() >= 10, "{queue:?}");
    let mut pages = 0;
    while let Some(path) = queue.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = env.run(&args);
        assert_eq!(run.code, 0, "{path:?}: {}", run.stderr);
        let page = run.stdout;
        pages += 1;
        assert!(
            page.contains("\nExamples:\n"),
            "{path:?} has no examples:\n{page}"
        );
        let global = page.find("\nGlobal options:\n");
        assert!(
            global.is_some(),
            "{path:?}: no Global options heading:\n{page}"
        );
        if let Some(own) = page.find("\nOptions:\n") {
            assert!(
                own < global.unwrap_or(0),
                "{path:?}: own options come first:\n{page}"
            );
        }
        // Global options are listed once, under their heading.
        assert_eq!(
            page.matches("--provider <NAME>").count(),
            1,
            "{path:?}:\n{page}"
        );
        let args = section(&page, "Arguments");
        for (i, line) in args.iter().enumerate() {
            let t = line.trim();
            if line.starts_with("  <") || line.starts_with("  [") {
                // The description follows on the line, or below it (long help).
                let inline = t
                    .split_once("  ")
                    .is_some_and(|(_, d)| !d.trim().is_empty());
                let below = args
                    .get(i + 1)
                    .is_some_and(|n| n.starts_with("    ") && !n.trim().is_empty());
                assert!(
                    inline || below,
                    "{path:?}: undescribed argument {t:?}:\n{page}"
                );
            }
        }
        for sub in subcommands(&page) {
            let mut p = path.clone();
            p.push(sub);
            queue.push(p);
        }
    }
    assert!(pages > 25, "only {pages} pages");
}

#[test]
fn mcp_help_lists_serve() {
    let env = TestEnv::new("chat");
    let run = env.run(&["mcp", "--help"]);
    assert!(
        subcommands(&run.stdout).contains(&"serve".to_string()),
        "{}",
        run.stdout
    );
}

#[test]
fn completions_and_man_pages() {
    let env = TestEnv::new("chat");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = env.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["doctor", "skills", "serve"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let run = env.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    let run = env.run(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH quire"), "{}", run.stdout);
    let dir = tempfile::tempdir().unwrap();
    let run = env.run(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("quire.1").is_file());
    assert!(dir.path().join("quire-doctor.1").is_file());
}

/// `quire completions bash | head -1`, `quire man | head -1`: the reader
/// goes away; quire ends quietly with 0, as every printing command does
/// (it used to panic in clap_complete, and `man` reported an error).
#[test]
fn completions_and_man_to_a_closed_pipe_end_quietly() {
    let env = TestEnv::new("chat");
    let commands: [&[&str]; 3] = [&["completions", "bash"], &["completions", "fish"], &["man"]];
    for args in commands {
        // The reading end is closed before quire starts: its first write
        // fails, deterministically.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = env.command(args);
        cmd.stdout(writer);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "quire {args:?}: {stderr}");
        assert_eq!(stderr, "", "quire {args:?}");
    }
}

/// The aliases a help page's "Commands:" section shows for `name`.
fn aliases(page: &str, name: &str) -> Vec<String> {
    page.lines()
        .filter(|l| l.split_whitespace().next() == Some(name))
        .filter_map(|l| l.split_once("[alias").map(|(_, a)| a))
        .flat_map(|a| {
            a.trim_start_matches("es")
                .trim_start_matches(':')
                .trim_end_matches(']')
                .split(',')
                .map(|w| w.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A summary like "Agent Skills: list, show, new" in `quire --help` (and
/// atop the command's own page) names exactly its subcommands.
#[test]
fn command_summaries_name_the_real_subcommands() {
    let env = TestEnv::new("chat");
    let top = env.run(&["--help"]).stdout;
    let mut checked = 0;
    for line in section(&top, "Commands") {
        let mut parts = line.trim().splitn(2, ' ');
        let (Some(name), Some(summary)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some((_, list)) = summary.rsplit_once(": ") else {
            continue;
        };
        let words: Vec<&str> = list.trim_end_matches('.').split(", ").collect();
        let plain = |w: &&str| w.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        if words.len() < 2 || !words.iter().all(plain) {
            continue;
        }
        let page = env.run(&[name, "--help"]).stdout;
        let subs = subcommands(&page);
        for w in &words {
            let known = subs
                .iter()
                .any(|s| s == w || aliases(&page, s).iter().any(|a| a == w));
            assert!(known, "`quire --help` says {name} has {w}:\n{page}");
        }
        for s in &subs {
            let named = words.contains(&s.as_str())
                || aliases(&page, s)
                    .iter()
                    .any(|a| words.contains(&a.as_str()));
            assert!(named, "{name}'s summary {summary:?} leaves out {s}");
        }
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} summaries checked:\n{top}");
}

#[test]
fn create_is_new_for_skills_and_agents() {
    let env = TestEnv::new("chat");
    let run = env.run(&["skills", "create", "release-notes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.repo_path()
            .join(".quire/skills/release-notes/SKILL.md")
            .is_file()
    );
    let run = env.run(&["agents", "create", "test-runner"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.repo_path()
            .join(".quire/agents/test-runner.md")
            .is_file()
    );
}

/// The subcommand list sends to `exec --help` for more; the exec page
/// itself (which lists the exit codes) does not send to itself.
#[test]
fn the_exec_page_does_not_send_to_itself() {
    let env = TestEnv::new("chat");
    let list = env.run(&["--help"]);
    assert!(list.stdout.contains("more under --help"), "{}", list.stdout);
    let page = env.run(&["exec", "--help"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(
        !page.stdout.contains("more under --help"),
        "{}",
        page.stdout
    );
    assert!(page.stdout.contains("Exit codes:"), "{}", page.stdout);
}
