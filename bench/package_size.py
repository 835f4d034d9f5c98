"""Deployment package size: how big the zip every function shares is, and what dominates it.

    .venv/bin/python bench/package_size.py [--zip build/dev/deployment.zip] [--top 12]

With `--zip` (what `make package` wrote), the real zip is read: compressed and unzipped size per top-level
entry. Without it, the zip is estimated from the venv: every file of the distributions requirements.txt
names (the ones `chalice package` installs) plus chalicelib/ and app.py, each deflated as the zip would
(zlib level 6), so the figures need no package build. Lambda's limits: 50 MB zipped for a direct upload,
250 MB unzipped.
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
import zlib
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def requirements(path: Path = ROOT / "requirements.txt") -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==", line.strip())
        if match:
            names.append(match.group(1))
    return names


def from_venv() -> tuple[Counter[str], Counter[str]]:
    """(deflated bytes, unzipped bytes) per distribution (and `our code`), from the installed files."""
    zipped: Counter[str] = Counter()
    raw: Counter[str] = Counter()
    for name in requirements():
        dist = metadata.distribution(name)
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file() and "__pycache__" not in path.parts:
                data = path.read_bytes()
                raw[name] += len(data)
                zipped[name] += len(zlib.compress(data, 6))
    for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*")]:
        if path.is_file() and "__pycache__" not in path.parts:
            data = path.read_bytes()
            raw["our code"] += len(data)
            zipped["our code"] += len(zlib.compress(data, 6))
    return zipped, raw


def from_zip(path: Path) -> tuple[Counter[str], Counter[str]]:
    zipped: Counter[str] = Counter()
    raw: Counter[str] = Counter()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            top = info.filename.split("/", 1)[0]
            zipped[top] += info.compress_size
            raw[top] += info.file_size
    return zipped, raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, default=None, help="a built deployment.zip to read")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    zipped, raw = from_zip(args.zip) if args.zip else from_venv()
    source = str(args.zip) if args.zip else "estimated from the venv (requirements.txt + our code)"
    total_zip, total_raw = sum(zipped.values()), sum(raw.values())
    print(f"deployment package ({source}): {total_zip / 1e6:.1f} MB zipped, {total_raw / 1e6:.1f} MB unzipped")
    for name, size in zipped.most_common(args.top):
        print(f"  {name:24s} {size / 1e6:6.1f} MB zipped ({100 * size / total_zip:4.1f}%), "
              f"{raw[name] / 1e6:6.1f} MB unzipped")
    imaging = sum(zipped[n] for n in zipped if n.lower().replace("_", "-") in ("pillow", "pillow-heif"))
    print(f"  the imaging libraries (Pillow, pillow-heif), decoded only by the thumbnailer and the e-mail inbox: "
          f"{imaging / 1e6:.1f} MB zipped ({100 * imaging / total_zip:.0f}%) of every function's package")
    return 0


if __name__ == "__main__":
    sys.exit(main())
