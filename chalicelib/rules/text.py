"""Citizen text: keep the words, drop markup, mask personal data for the public."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import ClassVar

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# A Vietnamese phone number as people type it: +84 or 0, then 8-10 digits with
# optional spaces, dots or dashes between groups (the first net; `phone_spans` casts the wider one).
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"\d+")
# What may stand between the digit groups of one typed number: "0905 . 246 - 806", "(0905) 246_806", "0905/246/806".
_NUMBER_GAP = re.compile(r"[\s.\-_/()]+")
# Between the groups of the reporter's own number anything but a letter or a digit may stand.
_LOOSE_GAP = re.compile(r"[\W_]+")
_BETWEEN_WORDS = r"[\W_]*"
# How a national significant number is preceded when typed: 0 (trunk), 84 / 0084 (country), "(0)" after it.
_PREFIXES = ("00840", "0084", "840", "84", "0")
_PHONE_DIGITS = range(8, 16)
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


# -- masking that cannot be dodged ------------------------------------------------------
#
# Matching runs on a folded copy of the text (`Folded`): NFKC (full-width and other compatibility
# forms), invisible format characters removed (zero-width space and joiners, word joiner, BOM, soft
# hyphen: Unicode category Cf), every decimal digit as ASCII, lower case without diacritics. Each
# folded character remembers the original character it came from, so a match masks the original
# text: the public never reads the folded copy, only the original with the masks put in (and the
# invisible characters left out).

Span = tuple[int, int, str]
"""An original text's [start, end) and the mask that takes its place."""


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c.isdecimal():
            out.append(str(unicodedata.decimal(c)))
            continue
        for d in unicodedata.normalize("NFD", c.lower()):
            if unicodedata.category(d) != "Mn":
                out.append("d" if d == "đ" else d)
    return "".join(out)


@dataclass(frozen=True)
class Folded:
    """The text matching runs on, and for each of its characters the index of the original one."""

    original: str
    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> Folded:
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(original):
            folded = _fold_char(ch)
            chars.append(folded)
            origin.extend([i] * len(folded))
        return cls(original, "".join(chars), tuple(origin))

    def span(self, start: int, end: int, mask: str) -> Span:
        """The original text behind the folded [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1, mask

    def _camel(self, at: int) -> bool:
        """A word typed glued to the one before it, told by case: "LàNguyễn", "NguyễnVăn"."""
        before, here = self.origin[at - 1], self.origin[at]
        return before != here and self.original[here].isupper() and self.original[before].islower()

    def starts_word(self, at: int) -> bool:
        return at == 0 or not self.text[at - 1].isalnum() or self._camel(at)

    def ends_word(self, at: int) -> bool:
        return at == len(self.text) or not self.text[at].isalnum() or self._camel(at)


def _runs(f: Folded, gap: re.Pattern[str]) -> list[list[re.Match[str]]]:
    """Digit groups joined by what `gap` allows: each run is one candidate number (or several side by side)."""
    runs: list[list[re.Match[str]]] = []
    for group in _DIGITS.finditer(f.text):
        if runs and gap.fullmatch(f.text, runs[-1][-1].end(), group.start()):
            runs[-1].append(group)
        else:
            runs.append([group])
    return runs


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a "+" typed before the number and a bracket the number opens or closes."""
    at = start
    while at > 0 and text[at - 1] in " (":
        at -= 1
    if at > 0 and text[at - 1] == "+":
        start = at - 1
    while start > 0 and text[start - 1] == "(" and text.count("(", start, end) <= text.count(")", start, end):
        start -= 1
    if end < len(text) and text[end] == ")" and text.count("(", start, end) > text.count(")", start, end):
        end += 1
    return start, end


def _plus_before(text: str, at: int) -> bool:
    while at > 0 and text[at - 1] in " (":
        at -= 1
    return at > 0 and text[at - 1] == "+"


def is_vietnamese_phone(digits: str, plus: bool = False) -> bool:
    """A valid Vietnamese number, typed the way people type one: 0..., 84..., 0084..., or +84...

    Bare digits without 0 or 84 in front are not taken for a phone: "12032026" (a date)
    parses as a toll-free number, and no one gives their own number that way.
    """
    if len(digits) not in _PHONE_DIGITS or not (plus or digits.startswith(("0", "84"))):
        return False
    import phonenumbers  # on first use: the library's metadata is not needed to import the app

    try:
        number = phonenumbers.parse(("+" if plus else "") + digits, "VN")
    except phonenumbers.NumberParseException:
        return False
    return number.country_code == 84 and phonenumbers.is_valid_number(number)


