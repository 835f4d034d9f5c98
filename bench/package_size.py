"""Deployment package size per function: what Lambda unpacks for each (its code zip and its layers), and what
dominates it.

    .venv/bin/python bench/package_size.py [--package build/dev] [--zip OLD/deployment.zip] [--top 12]

With `--package` (what `make package` wrote: sam.json, deployment.zip, imaging-layer.zip), each function's
code zip and layers are read from its template: compressed and unzipped size per function, then per zip the
top-level entries that weigh most. `--zip` reads one zip alone (a build from before the layer, say). Without
either, the package is estimated from the venv: every file of the distributions requirements.txt names (the
ones `chalice package` installs) plus chalicelib/ and app.py, each deflated as the zip would (zlib level 6),
the bytecode the package step adds compiled in memory (none for infra/build.py's UNCOMPILED), and the
imaging distributions counted in their layer, so the figures need no package build. Lambda's limits: 50 MB
zipped for a direct upload (the deploy goes through S3, `aws cloudformation package`), 250 MB unzipped for a
function's code and layers together.
"""

from __future__ import annotations

import argparse
import json
import marshal
import re
import sys
import zipfile
import zlib
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from chalicelib.config import API_FUNCTION  # noqa: E402
from infra.build import IMAGING_DISTRIBUTIONS, IMAGING_FUNCTIONS, IMAGING_LAYER_ZIP, UNCOMPILED  # noqa: E402
from infra.lambda_zip import LAYER_PREFIX  # noqa: E402

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
                _count(sizes, name, path.read_bytes(), path.suffix == ".py" and not str(file).startswith(UNCOMPILED))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=None, help="a `make package` output directory (build/dev)")
    parser.add_argument("--zip", type=Path, default=None, help="one built zip to read alone")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    if args.zip:
        print_top(str(args.zip), from_zip(args.zip), args.top)
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
    shared = zips[functions[API_FUNCTION][0]]
    (code_zip, code_raw), pyc_zip, pyc_raw = total(shared), shared[0][BYTECODE], shared[1][BYTECODE]
    print(f"{BYTECODE} in the API's zip: {pyc_zip / MB:.1f} MB zipped ({100 * pyc_zip / max(code_zip, 1):.0f}%), "
          f"{pyc_raw / MB:.1f} MB unzipped ({100 * pyc_raw / max(code_raw, 1):.0f}%): compiled by the package step, "
          "as Lambda cannot write it at a cold start (infra/lambda_zip.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
