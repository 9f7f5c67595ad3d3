//! Claude Code's `mcp add` forms (`--transport http NAME URL`, a bare
//! URL, `-e KEY=V`, `-H 'K: V'`, `-s user`), which most MCP servers'
//! READMEs show, answered with quire's form of the same command instead
//! of clap's tips (whose `-- --transport` would store a server whose
//! program is `--transport`).

/// The refusal of `raw` (the arguments without the program name) when it
/// is `mcp add` written in Claude Code's form, with quire's form of it.
pub fn refusal(raw: &[String]) -> Option<String> {
    let at = raw
        .windows(2)
        .position(|w| w[0] == "mcp" && w[1] == "add")?;
    // `mcp` must be the subcommand: before it only options and their values.
    let before = &raw[..at];
    let only_options = before.iter().enumerate().all(|(i, a)| {
        a.starts_with('-') || i > 0 && super::typo::VALUED.contains(&before[i - 1].as_str())
    });
    if !only_options {
        return None;
    }
    let after = &raw[at + 2..];
    let end = after.iter().position(|a| a == "--").unwrap_or(after.len());
    let (own, command) = (&after[..end], after.get(end + 1..).unwrap_or_default());
    let mut words = own.iter();
    let (mut name, mut url, mut scope) = (None, None, None);
    let mut flags: Vec<String> = Vec::new();
    let mut rest: Vec<&str> = Vec::new();
    let mut claude = false;
    while let Some(a) = words.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| words.next().cloned());
        match flag {
            "--transport" | "-t" => {
                value();
                claude = true;
            }
            "-e" | "--env" => {
                claude |= flag == "-e";
                flags.push(format!("--env {}", quoted(&value().unwrap_or_default())));
            }
            "-H" | "--header" => {
                claude |= flag == "-H";
                let header = value().unwrap_or_default();
                // Claude's `K: V` is quire's `K=V`.
                let header = match header.split_once(':') {
                    Some((k, v)) if !header.contains('=') => format!("{}={}", k.trim(), v.trim()),
                    _ => header,
                };
                flags.push(format!("--header {}", quoted(&header)));
            }
            "-s" | "--scope" => {
                let v = value().unwrap_or_default();
                if flag == "--scope" || matches!(v.as_str(), "user" | "local" | "project") {
                    scope = Some(v);
                    claude = true;
                }
            }
            "--url" => url = value(),
            _ if a.starts_with('-') => {}
            _ if name.is_none() => name = Some(a.as_str()),
            _ if url.is_none() && (a.starts_with("http://") || a.starts_with("https://")) => {
                url = Some(a.clone());
                claude = true;
            }
            _ => {
                rest.push(a);
                claude = true;
            }
        }
    }
    if !claude {
        return None;
    }
    let name = name.unwrap_or("NAME");
    let mut fixed = format!("quire mcp add {name}");
    if let Some(url) = &url {
        fixed.push_str(&format!(" --url {}", quoted(url)));
    }
    for f in &flags {
        fixed.push(' ');
        fixed.push_str(f);
    }
    let program: Vec<&str> = rest
        .iter()
        .copied()
        .chain(command.iter().map(String::as_str))
        .collect();
    if url.is_none() {
        let shown: Vec<String> = program.iter().map(|w| quoted(w)).collect();
        fixed.push_str(&format!(
            " -- {}",
            if shown.is_empty() {
                "CMD ARGS...".into()
            } else {
                shown.join(" ")
            }
        ));
    }
    let scope = match scope {
        Some(_) => {
            "; quire mcp add writes your ~/.quire/config.toml (Claude's -s user), and a project's servers go in its .mcp.json, which quire reads"
        }
        None => "",
    };
    Some(format!(
        "error: that is Claude Code's form of `mcp add`; quire's is `quire mcp add NAME --url URL [--header K=V]` (HTTP) or `quire mcp add NAME [--env K=V] -- CMD ARGS...` (stdio): write {fixed}{scope}\n\nFor more information, try 'quire mcp add --help'."
    ))
}

/// `word` as one shell word: in single quotes when it holds anything
/// else than letters, digits and `-_=./:@,+`.
fn quoted(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=./:@,+".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    fn said(args: &str) -> Option<String> {
        refusal(&args.split(' ').map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn claude_forms_get_quires_form() {
        let s = said("mcp add --transport http docs http://127.0.0.1:8931/mcp").unwrap();
        assert!(
            s.contains("write quire mcp add docs --url http://127.0.0.1:8931/mcp"),
            "{s}"
        );
        let s = said("mcp add docs http://h/mcp").unwrap();
        assert!(
            s.contains("write quire mcp add docs --url http://h/mcp"),
            "{s}"
        );
        let s = said("mcp add fs -e KEY=1 -- npx x").unwrap();
        assert!(
            s.contains("write quire mcp add fs --env KEY=1 -- npx x"),
            "{s}"
        );
        let s = said("mcp add -s user fs -- npx x").unwrap();
        assert!(
            s.contains("write quire mcp add fs -- npx x; quire mcp add writes"),
            "{s}"
        );
        let s = said("mcp add --transport http api https://h/mcp -H Authorization:Bearer").unwrap();
        assert!(s.contains("--header Authorization=Bearer"), "{s}");
        assert!(said("mcp add fs -- npx x").is_none());
        assert!(said("mcp add docs --url http://h --header A=b").is_none());
        assert!(said("-s read-only mcp add fs -- npx x").is_none());
        assert!(said("exec how to mcp add docs http://h").is_none());
    }
}