def national_number(phone: str) -> str:
    """The national significant number of a Vietnamese phone (E.164 or national): '+84905123456' -> '905123456'."""
    digits = "".join(str(unicodedata.decimal(c)) for c in phone if c.isdecimal())
    for prefix in ("0084", "84", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 8:
            return digits[len(prefix):]
    return digits


def phone_spans(f: Folded) -> list[Span]:
    """Every valid Vietnamese number typed in any grouping (and what the simple pattern finds)."""
    spans = [f.span(m.start(), m.end(), PHONE_MASK) for m in _PHONE.finditer(f.text)]
    # Every group may start a number (the longest valid one from there is masked): a run such as
    # "12/03/2026 0084 905 246 806" holds a date and a phone, and the phone must be masked whole
    # even where a valid number also starts inside the date.
    for run in _runs(f, _NUMBER_GAP):
        for i, first in enumerate(run):
            plus = _plus_before(f.text, first.start())
            digits, found = "", None
            for j in range(i, len(run)):
                digits += run[j].group()
                if len(digits) >= _PHONE_DIGITS.stop:
                    break
                if is_vietnamese_phone(digits, plus):
                    found = j
            if found is not None:
                start, end = _widen(f.text, first.start(), run[found].end())
                spans.append(f.span(start, end, PHONE_MASK))
    return spans


def own_number_spans(f: Folded, phone: str) -> list[Span]:
    """One person's number in any shape: any grouping, any punctuation between groups, glued to other digits."""
    wanted = national_number(phone)
    if len(wanted) < 8:
        return []
    spans = []
    for run in _runs(f, _LOOSE_GAP):
        digits = "".join(g.group() for g in run)
        owner = [n for n, g in enumerate(run) for _ in g.group()]
        at = digits.find(wanted)
        while at >= 0:
            first = at - next((len(p) for p in _PREFIXES if digits.endswith(p, 0, at)), 0)
            last = at + len(wanted) - 1
            start, end = _widen(f.text, run[owner[first]].start(), run[owner[last]].end())
            spans.append(f.span(start, end, PHONE_MASK))
            at = digits.find(wanted, last + 1)
    return spans


def name_spans(f: Folded, name: str, mask: str) -> list[Span]:
    """A full name (two words or more) in any case, with or without accents, spaced any way or not at all."""
    words = [w for w in _LOOSE_GAP.split(Folded.of(name).text) if w]
    if len(words) < 2:  # a one-word name ("An") would also be an everyday word
        return []
    pattern = re.compile(_BETWEEN_WORDS.join(map(re.escape, words)))
    spans, at = [], 0
    while (m := pattern.search(f.text, at)) is not None:
        if f.starts_word(m.start()) and f.ends_word(m.end()):
            spans.append(f.span(m.start(), m.end(), mask))
            at = m.end()
        else:
            at = m.start() + 1
    return spans


def personal_data_spans(f: Folded) -> list[Span]:
    """E-mail addresses and phone numbers anyone typed."""
    return [*(f.span(m.start(), m.end(), EMAIL_MASK) for m in _EMAIL.finditer(f.text)), *phone_spans(f)]


def apply_masks(text: str, spans: list[Span]) -> str:
    """The original text with each span (overlaps merged, the first mask kept) masked; invisible characters dropped."""
    parts: list[str] = []
    last = 0
    for start, end, mask in sorted(spans):
        if start < last:  # overlaps the span before: that mask covers it
            last = max(last, end)
            continue
        parts += [text[last:start], mask]
        last = end
    parts.append(text[last:])
    return "".join(c for c in "".join(parts) if unicodedata.category(c) != "Cf")


def mask_personal_data(text: str) -> str:
    """Hide phone numbers and e-mail addresses a citizen typed into public text."""
    return apply_masks(text, personal_data_spans(Folded.of(text)))


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics ('Cháy' -> 'chay', 'đường' -> 'duong')."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def has_diacritics(text: str) -> bool:
    """True if the text was typed with Vietnamese accents."""
    return fold(text) != text.lower().replace("đ", "d") or "đ" in text.lower()
