"""One check-in schema: the validator, the API models, the form and the labels all derive from
needlecare.triage.vocabulary. Each test here fails when a copy drifts from it."""

from __future__ import annotations

import typing
from typing import Any

from needlecare.triage import validate
from needlecare.triage.engine import raw_rules
from needlecare.triage.vocabulary import (
    AREAS,
    BREAKOUT_KINDS,
    FLAGS,
    HISTORY,
    MAX_BREAKOUTS,
    MAX_PRODUCTS,
    MAX_TEXT,
    SCORE_LABELS,
    SCORES,
    SIGNS,
    WORSE_CHOICES,
    answers_as_given,
    label_for,
)
from needlecare.web.api.schemas import care
from needlecare.web.pages import checkin_form, checkin_questions, vocab

MORE = {"temperature", "other", "worse_than_yesterday", "bleeding_with_pressure"}


def _limit(field: Any, name: str) -> Any:
    return next(getattr(m, name) for m in field.metadata if hasattr(m, name))


def test_the_api_model_has_every_answer_with_the_same_limits() -> None:
    fields = care.Symptoms.model_fields
    assert set(fields) == {*SCORES, "breakouts", *FLAGS, *MORE}
    for name, top in SCORES.items():
        assert (_limit(fields[name], "ge"), _limit(fields[name], "le")) == (0, top), name
    assert _limit(care.Breakouts.model_fields["count"], "le") == MAX_BREAKOUTS
    kind = care.Breakouts.model_fields["kind"].annotation
    assert set(typing.get_args(typing.get_args(kind)[0])) == set(BREAKOUT_KINDS)
    products = care.CheckinIn.model_fields["products"]
    assert _limit(products, "max_length") == MAX_PRODUCTS
    item = typing.get_args(products.annotation)[0]
    assert _limit(typing.get_args(item)[1], "max_length") == MAX_TEXT
    worse = typing.get_args(fields["worse_than_yesterday"].annotation)[0]
    assert typing.get_args(worse) == WORSE_CHOICES
    assert set(typing.get_args(care.Area)) == set(AREAS)


def test_the_validator_knows_exactly_the_same_answers() -> None:
    assert {*SCORES, "breakouts", *FLAGS, *MORE} == validate._SYMPTOMS
    assert (validate.MAX_BREAKOUTS, validate.MAX_PRODUCTS, validate.MAX_TEXT) == (
        MAX_BREAKOUTS,
        MAX_PRODUCTS,
        MAX_TEXT,
    )


def _asked(questions: list[dict[str, Any]]) -> list[str]:
    found = []
    for question in questions:
        found.append(question["name"])
        found.extend(_asked(question.get("followups", [])))
    return found


def test_the_form_asks_every_sign_once_with_the_same_limits() -> None:
    asked = _asked(checkin_questions.RED_FLAG_QUESTIONS + checkin_questions.COMMON_QUESTIONS)
    assert sorted(asked) == sorted(FLAGS) and len(asked) == len(set(asked))
    assert checkin_questions.SCORE_MAX == SCORES
    assert [q["name"] for q in checkin_questions.SCORE_QUESTIONS] == list(SCORES)
    for question in checkin_questions.SCORE_QUESTIONS:
        assert len(question["options"]) == SCORES[question["name"]] + 1
    assert set(BREAKOUT_KINDS) == checkin_questions.BREAKOUT_KIND_VALUES
    assert checkin_form.MAX_PRODUCTS_CHARS == MAX_TEXT
    assert [o["value"] for o in checkin_questions.WORSE_OPTIONS] == list(WORSE_CHOICES)


def test_the_pages_labels_come_from_the_vocabulary() -> None:
    assert [o["value"] for o in vocab.HISTORY] == list(HISTORY)
    assert validate.HISTORY == HISTORY and validate.AREAS == AREAS


def test_every_sign_can_escalate_through_a_rule() -> None:
    """A sign that no rule reads is a sign that triage can never escalate."""
    text = repr(raw_rules()["rule"]) + repr(raw_rules()["macros"])
    unread = [sign.name for sign in SIGNS if f"'{sign.name}'" not in text]
    assert unread == ["worsening"]  # read as every symptom worse, through the `worse` fact
    assert "'worse'" in text


def test_every_answer_has_plain_words() -> None:
    answers: dict[str, Any] = {name: top for name, top in SCORES.items()}
    answers.update(dict.fromkeys(FLAGS, True))
    answers.update(
        breakouts={"count": 5, "kind": "pustules", "outside_treated_area": True},
        temperature={"value": 38.4, "unit": "C"},
        worse_than_yesterday=["pain", "flaking"],
        bleeding_with_pressure="does_not_stop",
        other="my ear hurts",
    )
    rows = dict(answers_as_given(answers))
    assert set(rows) == set(answers)
    for field, words in rows.items():
        assert "_" not in words.split(":")[0], (field, words)  # never a raw code
    assert rows["other"].endswith("my ear hurts")
    assert label_for("fever") == "Fever or chills: yes"
    assert "Pus-filled spots".lower() in rows["breakouts"]
    assert answers_as_given({"flaking": False, "pain": 0}) == []
    assert answers_as_given({"sneezing": True}) == [("sneezing", "Sneezing: True")]


def test_the_charts_use_the_same_scores_limits_and_labels() -> None:
    from needlecare.charts import SYMPTOM_MEASURES

    charted = {measure.key: measure for measure in SYMPTOM_MEASURES}
    for key in ("redness", "swelling", "pain"):
        assert charted[key].maximum == SCORES[key], charted[key]
        assert charted[key].label == SCORE_LABELS[key], charted[key]
