"""Citizen text: keep the words, drop markup, mask personal data for the public."""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser
from typing import ClassVar

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# A Vietnamese phone number as people type it: +84 or 0, then 8-10 digits with
# optional spaces, dots or dashes between groups.
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_MASK = "[số điện thoại đã ẩn]"
EMAIL_MASK = "[email đã ẩn]"


class _TextOnly(HTMLParser):
    """Collects text outside tags; drops script/style bodies entirely."""

    _SKIP: ClassVar[frozenset[str]] = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in {"br", "p", "div", "li"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def clean_text(raw: str) -> str:
    """Plain text from what a citizen typed: no HTML, no control characters, tidy spaces, NFC."""
    parser = _TextOnly()
    parser.feed(raw)
    parser.close()
    text = unescape("".join(parser.parts))
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def mask_personal_data(text: str) -> str:
    """Hide phone numbers and e-mail addresses a citizen typed into public text."""
    return _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, text))


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics ('Cháy' -> 'chay', 'đường' -> 'duong')."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def has_diacritics(text: str) -> bool:
    """True if the text was typed with Vietnamese accents."""
    return fold(text) != text.lower().replace("đ", "d") or "đ" in text.lower()
