"""The text catalogue: every entry reads in both languages, with the same placeholders in each."""

from __future__ import annotations

import string

import pytest

from chalicelib.rules.messages import CATALOGUE

ENTRIES = [(group, key, texts) for group, entries in CATALOGUE.items() for key, texts in entries.items()]


def placeholders(text: str) -> set[tuple[str, str]]:
    """The str.format fields of a text, with their format specs ('{now:%H:%M}' -> ('now', '%H:%M'))."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def test_the_catalogue_has_entries():
    assert ENTRIES
    assert all(entries for entries in CATALOGUE.values())


@pytest.mark.parametrize(("group", "key", "texts"), ENTRIES, ids=[f"{g}.{k}" for g, k, _ in ENTRIES])
def test_each_entry_reads_in_vietnamese_and_english_with_the_same_placeholders(group, key, texts):
    assert isinstance(texts, tuple) and len(texts) == 2, f"{group}.{key}: want (Vietnamese, English)"
    vi, en = texts
    assert isinstance(vi, str) and vi.strip(), f"{group}.{key}: Vietnamese text is empty"
    assert isinstance(en, str) and en.strip(), f"{group}.{key}: English text is empty"
    assert placeholders(vi) == placeholders(en), f"{group}.{key}: placeholders differ between the languages"
