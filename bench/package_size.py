"""Deployment package size per function: what Lambda unpacks for each (its code zip and its layers), and what
dominates it.

    .venv/bin/python bench/package_size.py [--package build/dev] [--zip OLD/deployment.zip] [--top 12] [--unpack 5]

With `--package` (what `make package` wrote: sam.json, deployment.zip, imaging-layer.zip), each function's
code zip and layers are read from its template: compressed and unzipped size per function, then per zip the
top-level entries that weigh most. `--zip` reads one zip alone (a build from before the layer, say). Without
either, the package is estimated from the venv: every file of the distributions requirements.txt names (the
ones `chalice package` installs) plus chalicelib/ and app.py, each deflated as the zip would (zlib level 6),
the bytecode the package step adds compiled in memory (none for infra/build.py's UNCOMPILED), and the
imaging distributions counted in their layer, so the figures need no package build. Lambda's limits: 50 MB
zipped for a direct upload (the deploy goes through S3, `aws cloudformation package`), 250 MB unzipped for a
function's code and layers together.

`--unpack N` also times unpacking each function's zips into a fresh directory (median of N; `unzip` if there
is one, under /dev/shm unless `--unpack-dir` says otherwise): a stand-in for what Lambda does with them
before a new environment's first import, which cannot be timed without AWS. With `--package` and `--zip
OLD/deployment.zip` both, the old zip is unpacked in the same rotation, and the ratios are over it.
"""

from __future__ import annotations

import argparse
import json
import marshal
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from chalicelib.config import API_FUNCTION  # noqa: E402
from infra.build import IMAGING_DISTRIBUTIONS, IMAGING_FUNCTIONS, IMAGING_LAYER_ZIP, UNCOMPILED  # noqa: E402
from infra.lambda_zip import LAYER_PREFIX, matches  # noqa: E402

MB = 1e6
BYTECODE = "(bytecode, .pyc)"

Sizes = tuple[Counter[str], Counter[str]]  # (deflated bytes, unzipped bytes) per contributor


def requirements(path: Path = ROOT / "requirements.txt") -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==", line.strip())
        if match:
            names.append(match.group(1))
    return names


def _count(sizes: Sizes, name: str, data: bytes, source: bool) -> None:
    zipped, raw = sizes
    raw[name] += len(data)
    zipped[name] += len(zlib.compress(data, 6))
    if source:  # what compileall adds beside it: a 16-byte header and the marshalled code
        try:
            pyc = bytes(16) + marshal.dumps(compile(data, name, "exec", dont_inherit=True))
        except (SyntaxError, ValueError):
            return
        raw[BYTECODE] += len(pyc)
        zipped[BYTECODE] += len(zlib.compress(pyc, 6))


def from_venv() -> dict[str, Sizes]:
    """Per zip (deployment.zip, the imaging layer), the estimated size per distribution (and `our code`)."""
    out: dict[str, Sizes] = {"deployment.zip": (Counter(), Counter()), IMAGING_LAYER_ZIP: (Counter(), Counter())}
    imaging = {d.lower().replace("_", "-") for d in IMAGING_DISTRIBUTIONS}
    for name in requirements():
        sizes = out[IMAGING_LAYER_ZIP if name.lower().replace("_", "-") in imaging else "deployment.zip"]
        dist = metadata.distribution(name)
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file() and "__pycache__" not in path.parts:
                _count(sizes, name, path.read_bytes(), path.suffix == ".py" and not matches(str(file), UNCOMPILED))
    for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*")]:
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            _count(out["deployment.zip"], "our code", path.read_bytes(), path.suffix == ".py")
    return out


def from_zip(path: Path) -> Sizes:
    """Size per top-level entry (a layer's python/ prefix dropped), bytecode apart."""
    zipped: Counter[str] = Counter()
    raw: Counter[str] = Counter()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename.removeprefix(f"{LAYER_PREFIX}/") if info.filename.startswith(
                f"{LAYER_PREFIX}/") else info.filename
            top = BYTECODE if name.endswith(".pyc") else name.split("/", 1)[0]
            zipped[top] += info.compress_size
            raw[top] += info.file_size
    return zipped, raw


def functions_of(package: Path) -> dict[str, list[str]]:
    """Per function (Chalice's name), the zips Lambda unpacks for it: its code, then its layers."""
    resources = json.loads((package / "sam.json").read_text(encoding="utf-8"))["Resources"]
    out = {}
    for res in resources.values():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        name = API_FUNCTION if props["Handler"] == "app.app" else props["Handler"].rsplit(".", 1)[1]
        layers = [resources[layer["Ref"]]["Properties"]["Content"] for layer in props.get("Layers", [])]
        out[name] = [str(p).removeprefix("./") for p in (props["CodeUri"], *layers)]
    return dict(sorted(out.items()))


def total(sizes: Sizes) -> tuple[int, int]:
    return sum(sizes[0].values()), sum(sizes[1].values())


