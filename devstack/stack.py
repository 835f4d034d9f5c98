"""The local stack behind `make run`: moto server, one `chalice local` and one event runner per stage.

One in-process moto server holds every stage's resources, created from
infra/province.json by `devstack.provision`. Each stage then gets its own
`chalice local` (HTTP) and its own event runner process (DynamoDB stream, SQS,
schedules), both with the stage's environment: the provisioned names, the
real stream ARN, moto's endpoint and fake credentials, so nothing here can
reach real AWS. Children run in their own process groups and are stopped, as
groups, on Ctrl-C, SIGTERM or SIGHUP, or when one of them dies.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, MutableMapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from devstack.inboxes import SentMessages, subscribe_inboxes
from devstack.open311_key import seed_open311_key
from devstack.portal import PortalServer
from devstack.provision import Provisioned, provision
from devstack.staff import CLIENT_LOGICAL_ID, IOC_AGENCY, seed_demo_staff
from devstack.zalo_oa import ZaloOaStandIn, demo_photo

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REGION = "ap-southeast-1"
DEFAULT_MOTO_PORT = 5000
DEFAULT_API_PORT = 8000
DEFAULT_PORTAL_PORT = 8080
ENDPOINTS_FILE = "endpoints.json"
STOP_GRACE_SECONDS = 10.0
KEEP_STREAM_ITERATORS = 5000  # ~20 minutes of polling by a few runners; far beyond a handler's timeout
PRUNE_EVERY_SECONDS = 60.0
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    # botocore sends dynamodbstreams to an account endpoint moto does not know
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "AWS_EC2_METADATA_DISABLED": "true",
}
# A ward and a point inside it, for the example request (other provinces: their first ward).
EXAMPLE_PLACES = {66: ("24133", 12.6797, 108.0447), 46: (None, 16.4637, 107.5909), 48: (None, 16.0544, 108.2022)}


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an HTTP proxy


def _no_proxy_for_local(env: MutableMapping[str, str]) -> None:
    """Keep clients (boto3 to moto, tests to chalice local) off any configured HTTP proxy."""
    for key in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in env.get(key, "").split(",") if h]
        env[key] = ",".join(dict.fromkeys([*hosts, "127.0.0.1", "localhost"]))


class StackError(RuntimeError):
    """The stack could not start; the message says why and where to look."""


# -- ports ------------------------------------------------------------------------
def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers themselves bind
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def choose_port(wanted: int | None, default: int, what: str, taken: set[int]) -> int:
    """An explicit port that is busy is an error; a busy default falls back to a free port."""
    port = default if wanted is None else wanted
    if port not in taken and port_is_free(port):
        return port
    if wanted is not None:
        raise StackError(f"port {wanted} for {what} is already in use: pick another one or leave the option out")
    while (port := free_port()) in taken:
        pass
    print(f"note: port {default} is busy; {what} uses {port} instead", file=sys.stderr)
    return port


class SerialDynamoDB:
    """WSGI wrapper: one DynamoDB request at a time, as DynamoDB serialises conflicting writes.

    moto's server answers each request on its own thread, and its
    transactions and conditional writes are not atomic across threads (two
    conditional updates of one version can both succeed). Other services
    stay concurrent.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self.lock:
            return list(self.app(environ, start_response))  # the whole answer, inside the lock


class MotoServer(ThreadedMotoServer):
    """ThreadedMotoServer with DynamoDB serialised, the sent SMS and e-mail at inboxes.SENT_PATH (not only in
    moto's whole data dump), reporting a failed bind instead of waiting forever."""

    bind_error: OSError | None = None

    def _server_entry(self) -> None:
        try:
            app = SentMessages(SerialDynamoDB(DomainDispatcherApplication(create_backend_app)))
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()
        except OSError as exc:
            self.bind_error = exc
            self._server_ready_event.set()

    @property
    def url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"


def prune_stream_iterators(keep: int = KEEP_STREAM_ITERATORS) -> int:
    """Forget all but the newest `keep` shard iterators moto holds; the number forgotten.

    moto keeps every iterator it issues, one per GetRecords, so runners
    polling a stream every second grow the in-process server by tens of MB an
    hour. A runner only ever uses the iterator it got on its last poll.
    """
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    dropped = 0
    for account in list(dynamodbstreams_backends.values()):
        for backend in list(account.values()):
            iterators = backend.shard_iterators
            oldest = list(itertools.islice(iterators, max(0, len(iterators) - keep)))  # insertion order
            for key in oldest:
                iterators.pop(key, None)
            dropped += len(oldest)
    return dropped


