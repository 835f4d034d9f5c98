"""Cold start, measured honestly: process start to the first answer of each kind of function, vs a floor.

    .venv/bin/python bench/first_request.py [--runs 9]

`cold_import.py` times `import app`, which is cheap because everything is lazy: the cost moves to the first
request. This bench times what a new Lambda container pays before its first caller gets an answer. Each
sample is a fresh interpreter (bench/first_request_probe.py), timed by this process from spawning it to
reading the line it prints once the answer exists (interpreter start-up included on every side):

- intake:    `import app`, then `app.app(event, context)` (Chalice's own Lambda entry) with an API Gateway
             proxy event for POST /reports; the answer must be a 201;
- stream:    the first `notify_report_changes` batch: the INSERT record of a report just written, read
             from the table's stream (its notices go to SNS, its ledger to DynamoDB);
- thumbnail: the first `make_thumbnails` batch: the SQS message S3 sends for a photo just uploaded to a
             fresh upload offer (the renditions are made and written);
- staff:     the first GET /staff/reports with a Cognito ID token: the JWKS is fetched over HTTP from the
             local moto server (the pool's keys), the revocation marker read, the list queried;
- floor:     `import boto3`, one DynamoDB client, one `put_item` of a report-sized item: the least a
             function that answers with a DynamoDB write must pay;
- stack:     the floor plus the design card's libraries on intake's path, each used once and none of our
             code (Chalice's app, Powertools' Logger, Metrics and parser validating a pydantic model,
             PynamoDB's model layer, phonenumbers): the least an intake built on them can pay, so a
             target below its ratio cannot be met by any code of ours.

One moto server (devstack's, on a free port) holds the stage's resources; it is started and provisioned
once, outside the timing, and every event is prepared before its process is spawned. The kinds are
interleaved run after run, so machine noise hits them alike; printed: medians, spread (min-max) and each
kind's median over the floor's. Targets: intake <= 1.2x, the others <= 1.5x. With `--baseline DIR`, another
checkout's app is timed in the same rotation (same stage, same floor): a before/after in one run.

With `--package build/dev` (what `make package` wrote), the functions run from the unpacked package instead,
laid out as Lambda lays it out (`python -S`, the code directory then the function's layers on sys.path,
nothing compiled at import written back): once as built and once without its .pyc files, what the package
was before the package step compiled them. Given twice (`--package <a copy of an older build> --package
build/dev`), both are timed in one rotation, and a side-by-side table gives each over the first; with
`--checkout`, this checkout's app joins the rotation as the last column.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.intake_calls import REPORT  # noqa: E402  (the same submission the intake bench counts)

PROBE = ROOT / "bench" / "first_request_probe.py"
STAGE = "dev"
REGION = "ap-southeast-1"
TARGETS = {"intake": 1.2, "stream": 1.5, "thumbnail": 1.5, "staff": 1.5}
GRID_STEP = 0.006  # degrees, ~650 m: more than twice the profile's nearby radius (250 m)
GRID_SIDE = 12  # 144 points within ~3.6 km of Buon Ma Thuot's centre: more than a bench run submits
FLOORS = ("floor", "stack")  # timed from the venv, never from a package: what the app is compared with
FUNCTIONS = {"floor": "floor", "stack": "stack", "intake": "api_handler", "stream": "notify_report_changes",
             "thumbnail": "make_thumbnails", "staff": "api_handler"}


def api_event(method: str, path: str, resource: str, *, body: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, source_ip: str = "198.51.100.7",
              path_parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """An API Gateway (REST, proxy integration) event, as Lambda hands it to Chalice."""
    all_headers = {"content-type": "application/json", "host": "api.example.gov.vn", **(headers or {})}
    return {
        "resource": resource, "path": path, "httpMethod": method,
        "headers": all_headers, "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters, "stageVariables": None,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "path": f"/api{path}", "stage": "api",
                           "requestId": str(uuid.uuid4()), "identity": {"sourceIp": source_ip}},
        "body": json.dumps(body, ensure_ascii=False) if body is not None else None, "isBase64Encoded": False,
    }


def photo() -> bytes:
    """A 1600 x 1200 JPEG with some texture (a flat image would be unrealistically cheap to encode)."""
    from PIL import Image, ImageFilter

    image = Image.effect_noise((1600, 1200), 40).filter(ImageFilter.GaussianBlur(2)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


class Stage:
    """The provisioned stage on the moto server, and the events each sample needs."""

    def __init__(self, jwks_latency_ms: float = 0.0) -> None:
        from devstack.provision import provision
        from devstack.stack import MotoServer, load_chalice_config, stage_environment, stage_variables

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION})
        self.server = MotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        url = self.server.url
        self.stack = provision(STAGE, REGION, endpoint_url=url)
        self.env = stage_environment(self.stack, url, stage_variables(load_chalice_config(), STAGE),
                                     base={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        self.env.update(POWERTOOLS_LOG_LEVEL="WARNING", AWS_LAMBDA_FUNCTION_NAME="phananh-dev-bench")
        os.environ.update({k: v for k, v in self.env.items() if k != "AWS_LAMBDA_FUNCTION_NAME"})
        import boto3
        from chalice.test import Client

        import app
        from chalicelib import container

        container.reset()
        self.client = Client(app.app, stage_name=STAGE)
        self.s3 = boto3.client("s3", endpoint_url=url)
        self.streams = boto3.client("dynamodbstreams", endpoint_url=url)
        self.stream_arn = self.stack.stream_arns["ReportsTable"]
        shard = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][-1]
        self.iterator = self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard["ShardId"],
                                                        ShardIteratorType="LATEST")["ShardIterator"]
        self.token = self._staff_token(url)
        self.keys_server = None
        if jwks_latency_ms > 0:
            self.keys_server = SlowKeys(self._keys_url(url), jwks_latency_ms / 1000)
            self.env["STAFF_JWKS_URL"] = self.keys_server.url
        self.jpeg = photo()
        self.n = 0

    def _staff_token(self, url: str) -> str:
        import boto3

        from devstack.staff import DEMO_PASSWORD, seed_demo_staff, sign_in

        seed_demo_staff(self.stack, url)
        idp = boto3.client("cognito-idp", endpoint_url=url)
        pool, client = self.stack.names["StaffUserPool"], self.env["STAFF_CLIENT_IDS"].split(",")[0]
        return str(sign_in(idp, pool, client, "ioc.operator", DEMO_PASSWORD)["IdToken"])

    def body(self) -> tuple[dict[str, Any], str]:
        """A report from a phone, an address and a place of its own (the abuse limits refuse none of them).

        Each lands on its own point of a grid around the city centre, `GRID_STEP` apart (over twice the
        nearby radius): a real cell holds a few open reports of a category, and piling every sample on one
        point would make each run's nearby queries read all the earlier ones (a cost no citizen meets).
        """
        self.n += 1
        phone = f"0905 {self.n // 1000:03d} {self.n % 1000:03d}"
        row, column = divmod(self.n, GRID_SIDE)
        location = {"lat": round(REPORT["location"]["lat"] + (row - GRID_SIDE // 2) * GRID_STEP, 5),
                    "lng": round(REPORT["location"]["lng"] + (column - GRID_SIDE // 2) * GRID_STEP, 5)}
        return ({**REPORT, "location": location, "reporter": {**REPORT["reporter"], "phone": phone}},
                f"198.51.{self.n // 250}.{self.n % 250}")

    def submitted(self) -> dict[str, Any]:
        """A report written now through the app in this process (not timed)."""
        from chalice.local import LambdaEventConverter

        body, ip = self.body()
        LambdaEventConverter.LOCAL_SOURCE_IP = ip
        with contextlib.redirect_stdout(io.StringIO()):  # the app's EMF metric lines
            answer = self.client.http.post("/reports", headers={"Content-Type": "application/json"},
                                           body=json.dumps(body))
        assert answer.status_code == 201, answer.body
        return dict(json.loads(answer.body))

    def event(self, kind: str) -> dict[str, Any]:
        if kind in FLOORS:
            body, _ = self.body()
            item = {"id": {"S": f"BENCH-{uuid.uuid4().hex[:12]}"}, "category": {"S": body["category"]},
                    "description": {"S": body["description"]}, "lat": {"N": "12.68"}, "lng": {"N": "108.04"},
                    "ward_code": {"S": body["ward_code"]}, "state": {"S": "submitted"},
                    "reporter_name": {"S": body["reporter"]["name"]},
                    "reporter_phone": {"S": body["reporter"]["phone"]},
                    "created_at": {"S": "2026-12-03T10:00:00+00:00"}, "version": {"N": "1"}}
            return {"table": self.env["REPORTS_TABLE"], "item": item}
        if kind == "intake":
            body, ip = self.body()
            return api_event("POST", "/reports", "/reports", body=body, source_ip=ip)
        if kind == "staff":
            return api_event("GET", "/staff/reports", "/staff/reports",
                             headers={"authorization": f"Bearer {self.token}"})
        if kind == "stream":
            return self._stream_event()
        if kind == "thumbnail":
            return self._thumbnail_event()
        raise ValueError(kind)

    def _stream_event(self) -> dict[str, Any]:
        from devstack.events import dynamodb_event, dynamodb_record

        report = self.submitted()
        records: list[dict[str, Any]] = []
        for _ in range(20):
            page = self.streams.get_records(ShardIterator=self.iterator)
            self.iterator = page["NextShardIterator"]
            records += [r for r in page["Records"] if r["eventName"] == "INSERT"
                        and r["dynamodb"]["Keys"].get("id", {}).get("S") == report["id"]]
            if records:
                break
        assert records, f"no stream record for {report['id']}"
        return dynamodb_event(dynamodb_record(r, self.stream_arn, REGION) for r in records)

    def _thumbnail_event(self) -> dict[str, Any]:
        report = self.submitted()
        offer = self.client.http.post(f"/reports/{report['id']}/media",
                                      headers={"Content-Type": "application/json",
                                               "X-Tracking-Token": report["tracking_token"]},
                                      body=json.dumps({"content_type": "image/jpeg", "size": len(self.jpeg)}))
        assert offer.status_code == 201, offer.body
        key = json.loads(offer.body)["fields"]["key"]
        bucket = self.env["MEDIA_BUCKET"]
        self.s3.put_object(Bucket=bucket, Key=key, Body=self.jpeg, ContentType="image/jpeg")
        s3_event = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
                                 "eventName": "ObjectCreated:Post",
                                 "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                                        "object": {"key": key, "size": len(self.jpeg)}}}]}
        return {"Records": [{"messageId": str(uuid.uuid4()), "receiptHandle": "bench", "body": json.dumps(s3_event),
                             "attributes": {"ApproximateReceiveCount": "1",
                                            "SentTimestamp": str(int(time.time() * 1000))},
                             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                             "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:phananh-{STAGE}-thumbnails",
                             "awsRegion": REGION}]}

    def _keys_url(self, url: str) -> str:
        return f"{url}/{self.stack.names['StaffUserPool']}/.well-known/jwks.json"

    def stop(self) -> None:
        if self.keys_server is not None:
            self.keys_server.stop()
        self.server.stop()


class SlowKeys:
    """The pool's JWKS served from 127.0.0.1 after a delay: Cognito's keys are a TLS round trip away from a
    Lambda (DNS, TCP, TLS, GET), where moto's are next door. The document is the moto pool's own."""

    def __init__(self, source: str, delay_s: float) -> None:
        import threading
        import urllib.request
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        with urllib.request.urlopen(source, timeout=10) as response:
            document = response.read()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(delay_s)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(document)))
                self.end_headers()
                self.wfile.write(document)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/jwks.json"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()


@dataclass(frozen=True)
class App:
    """Where the timed app comes from: a checkout (run with the venv), or an unpacked package.

    An unpacked package runs as Lambda lays it out: `python -S` (no venv site-packages), the function's
    code directory first on sys.path then each of its layers' python/, PYTHONDONTWRITEBYTECODE=1 (Lambda's
    /var/task and /opt are read-only: nothing compiled at import is kept for the next cold start).
    """

    label: str
    root: Path
    paths: dict[str, list[Path]] | None = None  # per function (packages only): the code dir, then its layers
    compiled: bool = True  # a package unpacked with its .pyc files

    def command(self, kind: str, events: list[Path], flags: tuple[str, ...] = ()) -> tuple[list[str], dict[str, str],
                                                                                        Path]:
        """(argv, environment additions, working directory) for one sample; `flags`: the interpreter's own."""
        if self.paths is None or kind in FLOORS:  # the floors: the venv's libraries, never a package's (nor its .pyc)
            root = self.root if self.paths is None else ROOT
            return ([sys.executable, *flags, str(PROBE), FUNCTIONS[kind], *map(str, events)],
                    {"PYTHONPATH": str(root)}, root)
        probe = events[0].parent / "probe" / PROBE.name  # not bench/ as sys.path[0]: the package holds everything
        if not probe.exists():
            probe.parent.mkdir(exist_ok=True)
            probe.write_bytes(PROBE.read_bytes())
        paths = os.pathsep.join(str(p) for p in self.paths[FUNCTIONS[kind]])
        return ([sys.executable, "-S", *flags, str(probe), FUNCTIONS[kind], *map(str, events)],
                {"PYTHONPATH": paths, "PYTHONDONTWRITEBYTECODE": "1"}, self.root)


