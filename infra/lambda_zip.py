"""The deployment zip `chalice package` writes, finished for Lambda: bytecode compiled, imaging split out.

Lambda unpacks a function's code to /var/task and its layers to /opt, both read-only: Python cannot write
the `.pyc` files it compiles on import, so without them every cold start compiles every module it imports
from source. Chalice zips sources only, so the package step compiles them here (`compileall`, with
`--invalidation-mode unchecked-hash`: the bytecode is trusted as shipped, whatever mtimes the zip gives the
sources on extraction, and no source is read back to check a hash).

Pillow and pillow-heif (28% of Chalice's zip: `bench/package_size.py`) are decoded only by the functions
that read photos, so their files move to a Lambda layer (`python/` inside the zip, which Lambda puts on
sys.path as /opt/python), attached by infra/build.py to those functions only.

The zips are written deterministically (entries in Chalice's order, its timestamps kept, each `.pyc` with
its source's), so an unchanged layer zips to the same bytes and `aws cloudformation package` uploads it
once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

TASK_ROOT = "/var/task"  # where Lambda unpacks the function's code
LAYER_ROOT = "/opt"  # where Lambda unpacks its layers
LAYER_PREFIX = "python"  # the layer directory Lambda's Python runtimes put on sys.path


class PackageError(RuntimeError):
    """The zip cannot be finished as asked; the message says why."""


def pyc_name(source: str) -> str:
    """`pkg/mod.py` -> `pkg/__pycache__/mod.cpython-312.pyc`, for the interpreter running the build."""
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc").removeprefix("./")


def is_bytecode(name: str) -> bool:
    return name.endswith((".pyc", ".pyo")) or "__pycache__/" in name


def distribution_files(archive: zipfile.ZipFile, distribution: str) -> set[str]:
    """The files a distribution installed into the zip, from its dist-info RECORD (the dist-info included)."""
    wanted = distribution.lower().replace("-", "_")
    records = [n for n in archive.namelist() if n.endswith(".dist-info/RECORD")
               and n.split("/", 1)[0].removesuffix(".dist-info").rsplit("-", 1)[0].lower() == wanted]
    if len(records) != 1:
        raise PackageError(f"{distribution}: {len(records)} dist-info RECORD files in the zip (expected one)")
    files = set()
    for line in archive.read(records[0]).decode("utf-8").splitlines():
        name = line.rsplit(",", 2)[0] if line.count(",") >= 2 else line
        if name and not name.startswith("../") and "__pycache__/" not in name:
            files.add(name)
    return files & set(archive.namelist())


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    """Whether a path in the zip (`pkg/data/x.py`) matches one of the patterns (regular expressions from its start)."""
    return any(re.match(p, name) for p in patterns)


def compile_tree(root: Path, prefix: str, skip: tuple[str, ...] = ()) -> None:
    """Compile every .py under root, as the runtime will find it under `prefix` (tracebacks name that path),
    but those whose path from root matches a `skip` pattern (see `matches`)."""
    cmd = [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
           "-s", str(root), "-p", prefix]
    if skip:  # compileall searches -x in the full path of each file
        cmd += ["-x", "|".join(f"^{re.escape(f'{root}{os.sep}')}(?:{p})" for p in skip)]
    cmd.append(str(root))
    # Reproducible bytecode: one process (marshal flags an object by its reference count, which depends on what
    # else a worker compiled before), and a fixed hash seed (a set constant is written in its iteration order).
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise PackageError(f"compileall failed under {root}:\n{done.stdout}\n{done.stderr}")


def _write(target: Path, entries: Iterable[tuple[zipfile.ZipInfo, Path]]) -> None:
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, path in entries:
            out.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(target)


def _entries(infos: list[zipfile.ZipInfo], tree: Path, rename: str = "") -> list[tuple[zipfile.ZipInfo, Path]]:
    """Each source entry, and after each .py its compiled .pyc (same timestamp and mode)."""
    out = []
    for info in infos:
        if info.is_dir():
            continue
        name = f"{rename}/{info.filename}" if rename else info.filename
        out.append((_renamed(info, name), tree / info.filename))
        if info.filename.endswith(".py"):
            compiled = tree / pyc_name(info.filename)
            if compiled.is_file():
                out.append((_renamed(info, pyc_name(name)), compiled))
    return out


def _renamed(info: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(name, date_time=info.date_time)
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    return new


def finish(zip_path: Path, layers: dict[Path, tuple[str, ...]] | None = None, uncompiled: tuple[str, ...] = ()
           ) -> None:
    """Compile the zip's sources in place (but those matching an `uncompiled` pattern); move each layer's
    distributions out of it into that layer's zip."""
    layers = layers or {}
    with tempfile.TemporaryDirectory(prefix="lambda-zip-") as scratch:
        tree = Path(scratch) / "task"
        with zipfile.ZipFile(zip_path) as archive:  # bytecode is ours to write (Chalice zips a __pycache__ it finds)
            infos = [i for i in archive.infolist() if not (i.is_dir() or is_bytecode(i.filename))]
            archive.extractall(tree, [i.filename for i in infos])
            moved = {layer: set().union(*(distribution_files(archive, d) for d in dists))
                     for layer, dists in layers.items()}
        taken: set[str] = set()
        for files in moved.values():
            if files & taken:
                raise PackageError(f"a file belongs to two layers: {sorted(files & taken)[:5]}")
            taken |= files
        for layer, files in moved.items():
            layer_tree = Path(scratch) / layer.name
            layer_infos = [i for i in infos if i.filename in files]
            for info in layer_infos:
                dest = layer_tree / LAYER_PREFIX / info.filename
                dest.parent.mkdir(parents=True, exist_ok=True)
                (tree / info.filename).replace(dest)
            compile_tree(layer_tree, LAYER_ROOT)
            _write(layer, _entries(layer_infos, layer_tree / LAYER_PREFIX, rename=LAYER_PREFIX))
        compile_tree(tree, TASK_ROOT, uncompiled)
        _write(zip_path, _entries([i for i in infos if i.filename not in taken], tree))
