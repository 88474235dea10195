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
