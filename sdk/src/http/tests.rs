use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn parses_scheme_authority_and_path_with_query() {
    let u = url("https://API.Example.com/v1/items?limit=5#frag");
    assert_eq!(u.scheme, Scheme::Https);
    assert_eq!(u.authority, "API.Example.com");
    assert_eq!(u.host, "api.example.com");
    assert_eq!(u.port, None);
    assert_eq!(u.path_with_query, "/v1/items?limit=5");

    let u = url("http://127.0.0.1:8080");
    assert_eq!(
        (u.scheme, u.host.as_str(), u.port),
        (Scheme::Http, "127.0.0.1", Some(8080))
    );
    assert_eq!(u.path_with_query, "/");

    assert_eq!(url("http://h?q=1").path_with_query, "/?q=1");
    let u = url("http://[::1]:9/x");
    assert_eq!(
        (u.host.as_str(), u.port, u.authority.as_str()),
        ("[::1]", Some(9), "[::1]:9")
    );
    assert_eq!(url("HTTP://[::1]").port, None);
}

#[test]
fn rejects_urls_the_host_could_not_send_with_a_reason() {
    for (bad, reason) in [
        ("ftp://x/y", "http:// or https://"),
        ("example.com/x", "http:// or https://"),
        ("https:///x", "no host"),
        ("https://:80/", "no host"),
        ("https://h:99999/", "port"),
        ("https://h:x/", "port"),
        ("https://[::1]x/", "port"),
        ("https://user:pw@h/", "authorization header"),
        ("https://h/a b", "%20"),
    ] {
        match Url::parse(bad) {
            Err(HttpError::InvalidUrl { url, reason: r }) => {
                assert_eq!(url, bad);
                assert!(r.contains(reason), "{bad}: {r}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn send_checks_url_and_headers_before_anything_else() {
    let err = Request::get("nope").send().unwrap_err();
    assert!(matches!(err, HttpError::InvalidUrl { .. }));
    let err = Request::get("https://h/")
        .header("bad name", "v")
        .send()
        .unwrap_err();
    assert_eq!(
        err,
        HttpError::InvalidHeader {
            name: "bad name".into()
        }
    );
    let err = Request::get("https://h/")
        .header("x-ok", "line\r\nbreak")
        .send()
        .unwrap_err();
    assert_eq!(
        err,
        HttpError::InvalidHeader {
            name: "x-ok".into()
        }
    );
}

#[test]
fn outside_a_plugin_requests_are_unsupported() {
    assert_eq!(
        get("https://example.com/").unwrap_err(),
        HttpError::Unsupported
    );
}

#[test]
fn json_body_sets_the_content_type() {
    let r = Request::post("https://h/")
        .json(&serde_json::json!({"a": 1}))
        .unwrap();
    assert_eq!(r.body, br#"{"a":1}"#);
    assert_eq!(
        r.headers,
        vec![("content-type".into(), "application/json".into())]
    );
}

fn response(status: u16, body: &[u8]) -> Response {
    Response {
        url: "https://h/x".into(),
        status,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: body.to_vec(),
    }
}

#[test]
fn response_helpers_decode_and_check_status() {
    assert_eq!(
        response(200, b"hi").header("Content-Type"),
        Some("text/plain")
    );
    assert_eq!(response(200, b"hi").text().unwrap(), "hi");
    assert!(matches!(
        response(200, &[0xff]).text(),
        Err(HttpError::Decode { .. })
    ));
    let v: serde_json::Value = response(200, br#"{"a":1}"#).json().unwrap();
    assert_eq!(v["a"], 1);
    assert!(response(399, b"").error_for_status().is_ok());
    assert_eq!(
        response(404, b"").error_for_status().unwrap_err(),
        HttpError::Status {
            url: "https://h/x".into(),
            status: 404
        }
    );
}

#[test]
fn errors_become_failed_tool_errors_that_say_what_to_do() {
    let err: crate::ToolError = HttpError::Refused {
        host: "evil.example".into(),
    }
    .into();
    let crate::ToolError::Failed(msg) = err else {
        panic!("{err:?}")
    };
    assert!(
        msg.contains("`evil.example`") && msg.contains("[permissions] net"),
        "{msg}"
    );
}
