"""Urgent reports: accepted like any other, but the citizen is told to call now."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.rules import messages
from chalicelib.rules.profile import Category, ProvinceProfile
from chalicelib.rules.text import Folded, fold, has_diacritics

DEFAULT_URGENT_KEYWORDS: tuple[str, ...] = (
    "cháy", "hỏa hoạn", "hoả hoạn", "tai nạn", "cướp", "trộm cướp", "đâm chém", "chém",
    "nổ", "điện giật", "đuối nước", "sập", "bắt cóc", "đe dọa", "đe doạ", "ẩu đả", "khí gas rò rỉ",
)


@dataclass(frozen=True)
class Context:
    """Words that, next to an ambiguous folded trigger, say it is the emergency and not the everyday word."""

    before: tuple[str, ...] = ()  # folded words that may stand just before the trigger
    after: tuple[str, ...] = ()  # folded words that may stand just after it
    never_after: tuple[str, ...] = ()  # folded words that make it the everyday word whatever stands before


# Folded triggers that are common unrelated words when typed without accents: they fire only beside a
# word of their context. Every other trigger fires folded on its own (word boundaries always).
# 'chay' is also chạy (run), chay (vegetarian), chảy (flow); 'no' is nó (it), nợ (debt), no (full);
# 'sap' is sắp (about to), sáp (wax), sáp nhập (merge); 'chem' is chém gió (chatter);
# 'bat coc' is bát cốc (bowls and cups, a food stall's tableware).
AMBIGUOUS_FOLDED: dict[str, Context] = {
    "chay": Context(before=("dam", "vu", "bi", "boc"), after=("lon", "nha", "rung", "no"),
                    never_after=("mau", "nuoc", "tran", "ra")),
    "no": Context(before=("tieng", "vu", "phat", "gay", "chay"), after=("tung",)),
    "sap": Context(before=("bi", "vu", "da"), after=("do",), never_after=("nhap",)),
    "chem": Context(before=("bi",), after=("nhau", "nguoi", "chet"), never_after=("gio",)),
    "bat coc": Context(before=("bi", "vu", "ke"), after=("tre", "nguoi")),
}
_GAP = r"[^\w]+"


def _words(folded: str) -> str:
    return _GAP.join(re.escape(w) for w in folded.split())


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in words)


def _folded_patterns(trigger: str) -> tuple[re.Pattern[str], ...]:
    """The folded trigger as a whole word; an ambiguous one only beside a word of its context."""
    core = rf"(?P<kw>{_words(trigger)})"
    context = AMBIGUOUS_FOLDED.get(trigger)
    if context is None:
        return (re.compile(rf"(?<!\w){core}(?!\w)"),)
    guard = rf"(?!{_GAP}(?:{_alternatives(context.never_after)})(?!\w))" if context.never_after else ""
    options = []
    if context.before:
        options.append(rf"(?<!\w)(?:{_alternatives(context.before)}){_GAP}{core}(?!\w){guard}")
    if context.after:
        options.append(rf"(?<!\w){core}{_GAP}(?:{_alternatives(context.after)})(?!\w)")
    return tuple(re.compile(o) for o in options)


@lru_cache(maxsize=8)
def _patterns(keywords: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], frozenset[str]], ...]]:
    """The accented matcher (exact words) and, per folded trigger, its matcher and the accented words it stands for."""
    accented = "|".join(re.escape(k.lower()) for k in keywords)
    accented_words: dict[str, set[str]] = {}
    for k in keywords:
        words = unicodedata.normalize("NFC", k.lower()).split()
        accented_words.setdefault(" ".join(fold(k).split()), set()).update(words)
    folded = tuple((pattern, frozenset(words)) for trigger, words in sorted(accented_words.items())
                   for pattern in _folded_patterns(trigger))
    return re.compile(rf"(?<!\w)(?:{accented})(?!\w)"), folded


def _typed_unaccented(original: str, words: frozenset[str]) -> bool:
    """Each word of the matched trigger was typed without accents (or with the trigger's own accents).

    A word typed with other accents is another word: 'chạy' (run) is not 'cháy' (fire).
    """
    return all(not has_diacritics(w) or w in words for w in unicodedata.normalize("NFC", original.lower()).split())


def mentions_emergency(text: str, keywords: tuple[str, ...] = DEFAULT_URGENT_KEYWORDS) -> bool:
    """The description names a fire, accident, robbery or a threat to safety, with or without accents."""
    accented, folded = _patterns(keywords)
    if accented.search(text.lower()):
        return True
    f = Folded.of(text)
    for pattern, words in folded:
        for m in pattern.finditer(f.text):
            start, end, _ = f.span(m.start("kw"), m.end("kw"), "")
            if _typed_unaccented(f.original[start:end], words):
                return True
    return False


def is_urgent(profile: ProvinceProfile, category: Category, description: str) -> bool:
    """Urgent if the category is one the profile marks urgent, or the wording names an emergency."""
    keywords = profile.urgent_keywords or DEFAULT_URGENT_KEYWORDS
    return category.urgent_prone or mentions_emergency(description, keywords)


def urgent_advice(profile: ProvinceProfile) -> dict[str, str]:
    """What an urgent reporter is told to do at once, in both languages."""
    n = profile.emergency_numbers
    vi, en = messages.URGENT_ADVICE["call_now"]
    numbers = {"police": n.police, "fire": n.fire, "ambulance": n.ambulance, "hotline": profile.hotline}
    return {
        "vi": vi.format(province=profile.name_vi, **numbers),
        "en": en.format(province=profile.name_en, **numbers),
    }
