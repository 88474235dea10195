"""The check-in's error summary names each question once, and many questions that share one
message as one line (outside tester, round 3): a patient who scrolled past the warning signs
got twenty-two identical lines before the form, three phone screens of them."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import World
from needlecare.web.pages.checkin_form import summary_groups
from needlecare.web.pages.checkin_questions import RED_FLAG_QUESTIONS

from .conftest import login, post_form, stored

WARNING_SIGNS = [q["name"] for q in RED_FLAG_QUESTIONS]
SCORES = {"redness": "1", "swelling": "0", "pain": "2", "itch": "0", "warning_signs_asked": "1"}


def _summary(page: str) -> list[str]:
    block = re.search(r'<div class="form-errors".*?</div>', page, re.S)
    assert block, "no error summary"
    return re.findall(r"<li>(.*?)</li>", block.group(0), re.S)


def test_groups_only_messages_shared_by_three_questions() -> None:
    errors = {"a": "same", "b": "same", "c": "same", "d": "other", "e": "two", "f": "two"}
    groups = summary_groups(errors)
    assert groups.counts == {"a": 3} and groups.hidden == {"b", "c"}
    assert summary_groups({"_form": "x", "g": "x", "h": "x"}).counts == {}


def test_unanswered_warning_signs_are_one_line_of_the_summary(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.pat.email)
    answers = {**SCORES, "pain": "11", "idempotency_key": "a"}  # and one wrong score
    refused = post_form(client, "/checkin", "/checkin", answers)
    assert refused.status_code == 422 and stored(app) == []
    lines = _summary(refused.text)
    assert len(lines) == 2, lines
    count = len(WARNING_SIGNS)
    assert f"Please check these {count + 1} answers" in refused.text
    assert lines[0].startswith('<a href="#pain">')
    assert f"{count} questions, from “Trouble breathing or swallowing?”" in lines[1]
    assert 'href="#breathing_difficulty"' in lines[1]
    # Each question still says what to do next to itself.
    assert all(f'id="{name}-error"' in refused.text for name in WARNING_SIGNS)

    client.headers["Accept-Language"] = "es"
    spanish = post_form(client, "/checkin", "/checkin", answers)
    assert f"{count} preguntas, desde «" in _summary(spanish.text)[1]


def test_the_complete_form_groups_the_answers_still_missing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.pat.email)
    answers = {**SCORES, "fever": "true", "idempotency_key": "fever-only"}
    assert post_form(client, "/checkin", "/checkin", answers).status_code == 303
    (checkin,) = stored(app)
    missing = len(checkin.triage_result["field_errors"])
    assert missing > len(WARNING_SIGNS)  # the other warning signs and fever's follow-ups
    again = client.get(f"/checkin?complete={checkin.id}").text
    signs, follow_ups = _summary(again)  # the warning signs may be answered by one tick
    others = len(WARNING_SIGNS) - 1
    assert f"{others} questions, from “Trouble breathing or swallowing?”" in signs
    assert "or tick “I have none of the other warning signs”" in signs
    assert f"{missing - others} questions, from “Shivering or chills?”" in follow_ups