# -- one stage ----------------------------------------------------------------------
@dataclass
class StageRun:
    """Everything started for one stage."""

    stage: str
    province: str
    port: int
    log_dir: Path
    portal_port: int = 0
    portal: PortalServer | None = None
    stack: Provisioned | None = None
    env: dict[str, str] = field(default_factory=dict)
    chalice: subprocess.Popen | None = None
    runner: subprocess.Popen | None = None
    mappings: list[str] = field(default_factory=list)
    staff: list[dict[str, Any]] = field(default_factory=list)
    inboxes: dict[str, Any] = field(default_factory=dict)
    open311_key: dict[str, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def portal_url(self) -> str:
        return f"http://{HOST}:{self.portal_port}"

    @property
    def chalice_log(self) -> Path:
        return self.log_dir / "chalice.log"

    @property
    def runner_log(self) -> Path:
        return self.log_dir / "runner.log"

    @property
    def ready_file(self) -> Path:
        return self.log_dir / "runner-ready.json"

    def processes(self) -> list[tuple[str, subprocess.Popen]]:
        return [(f"{what} ({self.stage})", p) for what, p in (("chalice local", self.chalice),
                                                             ("event runner", self.runner)) if p is not None]


def load_chalice_config(root: Path = ROOT) -> dict[str, Any]:
    return json.loads((root / ".chalice" / "config.json").read_text(encoding="utf-8"))


def stage_variables(config: dict[str, Any], stage: str) -> dict[str, str]:
    """A stage's `environment_variables` in Chalice's order: the top-level ones, then the stage's own."""
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


def stage_environment(stack: Provisioned, endpoint_url: str, stage_vars: dict[str, str],
                      base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment chalice local and the runner share, as Lambda's would be for this stage.

    Real AWS settings are dropped. `chalice local` applies the stage's
    `environment_variables` from .chalice/config.json over its own
    environment (CLIFactory.load_chalice_app), so they are applied here too,
    last, and the runner sees exactly what the API sees.
    """
    env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("AWS_")}
    env.update(FAKE_AWS)
    env["AWS_ENDPOINT_URL"] = endpoint_url
    env.update(stack.environment)
    if "ReportsTable" in stack.stream_arns:
        env["REPORTS_STREAM_ARN"] = stack.stream_arns["ReportsTable"]
    for key, value in stage_vars.items():
        if key in env and env[key] != str(value) and key in stack.environment:
            print(f"warning: .chalice/config.json stage '{stack.stage}' sets {key}={value}, "
                  f"overriding the provisioned {env[key]}", file=sys.stderr)
        env[key] = str(value)
    env["PYTHONUNBUFFERED"] = "1"
    _no_proxy_for_local(env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class _Interrupts:
    """Ctrl-C/SIGTERM/SIGHUP become KeyboardInterrupt, except while a child is being started and recorded."""

    def __init__(self) -> None:
        self.requested = False
        self._critical = 0

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._handle)

    def ignore(self) -> None:
        """While stopping: note further signals, never interrupt the clean-up."""
        self._critical += 1

    def _handle(self, signum: int, frame: Any) -> None:
        self.requested = True
        if not self._critical:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        self._critical += 1
        try:
            yield
        finally:
            self._critical -= 1
        if self.requested and not self._critical:
            raise KeyboardInterrupt


# -- the stack ------------------------------------------------------------------------
class LocalStack:
    """Starts and stops the whole local stack for one or more stages."""

    def __init__(self, stages: list[str], *, api_port: int | None = None, moto_port: int | None = None,
                 portal_port: int | None = None, tick: float = 30.0, poll: float = 1.0, days_ahead: float = 0.0,
                 log_dir: Path = ROOT / ".devstack", startup_timeout: float = 120.0,
                 interrupts: _Interrupts | None = None) -> None:
        self.config = load_chalice_config()
        known = self.config.get("stages", {})
        unknown = [s for s in stages if s not in known]
        if unknown:
            raise StackError(f"unknown stage(s) {unknown}: .chalice/config.json has {sorted(known)}")
        if len(set(stages)) != len(stages):
            raise StackError(f"a stage is named twice: {stages}")
        self.tick, self.poll, self.startup_timeout = tick, poll, startup_timeout
        self.days_ahead = days_ahead  # the scheduled handlers' clock, this many days ahead (a controlled clock)
        self.log_dir = log_dir.resolve()
        self.interrupts = interrupts or _Interrupts()
        self.moto: MotoServer | None = None
        self.zalo_oa: ZaloOaStandIn | None = None  # the Zalo OA API's stand-in (devstack/zalo_oa.py)
        self._moto_log: logging.Handler | None = None
        self._files: list[TextIO] = []
        taken: set[int] = set()
        self.moto_port = choose_port(moto_port, DEFAULT_MOTO_PORT, "moto server", taken)
        taken.add(self.moto_port)
        self.stages: list[StageRun] = []
        for i, stage in enumerate(stages):
            port = choose_port(None if api_port is None else api_port + i,
                               DEFAULT_API_PORT + i, f"chalice local ({stage})", taken)
            taken.add(port)
            web = choose_port(None if portal_port is None else portal_port + i,
                              DEFAULT_PORTAL_PORT + i, f"portal ({stage})", taken)
            # bound now: its origin goes into the stage's CORS settings before anything is served
            portal = PortalServer(HOST, web, f"http://{HOST}:{port}", self.endpoint_url).bind(
                fallback=portal_port is None)
            taken.add(portal.port)
            province = known[stage].get("environment_variables", {}).get("PROVINCE", stage)
            self.stages.append(StageRun(stage, province, port, self.log_dir / stage, portal_port=portal.port,
                                        portal=portal))

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.moto_port}"

    # -- start -------------------------------------------------------------------------
    def start(self) -> None:
        """Moto, then every stage's resources, then the processes; returns once all answer."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        os.environ.update(FAKE_AWS, AWS_ENDPOINT_URL=self.endpoint_url)
        os.environ.pop("AWS_PROFILE", None)
        _no_proxy_for_local(os.environ)
        self._start_moto()
        self.zalo_oa = ZaloOaStandIn(HOST).start()
        self.zalo_oa.media["pothole.jpg"] = (demo_photo(), "image/jpeg")
        for run in self.stages:
            self._provision(run)
        for run in self.stages:
            self._spawn(run)
        deadline = time.monotonic() + self.startup_timeout
        for run in self.stages:
            self._wait_ready(run, deadline)
        for run in self.stages:  # the built portal (make web), calling this stage's API
            if run.portal is not None:
                run.portal.start()
        self.write_endpoints()

    def write_endpoints(self) -> Path:
        """<log dir>/endpoints.json: what `make token` and the inbox reader connect to (no guessed ports)."""
        path = self.log_dir / ENDPOINTS_FILE
        path.write_text(json.dumps({
            "moto_url": self.endpoint_url, "moto_port": self.moto_port,
            "zalo_oa_url": self.zalo_oa.url if self.zalo_oa else None,
            "stages": {r.stage: {"api_url": r.api_url, "port": r.port, "province": r.province,
                                 "portal_url": r.portal_url} for r in self.stages},
        }, indent=2), encoding="utf-8")
        return path

    def _start_moto(self) -> None:
        handler = logging.FileHandler(self.log_dir / "moto.log", mode="w", encoding="utf-8")
        werkzeug = logging.getLogger("werkzeug")  # moto server's request log: to the file, not the console
        werkzeug.addHandler(handler)
        werkzeug.setLevel(logging.INFO)
        werkzeug.propagate = False
        self._moto_log = handler
        server = MotoServer(ip_address=HOST, port=self.moto_port, verbose=False)
        server.start()
        if server.bind_error is not None:
            raise StackError(f"moto server cannot listen on {HOST}:{self.moto_port}: {server.bind_error}")
        self.moto = server

    def _provision(self, run: StageRun) -> None:
        run.log_dir.mkdir(parents=True, exist_ok=True)
        # the local portal's origin is the one the API's CORS and the media bucket's CORS allow
        run.stack = provision(run.stage, REGION, endpoint_url=self.endpoint_url,
                              parameters={"PortalOrigin": run.portal_url})
        run.staff = list(seed_demo_staff(run.stack, self.endpoint_url))
        if run.portal is not None:  # the console signs staff in against this stage's pool on the moto server
            run.portal.sign_in_with(self.endpoint_url + "/", run.stack.names[CLIENT_LOGICAL_ID])
        # filtered inboxes too, for the agencies the demo officers belong to
        # (not the admin's "-" nor the IOC: no agency alert is ever addressed to them)
        agencies = sorted({s["agency"] for s in run.staff if s.get("agency") not in (None, "-", IOC_AGENCY)})
        run.inboxes = dict(subscribe_inboxes(run.stack, self.endpoint_url, agencies=agencies))
        run.env = stage_environment(run.stack, self.endpoint_url, stage_variables(self.config, run.stage))
        if self.zalo_oa is not None:  # the OA's message API and its attachments come from the stand-in
            run.env.update(ZALO_API_BASE_URL=self.zalo_oa.url, ZALO_MEDIA_ALLOWED_HOSTS=self.zalo_oa.host_port)
        run.open311_key = seed_open311_key(run.env)  # digested under the stage's own settings
        (run.log_dir / "stack.json").write_text(json.dumps(asdict(run.stack), indent=2), encoding="utf-8")

    def _popen(self, cmd: list[str], env: dict[str, str], log_path: Path, stderr_to_log: bool) -> subprocess.Popen:
        out = log_path.open("w", encoding="utf-8")
        self._files.append(out)
        return subprocess.Popen(  # own session = own process group, out of reach of the terminal's Ctrl-C
            cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT if stderr_to_log else None, start_new_session=True,
        )

    def _spawn(self, run: StageRun) -> None:
        chalice = [sys.executable, "-m", "devstack.chalice_local"]  # the Chalice CLI, dying with us
        run.ready_file.unlink(missing_ok=True)
        with self.interrupts.critical():
            run.chalice = self._popen(
                [*chalice, "local", "--no-autoreload", "--stage", run.stage, "--host", HOST, "--port", str(run.port)],
                run.env, run.chalice_log, stderr_to_log=True)
        with self.interrupts.critical():
            run.runner = self._popen(
                [sys.executable, "-m", "devstack.runner", "--stage", run.stage,
                 "--stack", str(run.log_dir / "stack.json"), "--tick", str(self.tick), "--poll", str(self.poll),
                 "--days-ahead", str(self.days_ahead), "--ready-file", str(run.ready_file)],
                run.env, run.runner_log, stderr_to_log=False)  # its warnings and handler errors reach the console

    def _wait_ready(self, run: StageRun, deadline: float) -> None:
        """Poll /health and the runner's ready file until both answer, a child dies, or time runs out."""
        health, last = f"{run.api_url}/health", "no answer yet"
        api_up = False
        while time.monotonic() < deadline:
            for name, proc in run.processes():
                if proc.poll() is not None:
                    log = run.chalice_log if proc is run.chalice else run.runner_log
                    raise StackError(f"{name} exited with code {proc.returncode} while starting; "
                                     f"last lines of {log}:\n{_tail(log)}")
            if not api_up:
                try:
                    with _DIRECT.open(health, timeout=5) as resp:
                        api_up = resp.status == 200
                except urllib.error.HTTPError as exc:
                    last = f"HTTP {exc.code}: {exc.read()[:300]!r}"
                except OSError as exc:
                    last = str(exc)
            if api_up and run.ready_file.exists():
                run.mappings = json.loads(run.ready_file.read_text(encoding="utf-8")).get("mappings", [])
                return
            time.sleep(0.2)
        raise StackError(f"stage {run.stage} did not start within {self.startup_timeout:.0f} s "
                         f"(GET {health}: {last}); see {run.chalice_log} and {run.runner_log}")

    # -- run, stop -----------------------------------------------------------------------
    def watch(self) -> int:
        """Block until interrupted (0) or until a child dies (1)."""
        next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        while True:
            if time.monotonic() >= next_prune:
                prune_stream_iterators()
                next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
            for run in self.stages:
                for name, proc in run.processes():
                    if proc.poll() is not None:
                        print(f"\n{name} exited with code {proc.returncode}; see {run.log_dir}", file=sys.stderr)
                        return 1
            time.sleep(0.5)

    def stop(self) -> None:
        """Stop every process group started, then moto; safe to call twice and after a failed start."""
        self.interrupts.ignore()
        procs = [p for run in self.stages for _, p in run.processes()]
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(proc, signal.SIGKILL)  # whatever the group still holds (the leader or its children)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        for run in self.stages:
            run.chalice = run.runner = None
            if run.portal is not None:
                run.portal.stop()
                run.portal = None
        for f in self._files:
            f.close()
        self._files.clear()
        (self.log_dir / ENDPOINTS_FILE).unlink(missing_ok=True)
        if self.zalo_oa is not None:
            self.zalo_oa.stop()
            self.zalo_oa = None
        if self.moto is not None:
            self.moto.stop()
            self.moto = None
        if self._moto_log is not None:
            logging.getLogger("werkzeug").removeHandler(self._moto_log)
            self._moto_log.close()
            self._moto_log = None

    # -- people --------------------------------------------------------------------------
    def banner(self) -> str:
        rel = _relative(self.log_dir)
        lines = ["", "phananh local stack is running",
                 f"  AWS (moto server)  {self.endpoint_url}   log: {rel}/moto.log"]
        for run in self.stages:
            lines += [
                "",
                f"  stage {run.stage} (province {run.province})",
                f"    API            {run.api_url}",
                f"    portal         {run.portal_url}/" + ("" if run.portal and run.portal.built
                                                          else "   (not built: make web)"),
                f"    console        {run.portal_url}/dieu-hanh   (staff: sign in with a staff login below)",
                f"    logs           {_relative(run.chalice_log)}  {_relative(run.runner_log)}",
                "    event runner   " + ("\n                   ".join(run.mappings) or "(no event handlers yet)"),
            ]
            for login in run.staff:
                lines.append("    staff login    " + ", ".join(f"{k}: {v}" for k, v in login.items()))
            for key, value in run.inboxes.items():
                lines.append(f"    inbox          {key}: {value}")
            if run.open311_key:
                k = run.open311_key
                lines.append(f"    open311 key    {k['api_key']}   (client: {k['client']}, key id: {k['key_id']}; "
                             f"{run.api_url}/open311/v2/discovery.json)")
        if self.zalo_oa is not None:
            lines += ["", f"  Zalo OA stand-in   {self.zalo_oa.url}",
                      "                     (python -m devstack.zalo_play plays a conversation from the fixtures)"]
        first = self.stages[0]
        lines += ["", f"Try it (stage {first.stage}):", *example_requests(first.api_url, first.province),
                  *channel_requests(first.api_url, first.stage),
                  *open311_example(first.api_url, first.province, first.open311_key.get("api_key")), "",
                  "Handler errors from the event runner are also shown here.", "Ctrl-C to stop.", ""]
        return "\n".join(lines)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)  # start_new_session: the group id is the child's pid


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def example_report(province: str) -> dict[str, Any]:
    """A valid report for the province: a real ward of it, a point in it, category ha-tang-do-thi."""
    from chalicelib.provinces import load_profile

    profile = load_profile(province)
    ward, lat, lng = EXAMPLE_PLACES.get(profile.province_code, (None, 16.0, 108.0))
    if ward is None or profile.ward(ward) is None:
        ward = profile.wards[0].code
    return {
        "category": "ha-tang-do-thi",
        "description": "Ổ gà lớn giữa đường, xe máy đi qua rất dễ té ngã",
        "location": {"lat": lat, "lng": lng},
        "ward_code": ward,
        "reporter": {"name": "Nguyễn Văn A", "phone": "0912345678"},
        "channel": "app",
    }


def example_requests(api_url: str, province: str) -> list[str]:
    body = shlex.quote(json.dumps(example_report(province), ensure_ascii=False))
    return [
        f"  curl -s -X POST {api_url}/reports -H 'Content-Type: application/json' \\",
        f"       -H 'Idempotency-Key: demo-{int(time.time())}' -d {body}",
        "  # then follow it with the id and tracking_token from the answer:",
        f"  curl -s {api_url}/reports/<id> -H 'X-Tracking-Token: <tracking_token>'",
    ]


def channel_requests(api_url: str, stage: str) -> list[str]:
    """The channels beside the public API: the hotline desk (the demo hotline.operator) and the e-mail inbox."""
    call = {"category": "moi-truong", "description": "Người gọi báo rác thải đổ trộm ven đường nhiều ngày",
            "location": {"address": "Cuối đường Y Wang"}, "reporter": {"name": "Trần Thị Bình", "phone": "0912345678"}}
    return [
        "  # the hotline desk records a call (address only: it waits in the IOC's queue for placing):",
        f"  curl -s -X POST {api_url}/staff/intake -H 'Content-Type: application/json' \\",
        f"       -H \"Authorization: Bearer $(make -s token USER=hotline.operator STAGE={stage})\" \\",
        f"       -d {shlex.quote(json.dumps(call, ensure_ascii=False))}",
        "  # an e-mail to the inbox, as SES would store and notify it; then read the answer (and the SMS):",
        f"  make mail STAGE={stage} EML=tests/events/email_report_photo.eml",
        f"  .venv/bin/python -m devstack.inboxes --stage {stage}",
    ]


def open311_example(api_url: str, province: str, api_key: str | None) -> list[str]:
    """An Open311 POST as a GeoReport v2 client sends it (form fields), with the run's demo key."""
    if not api_key:
        return []
    report = example_report(province)
    fields = [("api_key", api_key), ("service_code", report["category"]), ("lat", str(report["location"]["lat"])),
              ("long", str(report["location"]["lng"])), ("description", report["description"]),
              ("first_name", "Nguyễn Văn"), ("last_name", "A"), ("phone", report["reporter"]["phone"])]
    data = " ".join(f"--data-urlencode {shlex.quote(f'{k}={v}')}" for k, v in fields)
    return [
        "  # Open311 GeoReport v2 (JSON or XML by the suffix), with the banner's key:",
        f"  curl -s {api_url}/open311/v2/requests.xml {data}",
        f"  curl -s {api_url}/open311/v2/requests.json",
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", dest="stages", action="append",
                        help="a stage of .chalice/config.json; repeat for provinces side by side (default: dev)")
    parser.add_argument("--port", type=int, help=f"first stage's API port (default {DEFAULT_API_PORT}; next stages +1)")
    parser.add_argument("--moto-port", type=int, help=f"moto server port (default {DEFAULT_MOTO_PORT})")
    parser.add_argument("--portal-port", type=int,
                        help=f"first stage's portal port (default {DEFAULT_PORTAL_PORT}; next stages +1)")
    parser.add_argument("--tick", type=float, default=30.0,
                        help="seconds between schedule ticks (0: each rule's own rate, e.g. SLA_SWEEP_MINUTES)")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between event polls when idle")
    parser.add_argument("--days-ahead", type=float, default=0.0,
                        help="run the event and schedule handlers' clock this many days ahead (e.g. 732 to see the "
                             "retention rule anonymise what ended now); the API keeps real time")
    parser.add_argument("--log-dir", type=Path, default=ROOT / ".devstack")
    parser.add_argument("--startup-timeout", type=float, default=120.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """`make run`: start everything, print how to use it, stop everything on Ctrl-C."""
    args = parse_args(argv)
    interrupts = _Interrupts()
    interrupts.install()
    stack: LocalStack | None = None
    try:
        stack = LocalStack(args.stages or ["dev"], api_port=args.port, moto_port=args.moto_port,
                           portal_port=args.portal_port, tick=args.tick,
                           poll=args.poll, days_ahead=args.days_ahead, log_dir=args.log_dir,
                           startup_timeout=args.startup_timeout,
                           interrupts=interrupts)
        print(f"starting moto on {stack.endpoint_url}, stages: {', '.join(r.stage for r in stack.stages)} ...",
              flush=True)
        stack.start()
        print(stack.banner(), flush=True)
        return stack.watch()
    except KeyboardInterrupt:
        return 0
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        interrupts.ignore()  # a second Ctrl-C must not cut the clean-up short
        if stack is not None:
            print("stopping ...", file=sys.stderr, flush=True)
            stack.stop()
            print("stopped.", file=sys.stderr, flush=True)
