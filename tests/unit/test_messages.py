"""The text catalogue: every entry reads in both languages, with the same placeholders in each."""

from __future__ import annotations

import re
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


# Common English words that have no Vietnamese homograph (so "to", "in", "an", "a" are left out: Vietnamese words).
ENGLISH_WORDS = frozenset({
    "or", "and", "the", "is", "are", "was", "were", "not", "must", "of", "with", "for", "from", "this", "that",
    "these", "those", "be", "been", "has", "have", "can", "cannot", "should", "will", "would", "your", "you",
    "please", "only", "required", "invalid", "field", "value", "one", "none", "at", "by",
})


def english_words_in(vi: str) -> set[str]:
    """The common English words of a Vietnamese text, outside placeholders, quoted codes, <tokens> and names
    with '_', '.', '/', ':' or '-' (field names, headers, routes, media types)."""
    text = re.sub(r"\{[^{}]*\}|'[^']*'|<[^<>]*>", " ", vi)
    words = [w for w in text.split() if not re.search(r"[_./:\-]", w.strip(".,;:()"))]
    return {w.lower() for w in re.findall(r"[^\W\d_]+", " ".join(words))} & ENGLISH_WORDS


def test_the_english_word_check_finds_them():
    assert english_words_in("Không tìm thấy phản ánh, or mã tra cứu không đúng.") == {"or"}
    assert english_words_in("Trường '{field}' (location.lat) must be 'the' {value}") == {"must", "be"}


@pytest.mark.parametrize(("group", "key", "texts"), ENTRIES, ids=[f"{g}.{k}" for g, k, _ in ENTRIES])
def test_no_vietnamese_text_holds_english_words(group, key, texts):
    assert english_words_in(texts[0]) == set(), f"{group}.{key}: {texts[0]!r}"
