"""The English detector (untranslated.py) finds what reached a Spanish reader untranslated:
catalogue messages, knowledge texts the catalogue lacks, code and template text never marked,
in the text and in the attributes a person reads; it leaves declared English alone."""

from __future__ import annotations

from .untranslated import english_fragments, untranslated

# A knowledge text that is not a catalogue message (photos/data/methods.toml, a caveat).
CAVEAT = "Camera RGB bands are broad, unlike the narrow-band reflectometers the index was"
# Template text outside {% trans %} (clinic/staff.html: clinic pages may stay English).
UNMARKED = "It works once and expires on"


def test_knowledge_texts_and_unmarked_text_are_looked_for() -> None:
    fragments = english_fragments()
    assert any(f.startswith(CAVEAT) for f in fragments)
    assert UNMARKED in fragments
    assert untranslated(f"<p>Hola. {UNMARKED} 5 dic.</p>") == [UNMARKED]


def test_catalogue_english_is_found_in_text_and_shown_attributes() -> None:
    assert "Fever or chills" in untranslated("<p>Fever or chills?</p>")
    assert untranslated('<img alt="Fever or chills" src="x.png">') == ["Fever or chills"]
    assert untranslated('<a title="Bacterial infection" href="#">AE-01</a>') == [
        "Bacterial infection"
    ]
    assert untranslated("<p>¿Fiebre o escalofríos?</p>") == []


def test_declared_english_is_left_alone() -> None:
    # A published work's title, or the clinicians' reference, is English on purpose.
    assert untranslated('<p lang="en">Bacterial infection</p><p>Infección bacteriana</p>') == []
    # ...but the page's own language is no declaration.
    assert untranslated('<html lang="en"><p>Fever or chills</p></html>') == ["Fever or chills"]


def test_identifiers_are_no_sentences() -> None:
    assert untranslated("<p>Fuente: reference.md#AE-01</p>") == []
