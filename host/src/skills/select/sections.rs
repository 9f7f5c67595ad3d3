//! A skill's "When NOT to Use" sections, left out of what is indexed.
//!
//! Many public skills (46 of the 523 in `../shared/data/real-skills`) list
//! under such a heading the tasks they are not for, usually naming the
//! skill to use instead: indexed as body text, those words made the skill
//! rank for exactly the messages it sends elsewhere.

use std::borrow::Cow;

/// Whether a heading opens a section of what the skill is not for.
fn is_not_to_use(heading: &str) -> bool {
    let h = heading.to_lowercase();
    let h = h.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    [
        "when not to",
        "when to avoid",
        "do not use",
        "don't use",
        "when not",
    ]
    .iter()
    .any(|n| h.starts_with(n))
}

/// A Markdown heading line outside code: its level and text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    let level = t.chars().take_while(|&c| c == '#').count();
    let rest = &t[level..];
    if (1..=6).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
        Some((level, rest.trim().trim_end_matches('#').trim()))
    } else {
        None
    }
}

/// `body` without its "when not to use" sections. A section runs to the
/// next heading of its level or above; headings inside fenced code do not
/// count.
pub fn without_not_to_use(body: &str) -> Cow<'_, str> {
    if !body.to_ascii_lowercase().contains("not") {
        return Cow::Borrowed(body);
    }
    let mut rest = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    // The level of the open "when not to use" section.
    let mut skipping: Option<usize> = None;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        let mut fence_line = false;
        for marker in ["```", "~~~"] {
            if t.starts_with(marker) {
                fence_line = true;
                fence = match fence {
                    None => Some(marker),
                    Some(m) if m == marker => None,
                    other => other,
                };
            }
        }
        if fence.is_none()
            && !fence_line
            && let Some((level, text)) = heading(line)
            && skipping.is_none_or(|l| level <= l)
        {
            skipping = is_not_to_use(text).then_some(level);
        }
        if skipping.is_none() {
            rest.push_str(line);
        }
    }
    Cow::Owned(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_when_not_to_use_section_is_dropped_up_to_the_next_heading_of_its_level() {
        let body = "# Tool\nIntro.\n\n## When to Use This Skill\n- flaky tests\n\n\
                    ## When NOT to Use\n- styling CSS\n### Instead\nuse the css skill\n\n## Steps\n1. run\n";
        let rest = without_not_to_use(body);
        assert_eq!(
            rest,
            "# Tool\nIntro.\n\n## When to Use This Skill\n- flaky tests\n\n## Steps\n1. run\n"
        );
        let numbered = "## 2. When not to use\n- x\n# Next\ny\n";
        assert_eq!(without_not_to_use(numbered), "# Next\ny\n");
    }

    #[test]
    fn headings_in_code_and_other_sections_stay() {
        let body = "## Usage\nnot this\n```md\n## When not to use\ninside a fence\n```\nWhen not to use: inline\n";
        assert_eq!(without_not_to_use(body), body);
    }
}
