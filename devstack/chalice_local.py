"""`chalice local` as devstack starts it: the Chalice CLI itself, plus a guard that it dies with devstack.

Ctrl-C and SIGTERM stop the process groups devstack started; this guard
covers the case nothing can catch, devstack being killed outright (SIGKILL,
the OOM killer), so no `chalice local` is left holding its port.
Usage: `python -m devstack.chalice_local local --no-autoreload --stage dev ...`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable


def watch_parent(on_orphaned: Callable[[], None], every: float = 1.0) -> threading.Thread:
    """Call `on_orphaned` once the parent process is gone (the process is re-parented)."""
    parent = os.getppid()
    wake = threading.Event()

    def watch() -> None:
        while not wake.wait(every):
            if os.getppid() != parent:
                on_orphaned()
                return

    thread = threading.Thread(target=watch, name="watch-parent", daemon=True)
    thread.start()
    return thread


def main() -> int:
    from chalice.cli import main as chalice_main

    watch_parent(lambda: os._exit(0))  # the server thread cannot be interrupted politely
    sys.argv[0] = "chalice"
    return chalice_main()


if __name__ == "__main__":
    sys.exit(main())
