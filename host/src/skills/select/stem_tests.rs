use super::stem;

#[test]
fn the_examples_of_the_porter_paper() {
    let cases = [
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("ties", "ti"),
        ("caress", "caress"),
        ("cats", "cat"),
        ("feed", "feed"),
        ("agreed", "agre"),
        ("plastered", "plaster"),
        ("bled", "bled"),
        ("motoring", "motor"),
        ("sing", "sing"),
        ("conflated", "conflat"),
        ("troubled", "troubl"),
        ("sized", "size"),
        ("hopping", "hop"),
        ("tanned", "tan"),
        ("falling", "fall"),
        ("hissing", "hiss"),
        ("fizzed", "fizz"),
        ("failing", "fail"),
        ("filing", "file"),
        ("happy", "happi"),
        ("sky", "sky"),
        ("relational", "relat"),
        ("conditional", "condit"),
        ("rational", "ration"),
        ("digitizer", "digit"),
        ("differentli", "differ"),
        ("vietnamization", "vietnam"),
        ("predication", "predic"),
        ("operator", "oper"),
        ("feudalism", "feudal"),
        ("decisiveness", "decis"),
        ("hopefulness", "hope"),
        ("callousness", "callous"),
        ("formaliti", "formal"),
        ("sensitiviti", "sensit"),
        ("sensibiliti", "sensibl"),
        ("triplicate", "triplic"),
        ("formative", "form"),
        ("formalize", "formal"),
        ("electriciti", "electr"),
        ("electrical", "electr"),
        ("hopeful", "hope"),
        ("goodness", "good"),
        ("revival", "reviv"),
        ("allowance", "allow"),
        ("inference", "infer"),
        ("airliner", "airlin"),
        ("gyroscopic", "gyroscop"),
        ("adjustable", "adjust"),
        ("defensible", "defens"),
        ("irritant", "irrit"),
        ("replacement", "replac"),
        ("adjustment", "adjust"),
        ("dependent", "depend"),
        ("adoption", "adopt"),
        ("communism", "commun"),
        ("activate", "activ"),
        ("angulariti", "angular"),
        ("homologous", "homolog"),
        ("effective", "effect"),
        ("bowdlerize", "bowdler"),
        ("probate", "probat"),
        ("rate", "rate"),
        ("cease", "ceas"),
        ("controll", "control"),
        ("roll", "roll"),
        ("generalizations", "gener"),
        ("oscillators", "oscil"),
    ];
    for (word, want) in cases {
        assert_eq!(stem(word), want, "stem of {word}");
    }
}

#[test]
fn word_forms_meet() {
    for w in ["configure", "configuring", "configured", "configuration"] {
        assert_eq!(stem(w), "configur", "{w}");
    }
    assert_eq!(stem("tests"), stem("testing"));
}

#[test]
fn short_and_non_ascii_words_are_kept() {
    assert_eq!(stem("is"), "is");
    assert_eq!(stem("k8s"), "k8s");
    assert_eq!(stem("données"), "données");
    assert_eq!(stem("s"), "s");
    assert_eq!(stem("ss"), "ss");
    assert_eq!(stem("sss"), "sss");
    assert_eq!(stem("ies"), "i");
    assert_eq!(stem("eed"), "eed");
    assert_eq!(stem("ying"), "ying");
}

#[test]
fn adding_is_add_not_ads() {
    assert_eq!(stem("adding"), "add");
    assert_eq!(stem("added"), "add");
    assert_eq!(stem("adds"), "add");
    assert_eq!(stem("ads"), "ad");
    // Other undoubled consonants stay as Porter has them.
    assert_eq!(stem("hopping"), "hop");
}
