//! Markdown to styled, wrapped terminal lines (pulldown-cmark): headings,
//! emphasis, lists, quotes, links, tables and highlighted code blocks.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::highlight;
use super::style::Palette;
use super::table::{self, Table};
use super::wrap::{Keep, hard_wrap, wrap_as};

/// Starts the continued parts of a code line too long for the terminal.
const CONTINUED: &str = "↪ ";

/// Renders `md` for a terminal `width` columns wide.
pub fn render(md: &str, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    let mut r = Renderer {
        pal: *pal,
        width: usize::from(width.max(20)),
        out: Vec::new(),
        spans: Vec::new(),
        styles: vec![Style::new()],
        lists: Vec::new(),
        items: Vec::new(),
        item_prefix: None,
        quote: 0,
        code: None,
        table: None,
        links: Vec::new(),
        heading: None,
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for ev in Parser::new_ext(md, opts) {
        r.event(ev);
    }
    r.flush();
    while r.out.last().is_some_and(|l| l.spans.is_empty()) {
        r.out.pop();
    }
    r.out
}

struct Renderer {
    pal: Palette,
    width: usize,
    out: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// Open lists: the next number of an ordered one.
    lists: Vec<Option<u64>>,
    /// Open list items: the width of each one's bullet or number.
    items: Vec<usize>,
    item_prefix: Option<String>,
    quote: usize,
    code: Option<(String, String)>,
    table: Option<Table>,
    links: Vec<String>,
    heading: Option<HeadingLevel>,
}

impl Renderer {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, s: Style) {
        let merged = self.style().patch(s);
        self.styles.push(merged);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn indent(&self) -> String {
        let mut s = "│ ".repeat(self.quote);
        s.push_str(&"  ".repeat(self.lists.len().saturating_sub(1)));
        s
    }

    /// The indent of an open item's content after its first line (its
    /// next paragraphs, a code block in it): under the item's text.
    fn body_indent(&self) -> String {
        let mut s = self.indent();
        s.push_str(&" ".repeat(self.items.last().copied().unwrap_or(0)));
        s
    }

    fn blank(&mut self) {
        if self.out.last().is_some_and(|l| !l.spans.is_empty()) && self.lists.is_empty() {
            self.out.push(Line::default());
        }
    }

    /// Writes the pending inline text as a wrapped block.
    fn flush(&mut self) {
        if self.spans.is_empty() && self.item_prefix.is_none() {
            return;
        }
        let indent = self.indent();
        let dim = self.pal.dim();
        let (first, rest) = match self.item_prefix.take() {
            Some(p) => {
                let pad = " ".repeat(p.width());
                (
                    vec![
                        Span::styled(indent.clone(), dim),
                        Span::styled(p, self.pal.accent()),
                    ],
                    vec![Span::styled(format!("{indent}{pad}"), dim)],
                )
            }
            None => {
                let indent = self.body_indent();
                (
                    vec![Span::styled(indent.clone(), dim)],
                    vec![Span::styled(indent, dim)],
                )
            }
        };
        let spans = std::mem::take(&mut self.spans);
        self.out
            .extend(wrap_as(&spans, self.width, &first, &rest, Keep::URLS));
    }

    fn text(&mut self, t: &str) {
        if let Some((_, code)) = &mut self.code {
            code.push_str(t);
            return;
        }
        let style = self.style();
        self.inline().push(Span::styled(t.to_string(), style));
    }

    /// Where inline text goes: the table cell being read, or the block.
    fn inline(&mut self) -> &mut Vec<Span<'static>> {
        match &mut self.table {
            Some(t) => &mut t.cell,
            None => &mut self.spans,
        }
    }

    fn event(&mut self, ev: Event<'_>) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                let style = self.style().patch(self.pal.code());
                self.inline().push(Span::styled(t.to_string(), style));
            }
            // The model's line breaks are kept (as Codex CLI does): a
            // paragraph reads the same streamed, interrupted or whole.
            Event::SoftBreak => self.text("\n"),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.flush();
                self.blank();
                let w = self.width.min(60);
                self.out.push(Line::styled("─".repeat(w), self.pal.dim()));
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "[x] " } else { "[ ] " };
                self.text(mark);
            }
            Event::Html(t) | Event::InlineHtml(t) => self.text(&t),
            Event::FootnoteReference(t) => self.text(&format!("[{t}]")),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph if self.item_prefix.is_none() => {
                self.flush();
                self.blank();
            }
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.flush();
                self.blank();
                self.heading = Some(level);
                let hashes = "#".repeat(level as usize);
                self.spans
                    .push(Span::styled(format!("{hashes} "), self.pal.dim()));
                self.push_style(self.pal.heading());
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.blank();
                self.quote += 1;
                self.push_style(
                    self.pal
                        .dim()
                        .patch(Style::new().add_modifier(ratatui::style::Modifier::ITALIC)),
                );
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.blank();
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split([',', ' ']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let prefix = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let p = format!("{n}. ");
                        *n += 1;
                        p
                    }
                    _ => "• ".to_string(),
                };
                self.items.push(prefix.width());
                self.item_prefix = Some(prefix);
            }
            Tag::Emphasis => {
                self.push_style(Style::new().add_modifier(ratatui::style::Modifier::ITALIC))
            }
            Tag::Strong => self.push_style(self.pal.bold()),
            Tag::Strikethrough => {
                self.push_style(Style::new().add_modifier(ratatui::style::Modifier::CROSSED_OUT))
            }
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.push_style(self.pal.link());
            }
            Tag::Table(aligns) => {
                self.flush();
                self.blank();
                self.table = Some(Table {
                    rows: Vec::new(),
                    cell: Vec::new(),
                    header_rows: 0,
                    aligns,
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(t) = &mut self.table {
                    t.cell.clear();
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                self.pop_style();
                self.heading = None;
                self.flush();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.pop_style();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                if let Some((lang, code)) = self.code.take() {
                    let indent = self.body_indent();
                    // Long lines wrap (a dim mark starts each continued
                    // part): what is cut at the terminal's edge never
                    // reaches the scrollback.
                    let first = [Span::raw(indent.clone())];
                    let rest = [
                        Span::raw(indent.clone()),
                        Span::styled(CONTINUED, self.pal.dim()),
                    ];
                    // Tabs to spaces first: a tab in a cell shows as
                    // one space, and widths are measured without them.
                    let code = quire::tabs::expand(&code);
                    for line in highlight::code(&code, &lang, &self.pal) {
                        let parts = hard_wrap(&line.spans, self.width, &first, &rest);
                        self.out.extend(parts);
                    }
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.out.push(Line::default());
                }
            }
            TagEnd::Item => {
                self.flush();
                self.items.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some(url) = self.links.pop() {
                    let dim = self.pal.dim();
                    let spans = self.inline();
                    let shown: String = spans
                        .iter()
                        .rev()
                        .take(1)
                        .map(|s| s.content.to_string())
                        .collect();
                    if shown != url && !url.is_empty() {
                        spans.push(Span::styled(format!(" ({url})"), dim));
                    }
                }
            }
            TagEnd::TableCell => {
                if let Some(t) = &mut self.table {
                    let cell = table::finish_cell(std::mem::take(&mut t.cell));
                    if let Some(row) = t.rows.last_mut() {
                        row.push(cell);
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    let lines = table::lines(&t, self.width, &self.pal);
                    self.out.extend(lines);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_and_paragraphs_in_a_list_item_stay_under_its_text() {
        let md = "- list with code:\n\n  ```bash\n  echo \"inside list\"\n  ```\n\n  after it\n- second item\n\n1. numbered\n\n   ```\n   code in 1\n   ```\n";
        let texts: Vec<String> = render(md, 60, &Palette::new(false))
            .iter()
            .map(|l| l.to_string())
            .collect();
        let line = |what: &str| {
            texts
                .iter()
                .find(|t| t.contains(what))
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(line("inside list"), "  echo \"inside list\"", "{texts:#?}");
        assert_eq!(line("after it"), "  after it", "{texts:#?}");
        assert_eq!(line("second item"), "• second item", "{texts:#?}");
        assert_eq!(line("code in 1"), "   code in 1", "{texts:#?}");
    }

    #[test]
    fn long_code_lines_wrap_with_nothing_lost() {
        let code = format!("{}TAILMARK{}", "X".repeat(90), "Y".repeat(50));
        let md = format!("Here:\n\n```sh\n{code}\n  short\n```\n");
        let lines = render(&md, 60, &Palette::new(false));
        let texts: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert!(
            lines.iter().all(|l| l.width() <= 60),
            "every line fits: {texts:#?}"
        );
        let joined: String = texts
            .iter()
            .skip_while(|t| !t.contains('X'))
            .take_while(|t| !t.contains("short"))
            .map(|t| t.trim_start().trim_start_matches(CONTINUED))
            .collect();
        assert_eq!(joined, code, "{texts:#?}");
        assert!(texts[3].trim_start().starts_with(CONTINUED), "{texts:#?}");
        assert!(texts.iter().any(|t| t.ends_with("  short")), "{texts:#?}");
    }
}
