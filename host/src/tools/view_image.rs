//! `view_image`: the model looks at an image file (a screenshot a test
//! wrote, a plot a script made). The file is read as `read_file` reads
//! (any path the process can read, relative ones from the cwd) and checked
//! as an image attached with `-i` is ([`crate::images::Image::load_as`]);
//! the result's text says what was attached and its structured part
//! carries the image, which the turn records as an [`Item::Image`] after
//! the calls' results (agent/tool_images.rs). Before it says so, the
//! image is checked against what the session's model takes ([`Intake`]:
//! the wire's limits, a model that refused images, the room left for
//! images in one request): one that cannot be sent fails the call, so its status (✗, `failed`) tells the truth.

use std::sync::{Arc, Mutex};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::typed::{Typed, TypedTool};
use super::{CallResult, ToolContext, ToolError, ToolOutput};
use crate::images::Image;
use crate::images::budget::Room;
use crate::model::{Item, WireApi};

pub const NAME: &str = "view_image";

/// The key of the structured result that carries the image (an
/// [`Item::Image`] as JSON).
pub const IMAGE_KEY: &str = "image";

const DESCRIPTION: &str = "Look at an image file: a PNG, JPEG, GIF or WebP image (up to 20 MiB) \
is attached to the conversation after this call's result, so you see it (a screenshot a test \
wrote, a plot a script made). Give its path, absolute or relative to the working directory. \
Text files are refused; read them with read_file.";

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The image file, absolute or relative to the working directory.
    path: String,
}

/// The `view_image` tool ([`ViewImage`] as a [`super::Tool`]).
pub type ViewImageTool = Typed<ViewImage>;

#[derive(Default)]
pub struct ViewImage {
    intake: Arc<Intake>,
}

impl ViewImage {
    /// The tool of a session, checking images against `intake`.
    pub fn taking(intake: Arc<Intake>) -> ViewImageTool {
        Typed::of(ViewImage { intake })
    }
}

/// What the session's model takes of images, set by the session before
/// each round of calls: its wire, whether it refused an image earlier,
/// and the room the round's images have in one request (`images::budget`).
/// Unset (the tool used on its own): nothing is checked.
#[derive(Debug, Default)]
pub struct Intake(Mutex<Option<(WireApi, bool, Room)>>);

impl Intake {
    pub fn set(&self, wire: WireApi, refused: bool) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some((wire, refused, Room::new(wire)));
        }
    }

    fn refusal(&self, image: &Image) -> Option<String> {
        let mut guard = self.0.lock().ok()?;
        let (wire, refused, room) = guard.as_mut()?;
        refusal(image, *wire, *refused).or_else(|| room.take(&image.name, image.bytes.len()).err())
    }
}

/// Why `image` cannot reach a model on `wire` (`refused`: the model
/// refused an image before), or `None` when it can.
pub fn refusal(image: &Image, wire: WireApi, refused: bool) -> Option<String> {
    if refused {
        return Some(format!(
            "{} not attached: this model takes no images (it refused one earlier in this session); view_image cannot show images with it",
            image.name
        ));
    }
    image
        .check_for(wire, &image.name)
        .err()
        .map(|e| e.to_string())
}

impl TypedTool for ViewImage {
    type Args = Args;
    const NAME: &'static str = NAME;
    const DESCRIPTION: &'static str = DESCRIPTION;
    const READ_ONLY: bool = true;
    const DESTRUCTIVE: bool = false;

    async fn run(&self, args: Args, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let resolved = ctx.resolve(&args.path);
        let shown = args.path.clone();
        let image = tokio::task::spawn_blocking(move || Image::load_as(&resolved, &shown))
            .await
            .map_err(|e| ToolError::Failed(format!("reading {}: {e}", args.path)))?
            .map_err(|e| ToolError::Failed(e.to_string()))?;
        if let Some(why) = self.intake.refusal(&image) {
            return Err(ToolError::Failed(why));
        }
        let item = serde_json::to_value(image.item())
            .map_err(|e| ToolError::Failed(format!("{}: {e}", args.path)))?;
        Ok(ToolOutput {
            text: attached_text(&image),
            structured: Some(json!({ IMAGE_KEY: item })),
            is_error: false,
        })
    }
}

/// `attached image shot.png, 1280×720 PNG, 84 KiB` (without the size in
/// pixels when the header does not say it).
fn attached_text(image: &Image) -> String {
    let format = image
        .media_type
        .trim_start_matches("image/")
        .to_ascii_uppercase();
    let pixels = crate::images::dimensions(&image.bytes)
        .map(|(w, h)| format!("{w}×{h} "))
        .unwrap_or_default();
    format!(
        "attached image {}, {pixels}{format}, {}; it follows this result",
        image.name,
        crate::plural::size_in_words(image.bytes.len() as u64)
    )
}

/// The image a call of `view_image` that went well brought; `None` for
/// another tool's call or a failed one.
pub fn attached(r: &CallResult) -> Option<Item> {
    (r.name == NAME && !r.is_error)
        .then(|| image_of(r.structured.as_ref()))
        .flatten()
}

/// The image a `view_image` result's structured part carries.
fn image_of(structured: Option<&Value>) -> Option<Item> {
    let value = structured?.get(IMAGE_KEY)?;
    match serde_json::from_value::<Item>(value.clone()).ok()? {
        image @ Item::Image { .. } => Some(image),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::Tool;

    #[tokio::test]
    async fn an_image_is_carried_and_a_text_file_named_png_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        std::fs::write(dir.path().join("shot.png"), &png).unwrap();
        std::fs::write(dir.path().join("notes.png"), "just text").unwrap();
        let tool = ViewImageTool::new();
        let ctx = ToolContext::standalone(dir.path());

        let out = tool.call(json!({"path": "shot.png"}), &ctx).await.unwrap();
        assert_eq!(
            out.text,
            "attached image shot.png, 640×480 PNG, 24 bytes; it follows this result"
        );
        let Some(Item::Image {
            name, media_type, ..
        }) = image_of(out.structured.as_ref())
        else {
            panic!("no image in {:?}", out.structured);
        };
        assert_eq!(
            (name.as_str(), media_type.as_str()),
            ("shot.png", "image/png")
        );

        let err = tool
            .call(json!({"path": "notes.png"}), &ctx)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("notes.png is not a PNG, JPEG, GIF or WebP"),
            "{err}"
        );
    }
}
