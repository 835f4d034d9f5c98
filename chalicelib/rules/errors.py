"""Domain errors a person can act on, in Vietnamese and English.

Each error carries a stable machine `code`; its texts are the `ERRORS` group of
the one catalogue (rules/messages.py), so that every entry point (API, batch,
CLI) says the same thing the same way.
"""

from __future__ import annotations

from typing import Any

from chalicelib.rules.messages import ERRORS, FIELD_LABELS


def _params_for(lang: str, params: dict[str, Any]) -> dict[str, Any]:
    """The params one language's text is filled from: `name_vi` / `name_en` fill `{name}` in that language."""
    suffix = f"_{lang}"
    return {**params, **{k.removesuffix(suffix): v for k, v in params.items() if k.endswith(suffix)}}


class DomainError(Exception):
    """An error with a machine code and texts for people in both languages."""

    status: int = 400

    def __init__(self, code: str, field: str | None = None, *, text: str | None = None, **params: Any) -> None:
        """`text` names the catalogue entry when one code reads differently by audience (default: the code)."""
        self.code = code
        self.field = field
        self.params = {"field": field, **params}
        if field in FIELD_LABELS:  # a person reads the form's label, not the JSON path (kept in `field`)
            self.params.update(field_vi=FIELD_LABELS[field][0], field_en=FIELD_LABELS[field][1])
        vi, en = ERRORS.get(text or code, ERRORS["invalid_value"])
        self.message = vi.format(**_params_for("vi", self.params))
        self.message_en = en.format(**_params_for("en", self.params))
        self.details: dict[str, Any] = {}
        super().__init__(f"{code}: {self.message_en}")

    @property
    def headers(self) -> dict[str, str]:
        """Response headers the error calls for (none, but a 429's Retry-After)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body every handler answers with."""
        body: dict[str, Any] = {"code": self.code, "message": self.message, "message_en": self.message_en}
        if self.field:
            body["field"] = self.field
        body.update(self.details)
        return body


class InvalidInput(DomainError):
    """The caller sent something we cannot accept (400)."""

    status = 400


class TooLarge(DomainError):
    """The request is larger than any the service accepts (413)."""

    status = 413


class NotFound(DomainError):
    """Unknown, or not visible to this caller: deliberately indistinguishable (404)."""

    status = 404


class Forbidden(DomainError):
    """Visible but not the caller's to change (403)."""

    status = 403


class Conflict(DomainError):
    """The resource's state does not allow this now (409)."""

    status = 409


class Unprocessable(DomainError):
    """Well-formed but contradicting an earlier request (422)."""

    status = 422


class Unauthenticated(DomainError):
    """No valid staff sign-in (401)."""

    status = 401


class Unavailable(DomainError):
    """The work could not be done (or finished) for now, through no fault of the request: the same request
    again, a little later, does it (503)."""

    status = 503


class TooManyRequests(DomainError):
    """An abuse limit is reached (429); `retry_after` is the seconds until its window ends."""

    status = 429

    def __init__(self, code: str, field: str | None = None, *, retry_after: int, **params: Any) -> None:
        super().__init__(code, field, retry_after=retry_after, **params)
        self.retry_after = retry_after
        self.details["retry_after"] = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class InvalidInputs(InvalidInput):
    """Several things wrong at once (400): each one an InvalidInput, the first one this error's own code."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.code, first.field, **{k: v for k, v in first.params.items() if k != "field"})
        self.errors = errors
        self.details["errors"] = [{k: v for k, v in e.to_dict().items() if k != "errors"} for e in errors]


def several(errors: list[DomainError]) -> DomainError:
    """One error as itself, several as InvalidInputs (a 400 naming each)."""
    return errors[0] if len(errors) == 1 else InvalidInputs(errors)