def print_functions(functions: dict[str, list[str]], zips: dict[str, Sizes]) -> None:
    print("per function (what Lambda unpacks for it: its code zip, then its layers):")
    for name, parts in functions.items():
        zipped = sum(total(zips[p])[0] for p in parts)
        raw = sum(total(zips[p])[1] for p in parts)
        print(f"  {name:24s} {zipped / MB:5.1f} MB zipped, {raw / MB:6.1f} MB unzipped  ({' + '.join(parts)})")


def print_top(title: str, sizes: Sizes, top: int) -> None:
    zipped, raw = sizes
    total_zip, total_raw = total(sizes)
    print(f"{title}: {total_zip / MB:.1f} MB zipped, {total_raw / MB:.1f} MB unzipped")
    for name, size in zipped.most_common(top):
        print(f"  {name:32s} {size / MB:5.1f} MB zipped ({100 * size / total_zip:4.1f}%), "
              f"{raw[name] / MB:5.1f} MB unzipped")


SHM = Path("/dev/shm")
UNZIP = shutil.which("unzip")  # Info-ZIP's, as a native unpacker is closer to Lambda's than Python's zipfile


def unpack_once(zips: tuple[Path, ...], into: Path | None) -> float:
    """Seconds to extract these zips into a fresh directory."""
    where = Path(tempfile.mkdtemp(prefix="unpack-", dir=into))
    try:
        start = time.perf_counter()
        for path in zips:
            if UNZIP:
                subprocess.run([UNZIP, "-q", str(path), "-d", str(where / path.stem)], check=True)
            else:
                with zipfile.ZipFile(path) as archive:
                    archive.extractall(where / path.stem)
        return time.perf_counter() - start
    finally:
        shutil.rmtree(where, ignore_errors=True)


def print_unpack(groups: dict[tuple[Path, ...], list[str]], runs: int, into: Path | None) -> None:
    """Each group's zips unpacked in turn, run after run (machine noise hits them alike); medians, the first
    run not counted (it warms the file cache)."""
    tool = "unzip" if UNZIP else "Python's zipfile"
    print(f"unpacked into a fresh directory under {into or tempfile.gettempdir()} ({tool}, median of {runs} "
          "interleaved runs; a stand-in for Lambda's own unpacking):")
    times: dict[tuple[Path, ...], list[float]] = {zips: [] for zips in groups}
    for run in range(runs + 1):
        for zips in groups:
            seconds = unpack_once(zips, into)
            if run:
                times[zips].append(seconds)
    first = statistics.median(next(iter(times.values())))
    for zips, names in groups.items():
        who = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"
        median = statistics.median(times[zips])
        print(f"  {who:40s} {median * 1000:6.0f} ms {median / first:5.2f}x  ({' + '.join(str(p) for p in zips)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=None, help="a `make package` output directory (build/dev)")
    parser.add_argument("--zip", type=Path, default=None,
                        help="one built zip to read alone (with --package and --unpack: the before of a before/after)")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--unpack", type=int, default=0, metavar="N", help="time unpacking each function's zips")
    parser.add_argument("--unpack-dir", type=Path, default=SHM if SHM.is_dir() else None,
                        help="where to unpack (default /dev/shm, in memory: a disk's own noise left out)")
    args = parser.parse_args(argv)
    if args.zip and not args.package:
        print_top(str(args.zip), from_zip(args.zip), args.top)
        if args.unpack:
            print_unpack({(args.zip,): ["every function"]}, args.unpack, args.unpack_dir)
        return 0
    if args.package:
        functions = functions_of(args.package)
        zips = {p: from_zip(args.package / p) for p in sorted({p for parts in functions.values() for p in parts})}
        source = str(args.package)
    else:
        from chalicelib import config

        zips = from_venv()
        names = [v for k, v in vars(config).items() if k.endswith("_FUNCTION") and isinstance(v, str)]
        functions = {n: ["deployment.zip", *([IMAGING_LAYER_ZIP] if n in IMAGING_FUNCTIONS else [])]
                     for n in sorted(names)}
        source = "estimated from the venv (requirements.txt + our code + the bytecode compileall adds)"
    print(f"deployment package ({source})")
    print_functions(functions, zips)
    users = {p: [n for n, parts in functions.items() if p in parts] for p in zips}
    for part, sizes in zips.items():
        who = "every function" if len(users[part]) == len(functions) else ", ".join(users[part])
        print_top(f"{part} ({who})", sizes, args.top)
    if args.unpack and args.package:
        groups: dict[tuple[Path, ...], list[str]] = {(args.zip,): ["every function, before"]} if args.zip else {}
        for name, parts in functions.items():
            groups.setdefault(tuple(args.package / p for p in parts), []).append(name)
        print_unpack(groups, args.unpack, args.unpack_dir)
    shared = zips[functions[API_FUNCTION][0]]
    (code_zip, code_raw), pyc_zip, pyc_raw = total(shared), shared[0][BYTECODE], shared[1][BYTECODE]
    print(f"{BYTECODE} in the API's zip: {pyc_zip / MB:.1f} MB zipped ({100 * pyc_zip / max(code_zip, 1):.0f}%), "
          f"{pyc_raw / MB:.1f} MB unzipped ({100 * pyc_raw / max(code_raw, 1):.0f}%): compiled by the package step, "
          "as Lambda cannot write it at a cold start (infra/lambda_zip.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
