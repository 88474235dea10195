"""Drug leaflets: every active and inactive heading opens its part, in the languages the parser
knows for leaflets (Spanish, French, Italian, German, English), and in either order."""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label


def _read(text: str) -> tuple[list[tuple[str, bool]], list[tuple[str, str]]]:
    result = check_label(text)
    items = [(i["raw"], i["recognized"]) for i in result["ingredients"]]
    return items, [(g["text"], g["reason"]) for g in result["ignored"]]


@pytest.mark.parametrize(
    ("text", "active", "first", "headings"),
    [
        (
            "Principio activo: peróxido de benzoilo 5%. Excipientes: agua purificada, carbómero",
            "peróxido de benzoilo 5%",
            "agua purificada",
            ["Principio activo:", "Excipientes:"],
        ),
        (
            "Principe actif : trétinoïne 0,05 %. Excipients : acide stéarique, eau purifiée",
            "trétinoïne 0,05 %",
            "acide stéarique",
            ["Principe actif :", "Excipients :"],
        ),
        (
            "Principio attivo: adapalene 0,1%. Eccipienti: carbomer, acqua depurata",
            "adapalene 0,1%",
            "carbomer",
            ["Principio attivo:", "Eccipienti:"],
        ),
        (
            "Wirkstoff: Adapalen 0,1 %. Sonstige Bestandteile: Carbomer, gereinigtes Wasser",
            "Adapalen 0,1 %",
            "Carbomer",
            ["Wirkstoff:", "Sonstige Bestandteile:"],
        ),
        (
            "Substances actives : adapalène 0,1 %. Excipients : carbomère, eau purifiée",
            "adapalène 0,1 %",
            "carbomère",
            ["Substances actives :", "Excipients :"],
        ),
    ],
)
def test_the_later_heading_of_a_leaflet_is_a_heading(
    text: str, active: str, first: str, headings: list[str]
) -> None:
    items, ignored = _read(text)
    assert items[0] == (active, True)
    assert items[1][0] == first  # never "Excipientes: agua purificada" as one unknown item
    assert [t for t, reason in ignored if reason == "heading"] == headings
    assert all(":" not in raw for raw, _ in items)


def test_an_inactive_part_before_the_active_one_keeps_its_names() -> None:
    """Printed the other way round, the inactive names are ingredients, not text before a list."""
    for text, names in (
        (
            "Inactive ingredients: water, carbomer. Active ingredient: benzoyl peroxide 5%",
            ["water", "carbomer", "benzoyl peroxide 5%"],
        ),
        (
            "Excipientes: agua purificada, carbómero. Principio activo: peróxido de benzoilo 5%.",
            ["agua purificada", "carbómero", "peróxido de benzoilo 5%"],
        ),
    ):
        result = check_label(text)
        assert [i["raw"] for i in result["ingredients"]] == names
        last = result["ingredients"][-1]
        assert last["name"] == "BENZOYL PEROXIDE" and last["percent"] == 5
        assert result["verdict"]["status"] == "avoid"
        assert all(g["reason"] == "heading" for g in result["ignored"])


def test_an_inactive_heading_that_opens_the_label_is_a_heading() -> None:
    items, ignored = _read("Inactive ingredients: water, glycerin, carbomer")
    assert items == [("water", True), ("glycerin", True), ("carbomer", True)]
    assert ignored == [("Inactive ingredients:", "heading")]


def test_a_word_of_a_heading_without_its_colon_is_no_heading() -> None:
    items, _ = _read("Aqua, Glycerin, Wirkstoffkomplex, Principio Activo Complex, Carbomer")
    assert ("Aqua", True) in items and ("Carbomer", True) in items
    assert any("Wirkstoffkomplex" in raw for raw, _ in items)


@pytest.mark.parametrize(
    "text",
    [
        "Excipientes: agua purificada, carbómero, propilenglicol, ácido esteárico",
        "Excipients : eau purifiée, carbomère, propylèneglycol, acide stéarique",
        "Eccipienti: acqua depurata, carbomero, glicole propilenico, acido stearico",
        "Sonstige Bestandteile: gereinigtes Wasser, Carbomer, Propylenglycol, Stearinsäure",
    ],
)
def test_a_leaflets_excipients_are_read_in_its_language(text: str) -> None:
    result = check_label(text)
    names = [i["name"] for i in result["ingredients"]]
    assert names == ["AQUA", "CARBOMER", "PROPYLENE GLYCOL", "STEARIC ACID"]


def test_an_excipient_name_in_another_language_is_never_a_typo_reading() -> None:
    """Read only as printed: one letter from 'Fenossietanolo', 'Idrossido di sodio' and
    'Miristato de isopropilo' is no reading of them (their sister compounds are not listed)."""
    result = check_label(
        "Aqua, Fenossietanola, Idrossido di sodia, Miristato de isopropila, Glycerin"
    )
    read = [(i["raw"], i["recognized"]) for i in result["ingredients"]]
    assert read == [
        ("Aqua", True),
        ("Fenossietanola", False),
        ("Idrossido di sodia", False),
        ("Miristato de isopropila", False),
        ("Glycerin", True),
    ]


def test_the_excipient_names_keep_every_spelling_insensitive_key_readable() -> None:
    """A name that differs from its INCI name only by accents or spaces shares its loose key;
    listed, it would make that key ambiguous and 'Phenoxye thanol' would be lost."""
    import tomllib

    from needlecare.ingredients.data import loose_index, read_data
    from needlecare.ingredients.text import loose_key

    groups = tomllib.loads(read_data("aliases.toml").decode("utf-8"))["groups"]
    (group,) = [g for g in groups if g["cite"] == ["ph_eur_excipients"]]
    for label_name, target in group["names"].items():
        assert loose_index().get(loose_key(label_name)) == label_name, label_name
        assert loose_index().get(loose_key(target)) == target, target
    assert check_label("Aqua, Phenoxye thanol")["ingredients"][1]["name"] == "PHENOXYETHANOL"
