//! `tools/list`, read one tool at a time: a server whose list holds one
//! tool quire cannot read (an `inputSchema` that is not an object, a
//! missing name) keeps its other tools, and the one left out is named.
//! rmcp's own `list_all_tools` fails the whole list instead.

use rmcp::model::{
    ClientRequest, CustomResult, ListToolsRequest, PaginatedRequestParams, ServerResult, Tool,
};
use rmcp::service::{Peer, RoleClient};
use serde_json::Value;

/// Pages read at most: a server answering the same cursor forever ends.
const MAX_PAGES: usize = 1000;

/// Every tool the server lists, and one line for each it lists that
/// cannot be read.
pub(crate) async fn list_tools(
    peer: &Peer<RoleClient>,
) -> Result<(Vec<Tool>, Vec<String>), String> {
    let mut tools = Vec::new();
    let mut skipped = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let params = PaginatedRequestParams::default().with_cursor(cursor.take());
        let answer = peer
            .send_request(ClientRequest::ListToolsRequest(
                ListToolsRequest::with_param(params),
            ))
            .await
            .map_err(|e| crate::errors::plain(&e))?;
        let next = match answer {
            ServerResult::ListToolsResult(page) => {
                tools.extend(page.tools);
                page.next_cursor
            }
            // What rmcp could not read as a whole list.
            ServerResult::CustomResult(CustomResult(page)) => {
                read_page(&page, &mut tools, &mut skipped)?
            }
            _ => return Err("the server answered tools/list with something else".into()),
        };
        match next {
            Some(c) if !c.is_empty() => cursor = Some(c),
            _ => return Ok((tools, skipped)),
        }
    }
    Err(format!(
        "tools/list went on for more than {MAX_PAGES} pages"
    ))
}

/// The tools of one page given as JSON, each read on its own; the next
/// cursor.
fn read_page(
    page: &Value,
    tools: &mut Vec<Tool>,
    skipped: &mut Vec<String>,
) -> Result<Option<String>, String> {
    let list = page
        .get("tools")
        .and_then(Value::as_array)
        .ok_or("the answer to tools/list has no `tools` list")?;
    for (n, entry) in list.iter().enumerate() {
        match serde_json::from_value::<Tool>(entry.clone()) {
            Ok(t) => tools.push(t),
            Err(e) => {
                let name = entry
                    .get("name")
                    .and_then(Value::as_str)
                    .map(|s| format!("'{s}'"))
                    .unwrap_or_else(|| format!("number {}", n + 1));
                skipped.push(format!("tool {name} cannot be used: {e}"));
            }
        }
    }
    Ok(page
        .get("nextCursor")
        .and_then(Value::as_str)
        .map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::read_page;
    use serde_json::json;

    #[test]
    fn a_tool_that_cannot_be_read_is_named_and_the_others_kept() {
        let page = json!({"tools": [
            {"name": "good", "inputSchema": {"type": "object"}},
            {"name": "bad", "inputSchema": "a string"},
            {"inputSchema": {"type": "object"}},
            {"name": "also_good", "description": "d", "inputSchema": {"type": "object", "properties": {}}}
        ], "nextCursor": "p2"});
        let (mut tools, mut skipped) = (Vec::new(), Vec::new());
        let next = read_page(&page, &mut tools, &mut skipped).unwrap();
        assert_eq!(next.as_deref(), Some("p2"));
        let names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
        assert_eq!(names, ["good", "also_good"]);
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(
            skipped[0].starts_with("tool 'bad' cannot be used"),
            "{skipped:?}"
        );
        assert!(
            skipped[1].starts_with("tool number 3 cannot be used"),
            "{skipped:?}"
        );
        assert!(read_page(&json!({}), &mut tools, &mut skipped).is_err());
    }
}