def unpack(package: Path, into: Path, *, bytecode: bool) -> dict[str, list[Path]]:
    """Unzip a `make package` output (sam.json, deployment.zip, the layers' zips) as Lambda would; per
    function, its sys.path entries. Without bytecode the .pyc files are left out: Python compiles each
    module from source, as it did before the package step compiled them."""
    template = json.loads((package / "sam.json").read_text(encoding="utf-8"))
    resources = template["Resources"]

    def extract(zip_name: str, where: Path) -> Path:
        if not where.exists():
            with zipfile.ZipFile(package / zip_name) as archive:
                archive.extractall(where, [n for n in archive.namelist() if bytecode or not n.endswith(".pyc")])
        return where

    paths: dict[str, list[Path]] = {}
    for res in resources.values():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        name = "api_handler" if props["Handler"] == "app.app" else props["Handler"].rsplit(".", 1)[1]
        entries = [extract(props["CodeUri"], into / "task")]
        for layer in props.get("Layers", []):
            logical = layer["Ref"]
            layer_props = resources[logical]["Properties"]
            content = layer_props.get("Content") or layer_props["ContentUri"]
            entries.append(extract(content, into / f"opt-{logical}") / "python")
        paths[name] = entries
    return paths


def sample(stage: Stage, kind: str, workdir: Path, app: App) -> tuple[float, float]:
    """(seconds from spawning a fresh interpreter to its first answer, seconds its second answer took): each
    event is prepared before the clock starts. The second answer, in the same process, is the work itself
    once warm: the first minus it is what the cold start adds."""
    first, warm, _ = _spawn(stage, kind, workdir, app)
    return first, warm


