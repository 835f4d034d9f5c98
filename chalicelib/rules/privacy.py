"""Free text fit for the public: the privacy rule behind every public view (chalicelib/views/).

The reporter's name and phone appear only in the staff view, to those allowed them
(`rules.actors.can_see_reporter`); public text has any phone number or e-mail address
a citizen typed masked, and the reporter's own name and number wherever someone wrote
them (a citizen signing the description, an officer naming the reporter in the result).

Masking cannot be dodged by how a number or a name is typed (`rules.text`): a number
in any grouping ("(0905) 246 806", "0905/246/808", "+84 (0) 905 246 828", full-width
digits, zero-width characters inside), a name in any case, with or without accents,
spaced any way or not at all ("NguyễnVănAn", "NGUYỄN  VĂN   AN", a soft hyphen inside).
"""

from __future__ import annotations

from chalicelib.rules.report import Report, Reporter
from chalicelib.rules.text import Folded, Span, apply_masks, name_spans, own_number_spans, personal_data_spans

NAME_MASK = "[họ tên đã ẩn]"


def _reporter_spans(f: Folded, reporter: Reporter) -> list[Span]:
    return [*name_spans(f, reporter.name, NAME_MASK), *own_number_spans(f, reporter.phone)]


def mask_reporter(text: str, reporter: Reporter) -> str:
    """Hide the reporter's full name (two words or more, any spelling) and phone number (any shape) in free text."""
    return apply_masks(text, _reporter_spans(Folded.of(text), reporter))


def public_text(text: str, report: Report) -> str:
    """Free text fit for the public: typed-in phones and e-mails masked, and the reporter's name and number."""
    f = Folded.of(text)
    return apply_masks(text, [*personal_data_spans(f), *_reporter_spans(f, report.reporter)])
