//! Client-side reading of the model server's SSE: parse the events and put
//! each wire API's response back together from its pieces, checking the
//! pieces agree with the summary events.

use serde_json::{Value, json};

use crate::support::model_server::Api;

#[derive(Debug)]
pub struct Sse {
    pub event: Option<String>,
    pub data: String,
}

impl Sse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
    pub fn name(&self) -> &str {
        self.event.as_deref().unwrap_or("")
    }
}

pub fn parse_sse(text: &str) -> Vec<Sse> {
    assert!(
        text.is_empty() || text.ends_with("\n\n"),
        "partial event in {text:?}"
    );
    let mut events = Vec::new();
    for block in text.split("\n\n").filter(|b| !b.is_empty()) {
        let (mut event, mut data) = (None, Vec::new());
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event: ") {
                event = Some(v.to_string());
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push(v);
            } else {
                panic!("unexpected SSE line {line:?}");
            }
        }
        events.push(Sse {
            event,
            data: data.join("\n"),
        });
    }
    events
}

/// A response put back together from its pieces, as a client would.
#[derive(Debug, Default)]
pub struct Assembled {
    pub text: String,
    /// Deltas of each text part.
    pub text_pieces: Vec<usize>,
    /// (id, name, arguments, number of argument deltas)
    pub calls: Vec<(String, String, Value, usize)>,
    pub usage: (u64, u64),
    pub finish: String,
    pub completed: bool,
}

pub fn assemble(api: Api, events: &[Sse]) -> Assembled {
    match api {
        Api::Responses => assemble_responses(events),
        Api::Chat => assemble_chat(events),
        Api::Anthropic => assemble_anthropic(events),
    }
}

fn assemble_responses(events: &[Sse]) -> Assembled {
    let mut a = Assembled::default();
    let mut args = String::new();
    let mut pieces = 0;
    for (i, e) in events.iter().enumerate() {
        let d = e.json();
        assert_eq!(d["type"], e.name());
        assert_eq!(d["sequence_number"], i, "sequence numbers count events");
        match e.name() {
            "response.created" => assert_eq!(d["response"]["model"], "m-1"),
            "response.output_item.added" if d["item"]["type"] == "message" => a.text_pieces.push(0),
            "response.output_text.delta" => {
                a.text.push_str(d["delta"].as_str().unwrap());
                *a.text_pieces.last_mut().unwrap() += 1;
            }
            "response.function_call_arguments.delta" => {
                args.push_str(d["delta"].as_str().unwrap());
                pieces += 1;
            }
            "response.output_item.done" if d["item"]["type"] == "function_call" => {
                let item = &d["item"];
                assert!(item["id"].as_str().unwrap().starts_with("fc_"));
                assert_eq!(item["arguments"], args.as_str(), "deltas add up");
                let parsed = serde_json::from_str(&args).unwrap();
                let (id, name) = (item["call_id"].as_str(), item["name"].as_str());
                a.calls
                    .push((id.unwrap().into(), name.unwrap().into(), parsed, pieces));
                (args, pieces) = (String::new(), 0);
            }
            "response.completed" => {
                let u = &d["response"]["usage"];
                a.usage = (
                    u["input_tokens"].as_u64().unwrap(),
                    u["output_tokens"].as_u64().unwrap(),
                );
                assert_eq!(u["total_tokens"].as_u64().unwrap(), a.usage.0 + a.usage.1);
                assert_eq!(u["input_tokens_details"]["cached_tokens"], 0);
                a.finish = d["response"]["status"].as_str().unwrap().into();
                a.completed = true;
            }
            _ => {}
        }
    }
    a
}

fn assemble_chat(events: &[Sse]) -> Assembled {
    let mut a = Assembled::default();
    let mut calls: Vec<(String, String, String, usize)> = Vec::new();
    for e in events {
        assert_eq!(e.event, None, "chat streams carry data lines only");
        if e.data == "[DONE]" {
            a.completed = true;
            continue;
        }
        assert!(!a.completed, "nothing after [DONE]");
        let d = e.json();
        if let Some(u) = d.get("usage").filter(|u| !u.is_null()) {
            assert_eq!(d["choices"], json!([]));
            a.usage = (
                u["prompt_tokens"].as_u64().unwrap(),
                u["completion_tokens"].as_u64().unwrap(),
            );
            assert_eq!(u["total_tokens"].as_u64().unwrap(), a.usage.0 + a.usage.1);
            continue;
        }
        assert_eq!(d["object"], "chat.completion.chunk");
        assert_eq!(d["model"], "m-1");
        let choice = &d["choices"][0];
        if let Some(text) = choice["delta"]["content"]
            .as_str()
            .filter(|t| !t.is_empty())
        {
            if a.text_pieces.is_empty() {
                a.text_pieces.push(0);
            }
            a.text.push_str(text);
            a.text_pieces[0] += 1;
        }
        for call in choice["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let index = call["index"].as_u64().unwrap() as usize;
            if let Some(id) = call["id"].as_str() {
                assert_eq!(index, calls.len(), "a new call takes the next index");
                assert_eq!(call["type"], "function");
                let name = call["function"]["name"].as_str().unwrap();
                calls.push((id.into(), name.into(), String::new(), 0));
            }
            let piece = call["function"]["arguments"].as_str().unwrap();
            if !piece.is_empty() {
                calls[index].2.push_str(piece);
                calls[index].3 += 1;
            }
        }
        if let Some(finish) = choice["finish_reason"].as_str() {
            a.finish = finish.into();
        }
    }
    for (id, name, args, pieces) in calls {
        a.calls
            .push((id, name, serde_json::from_str(&args).unwrap(), pieces));
    }
    a
}

fn assemble_anthropic(events: &[Sse]) -> Assembled {
    let mut a = Assembled::default();
    let mut open: Option<(Value, String, usize)> = None;
    for e in events {
        let d = e.json();
        assert_eq!(d["type"], e.name());
        match e.name() {
            "message_start" => {
                assert_eq!(d["message"]["model"], "m-1");
                a.usage.0 = d["message"]["usage"]["input_tokens"].as_u64().unwrap();
            }
            "content_block_start" => open = Some((d["content_block"].clone(), String::new(), 0)),
            "content_block_delta" => {
                let (_, acc, n) = open.as_mut().unwrap();
                let delta = &d["delta"];
                let piece = match delta["type"].as_str().unwrap() {
                    "text_delta" => delta["text"].as_str().unwrap(),
                    "input_json_delta" => delta["partial_json"].as_str().unwrap(),
                    other => panic!("unknown delta {other}"),
                };
                if !piece.is_empty() {
                    acc.push_str(piece);
                    *n += 1;
                }
            }
            "content_block_stop" => {
                let (block, acc, n) = open.take().unwrap();
                if block["type"] == "text" {
                    a.text.push_str(&acc);
                    a.text_pieces.push(n);
                } else {
                    assert_eq!(block["input"], json!({}));
                    let (id, name) = (block["id"].as_str(), block["name"].as_str());
                    let args = serde_json::from_str(&acc).unwrap();
                    a.calls
                        .push((id.unwrap().into(), name.unwrap().into(), args, n));
                }
            }
            "message_delta" => {
                a.finish = d["delta"]["stop_reason"].as_str().unwrap().into();
                a.usage.1 = d["usage"]["output_tokens"].as_u64().unwrap();
            }
            "message_stop" => a.completed = true,
            "ping" => {}
            other => panic!("unexpected event {other}"),
        }
    }
    a
}