def _spawn(stage: Stage, kind: str, workdir: Path, app: App,
           flags: tuple[str, ...] = ()) -> tuple[float, float, str]:
    """(first answer's seconds, second answer's seconds, the probe's standard error); `flags`: the
    interpreter's own options."""
    paths = [workdir / f"{kind}.json", workdir / f"{kind}-warm.json"]
    for path in paths:
        path.write_text(json.dumps(stage.event(kind), ensure_ascii=False), encoding="utf-8")
    cmd, extra, cwd = app.command(kind, paths, flags)
    env = {**stage.env, **extra}
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:  # EMF metric lines come first; the probe's own lines start with "ok "
        if line.startswith("ok "):
            if not lines:
                elapsed = time.perf_counter() - start
            lines.append(line)
            if len(lines) == 2:
                break
    _, err = process.communicate()
    expected = {"intake": "ok 201", "staff": "ok 200"}.get(kind, "ok")
    if len(lines) < 2 or any(not line.startswith(expected) or (kind in ("stream", "thumbnail")
                                                               and "failures=0" not in line) for line in lines):
        raise SystemExit(f"{kind} ({app.label}): unexpected answers {lines!r}\n{err[-3000:]}")
    return elapsed, float(lines[1].split()[-1]), err


# Who a first request's imports belong to, by top-level package: the floor pays the AWS SDK and the standard
# library too; the design card fixes the frameworks; what is left is ours.
OWNERS = (
    ("AWS SDK", ("boto3", "botocore", "s3transfer", "urllib3", "jmespath", "dateutil", "six", "certifi")),
    ("Chalice", ("chalice",)),
    ("Powertools", ("aws_lambda_powertools",)),
    ("pydantic", ("pydantic", "pydantic_core", "annotated_types", "typing_extensions", "typing_inspection")),
    ("PynamoDB", ("pynamodb",)),
    ("phonenumbers", ("phonenumbers",)),
    ("Pillow", ("PIL", "pillow_heif")),
    ("PyJWT+crypto", ("jwt", "cryptography", "cffi", "_cffi_backend")),
    ("ours", ("chalicelib", "app")),
)


