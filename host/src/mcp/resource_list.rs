//! `resources/list` and `resources/templates/list`, paged by hand: a
//! server that answers a cursor it already gave (a paging fault) or pages
//! on and on is stopped with an error that says so, rather than asked
//! again until the tool timeout (rmcp's `list_all_*` follow the cursor
//! for as long as there is one).

use std::collections::HashSet;
use std::future::Future;

use rmcp::ServiceError;
use rmcp::model::{PaginatedRequestParams, Resource, ResourceTemplate};
use rmcp::service::{Peer, RoleClient};

/// Pages read at most, as for tools/list.
const MAX_PAGES: usize = 1000;

/// Why a listing stopped.
#[derive(Debug)]
pub(crate) enum ListError {
    /// The request failed.
    Request(ServiceError),
    /// The server's paging went wrong; the text says how.
    Paging(String),
}

/// Every resource the server lists.
pub(crate) async fn resources(peer: &Peer<RoleClient>) -> Result<Vec<Resource>, ListError> {
    pages("resources/list", |cursor| async move {
        let page = peer
            .list_resources(Some(PaginatedRequestParams::default().with_cursor(cursor)))
            .await?;
        Ok((page.resources, page.next_cursor))
    })
    .await
}

/// Every resource template the server lists.
pub(crate) async fn templates(peer: &Peer<RoleClient>) -> Result<Vec<ResourceTemplate>, ListError> {
    pages("resources/templates/list", |cursor| async move {
        let page = peer
            .list_resource_templates(Some(PaginatedRequestParams::default().with_cursor(cursor)))
            .await?;
        Ok((page.resource_templates, page.next_cursor))
    })
    .await
}

/// Reads the pages of `method` through `page` (cursor in, items and next
/// cursor out) until there is no next cursor.
async fn pages<T, F, Fut>(method: &str, mut page: F) -> Result<Vec<T>, ListError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), ServiceError>>,
{
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let (got, next) = page(cursor.take()).await.map_err(ListError::Request)?;
        items.extend(got);
        match next {
            Some(c) if !c.is_empty() => {
                if !seen.insert(c.clone()) {
                    return Err(ListError::Paging(format!(
                        "its {method} answered the cursor {} a second time (a paging fault of the server), so the list was cut off after {} pages",
                        super::http_failure::snippet(&format!("{c:?}")),
                        seen.len() + 1
                    )));
                }
                cursor = Some(c);
            }
            _ => return Ok(items),
        }
    }
    Err(ListError::Paging(format!(
        "its {method} went on for more than {MAX_PAGES} pages, so the list was cut off"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_repeated_cursor_stops_the_listing() {
        let mut asked = 0;
        let r = pages::<u8, _, _>("resources/list", |_| {
            asked += 1;
            async { Ok((vec![1], Some("same".to_string()))) }
        })
        .await;
        assert_eq!(asked, 2);
        match r {
            Err(ListError::Paging(why)) => assert!(why.contains("a second time"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn pages_are_read_until_no_cursor() {
        let r = pages::<usize, _, _>("resources/list", |c| async move {
            let n: usize = c.as_deref().unwrap_or("0").parse().unwrap_or(0);
            Ok((vec![n], (n < 3).then(|| (n + 1).to_string())))
        })
        .await;
        assert_eq!(r.unwrap(), vec![0, 1, 2, 3]);
    }
}
