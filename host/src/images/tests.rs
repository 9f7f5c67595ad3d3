use super::*;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[test]
fn the_bytes_say_the_type() {
    assert_eq!(media_type(PNG), Some("image/png"));
    assert_eq!(media_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
    assert_eq!(media_type(b"GIF89a.."), Some("image/gif"));
    assert_eq!(media_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
    assert_eq!(media_type(b"RIFF\0\0\0\0WAVEfmt "), None);
    assert_eq!(media_type(b"not an image"), None);
    assert_eq!(media_type(b""), None);
}

#[test]
fn an_item_carries_base64_and_its_size_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shot.png");
    std::fs::write(&path, PNG).unwrap();
    let image = Image::load(&path).unwrap();
    assert_eq!(image.name, "shot.png");
    let Item::Image {
        name,
        media_type,
        data,
    } = image.item()
    else {
        panic!("not an image item");
    };
    assert_eq!(
        (name.as_str(), media_type.as_str()),
        ("shot.png", "image/png")
    );
    assert_eq!(decoded_len(&data), PNG.len() as u64);
    assert_eq!(base64_len(PNG.len()), data.len() as u64);
}

#[test]
fn anthropic_refuses_what_others_take() {
    let image = Image {
        name: "big.png".into(),
        media_type: "image/png",
        bytes: vec![0; 4 * 1024 * 1024],
    };
    assert!(image.check_for(WireApi::Responses, "big.png").is_ok());
    let err = image.check_for(WireApi::Anthropic, "big.png").unwrap_err();
    assert!(
        err.to_string()
            .contains("Anthropic's API refuses images over 5 MB"),
        "{err}"
    );
}

#[test]
fn an_item_gives_its_image_back() {
    let image = Image {
        name: "shot.png".into(),
        media_type: "image/png",
        bytes: PNG.to_vec(),
    };
    assert_eq!(Image::from_item(&image.item()), Some(image));
    let text = Item::User {
        typed: None,
        text: "hi".into(),
    };
    assert_eq!(Image::from_item(&text), None);
}

#[test]
fn over_the_limit_says_by_how_much() {
    let err = too_big("huge.png".into(), 21_000_008).to_string();
    assert!(
        err.contains(
            "image huge.png is 21,000,008 bytes (20.03 MiB), over quire's limit of 20 MiB (20,971,520 bytes)"
        ),
        "{err}"
    );
}