def import_owners(importtime: str) -> dict[str, float]:
    """Milliseconds of `-X importtime` self time per owner (the rest: the standard library and other packages)."""
    owner_of = {package: owner for owner, packages in OWNERS for package in packages}
    totals: dict[str, float] = {}
    for line in importtime.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        fields = line[len("import time:"):].split("|")
        if not fields[0].strip().isdigit():
            continue  # the header line
        owner = owner_of.get(fields[2].strip().split(".")[0], "stdlib+other")
        totals[owner] = totals.get(owner, 0.0) + int(fields[0]) / 1000
    return totals


def import_rows(stage: Stage, kinds: list[str], workdir: Path, app: App) -> dict[str, dict[str, float]]:
    """One `-X importtime` run per kind: where each first request's import time goes, by owner."""
    return {kind: import_owners(_spawn(stage, kind, workdir, app, ("-X", "importtime"))[2]) for kind in kinds}


def report_imports(rows: dict[str, dict[str, float]], label: str) -> None:
    owners = [name for name, _ in OWNERS] + ["stdlib+other"]
    print(f"imports before each first answer ({label}), ms of -X importtime self time, one run each "
          "(the tracing inflates them; read them as shares)")
    print(f"  {'':9s}" + "".join(f"{name[:12]:>13s}" for name in [*owners, "total"]))
    for kind, row in rows.items():
        print(f"  {kind:9s}" + "".join(f"{row.get(name, 0.0):13.1f}" for name in owners)
              + f"{sum(row.values()):13.1f}")
    if "staff" in rows:
        print("  (staff: the keys' prefetch thread imports PyJWT while the request imports the rest; -X importtime "
              "nests the two threads' imports into each other, so that row overstates both)")


