"""infra/lambda_zip.py on a small zip shaped like Chalice's: bytecode compiled, a distribution moved to a layer."""

from __future__ import annotations

import importlib.util
import marshal
import sys
import zipfile
from pathlib import Path

import pytest

from infra.lambda_zip import PackageError, finish, pyc_name

TAG = sys.implementation.cache_tag


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return path


def _chalice_like(path: Path) -> Path:
    record = "imgdist/__init__.py,sha256=x,10\nimgdist/codec.py,,\nimgdist/libs/libcodec.so,,\n" \
             "imgdist-1.0.dist-info/RECORD,,\nimgdist/__pycache__/codec.cpython-312.pyc,,\n../../bin/imgtool,,\n"
    return _zip(path, {
        "app.py": b"import lib\n",
        "lib/__init__.py": b"VALUE = 1\n",
        f"lib/__pycache__/__init__.{TAG}.pyc": b"stale bytecode from a working tree",
        "lib/data/big.py": b"TABLE = {}\n",
        "imgdist/__init__.py": b"from imgdist.codec import decode\n",
        "imgdist/codec.py": b"def decode(b):\n    return b\n",
        "imgdist/libs/libcodec.so": b"\x7fELF...",
        "imgdist-1.0.dist-info/RECORD": record.encode(),
        "other-2.0.dist-info/RECORD": b"other/__init__.py,,\n",
        "other/__init__.py": b"",
    })


def test_sources_get_unchecked_hash_bytecode_named_for_lambda_and_stale_bytecode_is_replaced(tmp_path):
    code = _chalice_like(tmp_path / "deployment.zip")
    finish(code)
    with zipfile.ZipFile(code) as zf:
        names = zf.namelist()
        data = zf.read(f"lib/__pycache__/__init__.{TAG}.pyc")
        assert data[:4] == importlib.util.MAGIC_NUMBER and int.from_bytes(data[4:8], "little") == 0b01
        assert data[8:16] == importlib.util.source_hash(b"VALUE = 1\n")
        assert marshal.loads(data[16:]).co_filename == "/var/task/lib/__init__.py"
    assert names.count(f"lib/__pycache__/__init__.{TAG}.pyc") == 1
    assert names.index("app.py") < names.index(pyc_name("app.py")) < names.index("lib/__init__.py")


def test_a_layer_takes_its_distributions_files_under_python_and_the_code_zip_keeps_the_rest(tmp_path):
    code, layer = _chalice_like(tmp_path / "deployment.zip"), tmp_path / "layer.zip"
    finish(code, {layer: ("imgdist",)}, uncompiled=("lib/data/",))
    with zipfile.ZipFile(code) as zf:
        kept = set(zf.namelist())
    with zipfile.ZipFile(layer) as zf:
        moved = set(zf.namelist())
        codec = zf.read(f"python/imgdist/__pycache__/codec.{TAG}.pyc")
    assert moved == {"python/imgdist/__init__.py", "python/imgdist/codec.py", "python/imgdist/libs/libcodec.so",
                     "python/imgdist-1.0.dist-info/RECORD", f"python/imgdist/__pycache__/__init__.{TAG}.pyc",
                     f"python/imgdist/__pycache__/codec.{TAG}.pyc"}
    assert marshal.loads(codec[16:]).co_filename == "/opt/python/imgdist/codec.py"
    assert not any(n.startswith("imgdist") for n in kept)
    assert {"lib/data/big.py", "other/__init__.py", pyc_name("other/__init__.py")} <= kept
    assert pyc_name("lib/data/big.py") not in kept  # left uncompiled


def test_the_same_input_gives_the_same_zips(tmp_path):
    outputs = []
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        code, layer = _chalice_like(tmp_path / run / "deployment.zip"), tmp_path / run / "layer.zip"
        finish(code, {layer: ("imgdist",)})
        outputs.append((code.read_bytes(), layer.read_bytes()))
    assert outputs[0] == outputs[1]


def test_a_distribution_not_in_the_zip_is_refused(tmp_path):
    with pytest.raises(PackageError, match="missing: 0 dist-info RECORD"):
        finish(_chalice_like(tmp_path / "deployment.zip"), {tmp_path / "layer.zip": ("missing",)})
