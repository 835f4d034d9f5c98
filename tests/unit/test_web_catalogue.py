"""The pages' string catalogue (web/shared/catalogue/{vi,en}.json): both languages say the same things, and
the console has a word for every state a case can be in and every action its history can hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib.rules.sla import LEVEL_ACTIONS
from chalicelib.rules.workflow import STATES, STEPS

CATALOGUE = Path(__file__).resolve().parents[2] / "web" / "shared" / "catalogue"
VI, EN = (json.loads((CATALOGUE / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("vi", "en"))
# History rows written outside the workflow table: intake, the merge's survivor, the retention rule.
OTHER_ACTIONS = ("submit", "merge_in", "remove_originals", "anonymise")


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_both_languages_have_the_same_entries_with_the_same_placeholders():
    assert set(VI) == set(EN)
    assert {k: placeholders(v) for k, v in VI.items()} == {k: placeholders(v) for k, v in EN.items()}


@pytest.mark.parametrize("action", sorted({*STEPS, *LEVEL_ACTIONS.values(), *OTHER_ACTIONS}))
def test_the_console_names_every_action_a_case_history_can_hold(action):
    assert VI.get(f"console.action.{action}") and EN.get(f"console.action.{action}"), action


@pytest.mark.parametrize("state", STATES)
def test_the_console_names_every_state(state):
    assert VI.get(f"console.status.{state}") and EN.get(f"console.status.{state}"), state