def report(title: str, times: dict[str, list[tuple[float, float]]]) -> None:
    floor = statistics.median(first for first, _ in times["floor"])
    print(f"{title}, fresh interpreters, {len(times['floor'])} interleaved runs (median, min-max; ratio = median / "
          "floor's median; warm: the same process's second answer, the work without the cold start)")
    for kind, samples in times.items():
        values = [first for first, _ in samples]
        median, warm = statistics.median(values), statistics.median(w for _, w in samples)
        line = (f"  {kind:9s} {median * 1000:7.0f} ms  ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"
                f"  warm {warm * 1000:5.0f} ms")
        if kind == "stack":
            line += f"  {median / floor:5.2f}x the floor (the design card's libraries alone: no target can be below it)"
        elif kind != "floor":
            ratio, target = median / floor, TARGETS[kind]
            line += f"  {ratio:5.2f}x the floor (target <= {target:.1f}x: {'met' if ratio <= target else 'MISSED'})"
        print(line)
    bounds = lower_bounds(times)
    if bounds:
        cells = [f"{kind} {bound:.2f}x" + (" (over its target)" if bound > TARGETS[kind] else "")
                 for kind, bound in bounds.items()]
        print("  least any code of ours could reach (x the floor): " + ", ".join(cells))
        print("    intake: the stack's; every function: the floor plus its own warm work (the answer's work "
              "itself, paid even with no cold start)")


def lower_bounds(times: dict[str, list[tuple[float, float]]]) -> dict[str, float]:
    """Per function, a first answer no change of our code can beat, over the floor's median: the floor plus
    the function's warm work (what its second answer costs, less the floor's own warm write), and for intake
    also the stack row (the design card's libraries on its path). A target under its bound cannot be met."""
    def median(kind: str, warm: bool) -> float:
        return statistics.median(sample[1 if warm else 0] for sample in times[kind])

    floor = median("floor", False)
    bounds = {}
    for kind in times:
        if kind in FLOORS:
            continue
        least = floor + max(median(kind, True) - median("floor", True), 0.0)
        if kind == "intake" and "stack" in times:
            least = max(least, median("stack", False))
        bounds[kind] = least / floor
    return bounds


