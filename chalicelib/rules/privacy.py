"""Free text fit for the public: the privacy rule behind every public view (chalicelib/views/).

The reporter's name and phone appear only in the staff view; public text has
any phone number or e-mail address a citizen typed masked, and the reporter's
own name and number wherever someone wrote them (a citizen signing the
description, an officer naming the reporter in the result).
"""

from __future__ import annotations

import re

from chalicelib.rules.report import Report, Reporter
from chalicelib.rules.text import PHONE_MASK, fold, mask_personal_data

NAME_MASK = "[họ tên đã ẩn]"
_WORD = re.compile(r"\w+")


def mask_reporter(text: str, reporter: Reporter) -> str:
    """Hide the reporter's full name (with or without accents, any case) and phone number in free text.

    Only names of two words or more are searched: a one-word name ("An")
    would also be an everyday word.
    """
    words = fold(reporter.name).split()
    if len(words) >= 2:
        spans = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
        parts, last, i, k = [], 0, 0, len(words)
        while i + k <= len(spans):
            if [w for _, _, w in spans[i:i + k]] == words:
                parts += [text[last:spans[i][0]], NAME_MASK]
                last, i = spans[i + k - 1][1], i + k
            else:
                i += 1
        text = "".join([*parts, text[last:]])
    digits = reporter.phone.lstrip("+")
    national = "0" + digits[2:] if digits.startswith("84") else digits
    for number in {digits, national}:
        text = re.sub(r"(?<!\d)\+?" + r"[\s.\-]?".join(number) + r"(?!\d)", PHONE_MASK, text)
    return text


def public_text(text: str, report: Report) -> str:
    """Free text fit for the public: typed-in phones and e-mails masked, and the reporter's name and number."""
    return mask_reporter(mask_personal_data(text), report.reporter)
