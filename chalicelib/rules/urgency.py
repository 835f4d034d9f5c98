"""Urgent reports: accepted like any other, but the citizen is told to call now."""

from __future__ import annotations

import re
from functools import lru_cache

from chalicelib.rules import messages
from chalicelib.rules.profile import Category, ProvinceProfile
from chalicelib.rules.text import fold, has_diacritics

DEFAULT_URGENT_KEYWORDS: tuple[str, ...] = (
    "cháy", "hỏa hoạn", "hoả hoạn", "tai nạn", "cướp", "trộm cướp", "đâm chém", "chém",
    "nổ", "điện giật", "đuối nước", "sập", "bắt cóc", "đe dọa", "đe doạ", "ẩu đả", "khí gas rò rỉ",
)


@lru_cache(maxsize=8)
def _patterns(keywords: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two matchers: with accents (exact words) and folded (for text typed without accents)."""
    accented = "|".join(re.escape(k.lower()) for k in keywords)
    # Folded matching only uses multi-word or unambiguous keywords: 'chay' alone
    # would also match 'chạy' (to run), so single short words need their accents.
    folded_words = sorted({fold(k) for k in keywords if " " in k or len(fold(k)) > 4})
    folded = "|".join(re.escape(k) for k in folded_words) or r"(?!x)x"
    return (
        re.compile(rf"(?<!\w)(?:{accented})(?!\w)"),
        re.compile(rf"(?<!\w)(?:{folded})(?!\w)"),
    )


def mentions_emergency(text: str, keywords: tuple[str, ...] = DEFAULT_URGENT_KEYWORDS) -> bool:
    """The description names a fire, accident, robbery or a threat to safety."""
    accented, folded = _patterns(keywords)
    if has_diacritics(text):
        return bool(accented.search(text.lower()))
    return bool(folded.search(fold(text)))


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
