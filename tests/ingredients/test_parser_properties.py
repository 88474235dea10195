"""Property tests: the parser never crashes and never loses a name, whatever the printing."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.ingredients.parser import parse_label

# Common INCI names of every shape: digits, commas, slashes, hyphens, dots, brackets-free.
NAMES = [
    "AQUA",
    "GLYCERIN",
    "NIACINAMIDE",
    "1,2-HEXANEDIOL",
    "ACRYLATES/C10-30 ALKYL ACRYLATE CROSSPOLYMER",
    "CAPRYLIC/CAPRIC TRIGLYCERIDE",
    "C12-15 ALKYL BENZOATE",
    "ALCOHOL DENAT.",
    "PEG-100 STEARATE",
    "CETEARYL ALCOHOL",
    "SODIUM HYALURONATE",
    "CI 77491",
    "CI 77891",
    "TOCOPHERYL ACETATE",
    "BUTYROSPERMUM PARKII BUTTER",
    "SIMMONDSIA CHINENSIS SEED OIL",
    "PHENOXYETHANOL",
    "ETHYLHEXYLGLYCERIN",
    "DISODIUM EDTA",
    "XANTHAN GUM",
    "RETINOL",
    "SALICYLIC ACID",
    "ZINC OXIDE",
    "BIS-ETHYLHEXYLOXYPHENOL METHOXYPHENYL TRIAZINE",
    "POLYGLYCERYL-3 POLYRICINOLEATE",
    "HYDROXYETHYL ACRYLATE/SODIUM ACRYLOYLDIMETHYL TAURATE COPOLYMER",
    "CERAMIDE NP",
    "PANTHENOL",
    "LIMONENE",
    "SODIUM LAURETH SULFATE",
    "ASCORBYL GLUCOSIDE",
    "PARFUM",
    "DIMETHICONE",
    "CYCLOPENTASILOXANE",
    "SQUALANE",
]
SEPARATORS = [", ", ",", "; ", " ; ", "、", "，", "・", " • ", "\n", ",\n", " | ", " · "]
DECORATIONS = ["{}", "{}*", "*{}", "{} (2%)", "{} 0,5%", "{}**", "{} [nano]", "{}†", "{}¹"]
CASES = [str.upper, str.lower, str.title]


@st.composite
def printed_lists(draw: st.DrawFn) -> tuple[list[str], str]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=25, unique=True))
    parts = []
    for name in names:
        decoration = draw(st.sampled_from(DECORATIONS))
        case = draw(st.sampled_from(CASES))
        parts.append(decoration.format(case(name)))
    separator = draw(st.sampled_from(SEPARATORS))
    header = draw(
        st.sampled_from(["", "Ingredients: ", "INGREDIENTS:\n", "INCI: ", "Ingrédients : "])
    )
    tail = draw(
        st.sampled_from(["", ".", ". Free from parabens.", "\nMade in France.", " *organic"])
    )
    return names, header + separator.join(parts) + tail


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(printed_lists())
def test_every_printed_name_comes_back_recognised(case: tuple[list[str], str]) -> None:
    names, text = case
    result = check_label(text)
    recognised = [i["name"] for i in result["ingredients"] if i["recognized"]]
    for name in names:
        assert name in recognised, (name, text, recognised)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_crashes_on_any_text(text: str) -> None:
    parsed = parse_label(text)
    assert all(item.text for item in parsed.items)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_check_label_raises_only_not_an_ingredient_list(blob: bytes) -> None:
    with contextlib.suppress(NotAnIngredientList):
        check_label(blob)


LABEL_PIECES = st.sampled_from(
    [
        *"aqAQ ,;/()[]*%.-\n、・•+:0123456789CIl",
        "Aqua",
        "Glycerin",
        "CI 77491",
        "(and)",
        "may contain",
        "+/-",
        "Ingredients:",
        "Active ingredients:",
        "Inactive ingredients:",
        "Free from",
        "\u00ad",
        "[nano]",
        "Retinol",
        "Purpose",
        "Directions:",
        "<br>",
        "&amp;",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LABEL_PIECES, max_size=60))
def test_label_shaped_noise_raises_only_not_an_ingredient_list(pieces: list[str]) -> None:
    with contextlib.suppress(NotAnIngredientList):
        result = check_label("".join(pieces))
        assert result["verdict"]["status"] in ("recommended", "ok", "caution", "avoid")


def test_long_runs_of_white_space_keep_every_name() -> None:
    # Runs like these once made the parser's patterns quadratic (bench/fuzz_parsers.py).
    from needlecare.ingredients import check_label

    padded = "Aqua," + " " * 6000 + "Glycerin,\n" + "\n \t\n" * 2000 + "Panthenol"
    names = [item["name"] for item in check_label(padded)["ingredients"]]
    assert names == ["AQUA", "GLYCERIN", "PANTHENOL"]


HINT_WORDS = ["Ingredients:", "may contain", "Lot 12B", "activ", "excipient", "+/-", "±", "成分"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(NAMES + HINT_WORDS), st.text(min_size=0, max_size=12)),
        max_size=12,
    ),
    st.sampled_from([", ", " ", "", "\n", ";", " • "]),
)
def test_parsing_with_the_label_hints_is_parsing_without_them(parts: list[str], sep: str) -> None:
    """The per-label hint mask (parse_label) only skips patterns that could not match: the
    same text parsed with every pre-check searching (the mask unset) gives the same result."""
    from needlecare.ingredients import parser
    from needlecare.ingredients.text import clean_text, fix_colour_index

    text = sep.join(parts)
    with_mask = parse_label(text)
    assert with_mask == parser._parse(fix_colour_index(clean_text(text)))