def package_apps(packages: list[Path], tmp: Path) -> list[App]:
    """Each package unpacked as built and, if it carries bytecode, once more without it (source only)."""
    apps = []
    for n, package in enumerate(packages):
        with zipfile.ZipFile(package / "deployment.zip") as archive:
            has_pyc = any(name.endswith(".pyc") for name in archive.namelist())
        for bytecode in (False, True) if has_pyc else (False,):
            label = f"{package}, source only" if has_pyc and not bytecode else str(package)
            where = tmp / f"package-{n}-{'pyc' if bytecode else 'src'}"
            apps.append(App(label, where / "task", unpack(package, where, bytecode=bytecode), compiled=bytecode))
    return apps


def compare(apps: list[App], kinds: list[str], times: dict[str, dict[str, list[tuple[float, float]]]]) -> None:
    """Each kind's median first answer per app, over the first app's (the before of a before/after)."""
    first = apps[0].label

    def median(label: str, kind: str) -> float:
        return statistics.median(cold for cold, _ in times[label][kind])

    print(f"side by side (median; ratio = median / {first}'s):")
    for kind in [k for k in kinds if k not in FLOORS]:
        base = median(first, kind)
        cells = [f"{median(a.label, kind) * 1000:5.0f} ms {median(a.label, kind) / base:4.2f}x" for a in apps]
        print(f"  {kind:9s} " + " | ".join(cells))
    print("  columns: " + " | ".join(a.label for a in apps))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="interleaved samples per kind (>= 5)")
    parser.add_argument("--only", nargs="*", choices=[k for k in FUNCTIONS if k not in FLOORS], default=None)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout of this repository (e.g. `git worktree add /tmp/base main`): its app "
                             "is timed too, interleaved with this one's, against the same floor")
    parser.add_argument("--imports", action="store_true",
                        help="then one -X importtime run per kind: import time by owner (AWS SDK, frameworks, ours)")
    parser.add_argument("--jwks-latency", type=float, default=0.0, metavar="MS",
                        help="serve the staff pool's keys after MS milliseconds, as Cognito's are a round trip away")
    parser.add_argument("--package", type=Path, action="append", default=[],
                        help="a `make package` output directory (build/dev: sam.json, deployment.zip, layers), run "
                             "unpacked as Lambda lays it out, as built and without its .pyc files; repeat it for a "
                             "before/after (e.g. a copy of an older build first); the checkout is not timed then")
    parser.add_argument("--checkout", action="store_true",
                        help="with --package: time this checkout too, in the same rotation (last column)")
    args = parser.parse_args(argv)
    kinds = [*FLOORS, *(args.only or [k for k in FUNCTIONS if k not in FLOORS])]
    stage = Stage(args.jwks_latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.package:
                apps = package_apps([p.resolve() for p in args.package], Path(tmp))
                apps += [App("this checkout", ROOT)] if args.checkout else []
            else:
                apps = [App("this checkout", ROOT),
                        *([App("baseline", args.baseline.resolve())] if args.baseline else [])]
            trials = [(app, kind) for kind in kinds for app in apps if kind not in FLOORS or app is apps[0]]
            times: dict[str, dict[str, list[tuple[float, float]]]] = {app.label: {} for app in apps}
            for app, kind in trials:  # compile .pyc files and warm the file cache, outside the measurement
                sample(stage, kind, Path(tmp), app)
            for run in range(max(args.runs, 5)):
                order = trials[run % len(trials):] + trials[:run % len(trials)]  # rotate who goes first
                for app, kind in order:
                    times[app.label].setdefault(kind, []).append(sample(stage, kind, Path(tmp), app))
            for app in apps:  # source only must stay so: a .pyc written by any sample would void its figures
                if app.paths is not None and not app.compiled and next(app.root.parent.rglob("*.pyc"), None):
                    raise SystemExit(f"{app.label}: bytecode was written into the unpacked package")
            imports = import_rows(stage, kinds, Path(tmp), apps[0]) if args.imports else {}
    finally:
        stage.stop()
    for app in apps:
        series = {**{k: times[apps[0].label][k] for k in FLOORS},
                  **{k: times[app.label][k] for k in kinds if k not in FLOORS}}
        report(f"first request ({app.label}: {app.root})" if len(apps) > 1 else "first request", series)
    if len(apps) > 1:
        compare(apps, kinds, times)
    if imports:
        report_imports(imports, apps[0].label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
