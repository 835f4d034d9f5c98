"""Record every AWS operation each Lambda function performs in the tests, for the IAM policy check.

Loaded by tests/conftest.py. The function running is known at its entry:
`Chalice.__call__` is the API function (chalice.test.Client and `chalice local`
requests), `EventSourceHandler.__call__` an event function (named as Chalice
names it). Calls made outside any function (test set-up, provisioning) are not
recorded. Each pytest process (xdist worker) writes build/iam-observed/<id>.json
at the end; `tests/integration/check_iam_policies.py` (run by `make test` after
the suite) compares their union with the packaged template's policies.

Processes a test starts (the e2e tests' local stack: `chalice local` and the
event runner) record too when started with `subprocess_env(...)`: it puts
tests/iam_hook/ (a `sitecustomize` that calls `install_in_subprocess`) on
PYTHONPATH, and each such process rewrites build/iam-observed/<name>-<pid>.json
whenever it sees a new call, since `chalice local` is stopped by a signal and
gets no chance to write at exit.
"""

from __future__ import annotations

import contextvars
import json
import os
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "build" / "iam-observed"
HOOK_DIR = Path(__file__).resolve().parent / "iam_hook"
SUBPROCESS_VAR = "PHANANH_IAM_RECORD"  # set (to a file name prefix) in a process started by a test
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("phananh_lambda_function", default=None)
_seen: set[tuple[str, str, str]] = set()
_lock = threading.Lock()
_subprocess_file: Path | None = None  # set in a recording subprocess: written on every new observation


def _record(service: str, operation: str, params: dict[str, Any], region: str) -> None:
    function = _current.get()
    if function is None:
        return
    from iam_actions import required_permissions

    with _lock:
        before = len(_seen)
        for action, arn in required_permissions(service, operation, params, region):
            _seen.add((function, action, arn))
        if _subprocess_file is not None and len(_seen) != before:
            _dump(_subprocess_file)


def _enter(name: str, call: Any) -> Any:
    token = _current.set(name)
    try:
        return call()
    finally:
        _current.reset(token)


def install() -> None:
    """Patch the function entries and botocore's call and presign paths (once per process)."""
    import botocore.signers
    from botocore.client import BaseClient
    from chalice import app as chalice_app

    if getattr(BaseClient, "_phananh_recording", False):
        return
    BaseClient._phananh_recording = True

    make_call = BaseClient._make_api_call

    def recorded_call(self: Any, operation_name: str, api_params: dict) -> Any:
        _record(self.meta.service_model.service_name, operation_name, api_params, self.meta.region_name)
        return make_call(self, operation_name, api_params)

    BaseClient._make_api_call = recorded_call

    presign_url, presign_post = botocore.signers.generate_presigned_url, botocore.signers.generate_presigned_post

    def recorded_presign_url(self: Any, ClientMethod: str, Params: Any = None, *args: Any, **kwargs: Any) -> Any:
        operation = self.meta.method_to_api_mapping.get(ClientMethod, ClientMethod)
        _record(self.meta.service_model.service_name, operation, dict(Params or {}), self.meta.region_name)
        return presign_url(self, ClientMethod, Params, *args, **kwargs)

    def recorded_presign_post(self: Any, Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:
        _record("s3", "PutObject", {"Bucket": Bucket, "Key": Key}, self.meta.region_name)
        return presign_post(self, Bucket, Key, *args, **kwargs)

    botocore.signers.generate_presigned_url = recorded_presign_url
    botocore.signers.generate_presigned_post = recorded_presign_post

    api_call = chalice_app.Chalice.__call__

    def api_entry(self: Any, event: Any, context: Any) -> Any:
        return _enter("api_handler", lambda: api_call(self, event, context))

    chalice_app.Chalice.__call__ = api_entry
    event_call = chalice_app.EventSourceHandler.__call__

    def event_entry(self: Any, event: Any, context: Any) -> Any:
        return _enter(self.func.__name__, lambda: event_call(self, event, context))

    chalice_app.EventSourceHandler.__call__ = event_entry


def _dump(path: Path) -> None:
    """Write the observations so far, atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(json.dumps(sorted(_seen), indent=0) + "\n", encoding="utf-8")
    partial.replace(path)


def write(worker: str) -> Path | None:
    """This process's observations as build/iam-observed/<worker>.json."""
    if not _seen:
        return None
    path = OUT_DIR / f"{worker}.json"
    with _lock:
        _dump(path)
    return path


def subprocess_env(env: dict[str, str], name: str) -> dict[str, str]:
    """`env` for a process a test starts, so that it (and its children) record their functions' calls too."""
    out = dict(env)
    out[SUBPROCESS_VAR] = name
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(HOOK_DIR), env.get("PYTHONPATH", "")) if p)
    return out


def install_in_subprocess() -> None:
    """Called by tests/iam_hook/sitecustomize.py at start-up of a process started with `subprocess_env`."""
    global _subprocess_file
    name = os.environ.get(SUBPROCESS_VAR)
    if not name:
        return
    install()
    _subprocess_file = OUT_DIR / f"{name}-{os.getpid()}.json"


def clear() -> None:
    """Forget a previous run's observations (the controller, before the workers start)."""
    if OUT_DIR.exists():
        for old in OUT_DIR.glob("*.json"):
            old.unlink()


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")
