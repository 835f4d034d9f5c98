"""What the Zalo OA webhook answers Zalo (which only needs a 200 in time)."""

from __future__ import annotations

from typing import Any


def ack(queued: bool) -> dict[str, Any]:
    """`queued`: the event is one the channel handles and waits in its queue (else acknowledged and dropped)."""
    return {"received": True, "queued": queued}
