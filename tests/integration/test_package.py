"""`make package` output: the zip Lambda runs and the templates CloudFormation deploys.

The zip must carry Pillow's manylinux build (with its vendored libraries in
pillow.libs/), never one compiled against this machine, in the imaging layer
(python/ in imaging-layer.zip) and not in the zip every function shares; both
zips carry the bytecode of every module (Lambda's /var/task and /opt are
read-only: without it every cold start compiles from source); every
province's packaged template must pass cfn-lint.
"""

from __future__ import annotations

import importlib.util
import io
import json
import marshal
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from infra_builds import PROVINCE_STAGES, ZIP_STAGE, cfn_lint, packaged

from infra.build import IMAGING_LAYER_ZIP, UNCOMPILED
from infra.lambda_zip import LAYER_PREFIX, matches

AL2023_GLIBC = (2, 34)  # Lambda python3.12 runs on Amazon Linux 2023
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


IMAGING_TOPS = ("PIL/", "pillow.libs/", "pillow-", "pillow_heif/", "pillow_heif.libs/", "pillow_heif-", "_pillow_heif.")


@pytest.fixture(scope="module")
def deployment_zip():
    with zipfile.ZipFile(packaged(ZIP_STAGE) / "deployment.zip") as zf:
        yield zf


@pytest.fixture(scope="module")
def imaging_layer():
    with zipfile.ZipFile(packaged(ZIP_STAGE) / IMAGING_LAYER_ZIP) as zf:
        yield zf


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The zip and the layer unpacked as Lambda lays them out: /var/task and /opt."""
    root = tmp_path_factory.mktemp("lambda")
    for name, where in (("deployment.zip", "task"), (IMAGING_LAYER_ZIP, "opt")):
        with zipfile.ZipFile(packaged(ZIP_STAGE) / name) as zf:
            zf.extractall(root / where)
    return root


def _layer_name(name: str) -> str:
    assert name.startswith(f"{LAYER_PREFIX}/"), name
    return name.removeprefix(f"{LAYER_PREFIX}/")


def test_the_layer_holds_pillow_from_its_manylinux_wheel(imaging_layer):
    names = [_layer_name(n) for n in imaging_layer.namelist()]
    wheel = next(n for n in names if re.fullmatch(r"pillow-[\d.]+\.dist-info/WHEEL", n))
    tags = re.findall(r"^Tag: (\S+)$", imaging_layer.read(f"{LAYER_PREFIX}/{wheel}").decode(), flags=re.M)
    assert tags and all("manylinux" in t and t.startswith("cp312-cp312-") for t in tags), tags
    levels = [tuple(map(int, m.groups())) for t in tags if (m := re.search(r"manylinux_(\d+)_(\d+)_x86_64", t))]
    assert levels and min(levels) <= AL2023_GLIBC, f"no tag runs on glibc {AL2023_GLIBC}: {tags}"
    assert any(n.startswith("pillow.libs/") for n in names), "auditwheel's vendored libraries are missing"
    assert any(n.startswith("pillow_heif.libs/") for n in names), "pillow-heif's vendored libheif is missing"


def test_pillow_extension_loads_its_libraries_from_pillow_libs(imaging_layer):
    names = {_layer_name(n) for n in imaging_layer.namelist()}
    imaging = next(n for n in names if re.fullmatch(r"PIL/_imaging\.cpython-312-x86_64-linux-gnu\.so", n))
    binary = imaging_layer.read(f"{LAYER_PREFIX}/{imaging}")
    assert binary[:4] == b"\x7fELF"
    assert b"$ORIGIN/../pillow.libs" in binary, "the extension was not repaired by auditwheel (built here?)"
    vendored = set(re.findall(rb"(lib[\w+.-]+-[0-9a-f]{8}\.so[\d.]*)\x00", binary))
    assert vendored, "the extension names no vendored library"
    assert {f"pillow.libs/{v.decode()}" for v in vendored} <= names


def test_the_shared_zip_holds_nothing_of_pillow_and_pillow_heif(deployment_zip, imaging_layer):
    assert [n for n in deployment_zip.namelist() if n.startswith(IMAGING_TOPS)] == []
    layer = [_layer_name(n) for n in imaging_layer.namelist()]
    assert layer and all(n.startswith(IMAGING_TOPS) for n in layer), sorted(set(layer))[:10]
    assert {"PIL/Image.py", "pillow_heif/__init__.py", _pyc("PIL/Image.py")} <= set(layer)
    data = imaging_layer.read(f"{LAYER_PREFIX}/{_pyc('PIL/Image.py')}")
    assert int.from_bytes(data[4:8], "little") == 0b01
    assert marshal.loads(data[16:]).co_filename == "/opt/python/PIL/Image.py"


def _run(unpacked: Path, code: str, *layers: str) -> subprocess.CompletedProcess[str]:
    """`python -S` on the unpacked code (and layers): nothing of the venv is importable, as on Lambda."""
    paths = [str(unpacked / "task"), *(str(unpacked / layer / LAYER_PREFIX) for layer in layers)]
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1",
           "STAGE": "dev", "AWS_DEFAULT_REGION": "ap-southeast-1", "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    return subprocess.run([sys.executable, "-S", "-c", code], cwd=unpacked / "task", env=env, capture_output=True,
                          text=True, check=False)


def test_every_handler_loads_from_the_shared_zip_alone_and_none_imports_pillow(unpacked):
    code = ("import importlib, json, pkgutil, sys; import app, chalicelib.handlers as h, chalicelib.adapters.imaging\n"
            "for m in pkgutil.iter_modules(h.__path__): importlib.import_module(f'chalicelib.handlers.{m.name}')\n"
            "from chalicelib.rules.notices import sms_reachable; assert sms_reachable('0905 123 456')\n"
            "print(json.dumps({'handlers': sorted(app.app.handler_map), 'files': sorted(\n"
            "    f for m in list(sys.modules.values()) if (f := getattr(m, '__file__', None) or ''))}))\n"
            "import PIL")
    done = _run(unpacked, code)
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert {"make_thumbnails", "read_inbound_mail", "notify_report_changes"} <= set(loaded["handlers"])
    task = f"{unpacked / 'task'}{os.sep}"
    files = [f.removeprefix(task) for f in loaded["files"] if f.startswith(task)]
    assert "phonenumbers/data/region_VN.py" in files  # the phone check ran
    assert [f for f in files if matches(f, UNCOMPILED)] == []  # nothing a function loads is left uncompiled
    assert not [f for f in files if f.startswith(IMAGING_TOPS)]
    assert "ModuleNotFoundError: No module named 'PIL'" in done.stderr  # the zip alone has no Pillow to fall back on


def test_photos_decode_with_the_layer_jpeg_and_heic(unpacked, tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    import media_corpus

    heic = io.BytesIO()
    pillow_heif.from_pillow(media_corpus.picture((640, 480))).save(heic, quality=60)
    (tmp_path / "photo.jpg").write_bytes(media_corpus.jpeg((1600, 1200)))
    (tmp_path / "photo.heic").write_bytes(heic.getvalue())
    files = [str(tmp_path / "photo.jpg"), str(tmp_path / "photo.heic")]
    code = ("from chalicelib.adapters.imaging import make_renditions\n"
            f"for f in {files!r}: p = make_renditions(open(f, 'rb').read()); print(p.detected_type, p.width)\n"
            "import PIL; print(PIL.__file__)")
    done = _run(unpacked, code, "opt")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["image/jpeg 1600", "image/heic 640",
                                        str(unpacked / "opt" / LAYER_PREFIX / "PIL" / "__init__.py")]


def test_zip_holds_the_app_and_its_data_files(deployment_zip):
    names = set(deployment_zip.namelist())
    assert {"app.py", "chalicelib/__init__.py", "chalicelib/provinces/_defaults.json"} <= names
    assert {f"chalicelib/provinces/{stage}.json" for stage in PROVINCE_STAGES} <= names
    assert any(n.startswith("vietnam_provinces/") for n in names)
    unzipped = sum(i.file_size for i in deployment_zip.infolist())
    assert unzipped < LAMBDA_UNZIPPED_LIMIT, f"{unzipped / 2**20:.0f} MiB unzipped is over Lambda's limit"


def test_every_province_template_passes_cfn_lint():
    done = cfn_lint(*(packaged(stage) / "sam.json" for stage in PROVINCE_STAGES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_packaged_template_points_at_the_zip_beside_it():
    import json

    out = packaged(ZIP_STAGE)
    sam = json.loads((out / "sam.json").read_text(encoding="utf-8"))
    code_uris = {r["Properties"]["CodeUri"] for r in sam["Resources"].values()
                 if r["Type"] == "AWS::Serverless::Function"}
    assert code_uris == {"./deployment.zip"}
    assert (out / "deployment.zip").stat().st_size > 1_000_000
    layers = [r["Properties"]["Content"] for r in sam["Resources"].values() if r["Type"] == "AWS::Lambda::LayerVersion"]
    assert layers == [f"./{IMAGING_LAYER_ZIP}"]
    assert (out / IMAGING_LAYER_ZIP).stat().st_size > 1_000_000


def _pyc(source: str) -> str:
    head, _, stem = source.rpartition("/")
    return f"{head + '/' if head else ''}__pycache__/{stem[:-3]}.{sys.implementation.cache_tag}.pyc"


def test_zip_holds_the_bytecode_of_our_code_and_its_dependencies(deployment_zip):
    names = set(deployment_zip.namelist())
    ours = [n for n in names if n.endswith(".py") and (n == "app.py" or n.startswith("chalicelib/"))]
    assert len(ours) > 50
    assert [n for n in ours if _pyc(n) not in names] == []
    for module in ("chalice/app.py", "pydantic/main.py", "pydantic_core/__init__.py", "botocore/client.py",
                   "pynamodb/models.py", "aws_lambda_powertools/logging/logger.py", "phonenumbers/__init__.py"):
        assert module in names and _pyc(module) in names, module
    sources = {n for n in names if n.endswith(".py")}
    uncompiled = {n for n in sources if matches(n, UNCOMPILED)}
    assert uncompiled and not {_pyc(n) for n in uncompiled} & names  # never imported: no bytecode to weigh
    assert [n for n in sources - uncompiled if _pyc(n) not in names] == []
    assert sum(n.endswith(".pyc") for n in names) == len(sources - uncompiled)


def test_bytecode_is_unchecked_hash_for_this_runtime_and_names_the_lambda_path(deployment_zip):
    for source in ("app.py", "chalicelib/handlers/intake.py", "botocore/session.py"):
        data = deployment_zip.read(_pyc(source))
        assert data[:4] == importlib.util.MAGIC_NUMBER  # the build's Python is the functions' runtime
        flags = int.from_bytes(data[4:8], "little")
        assert flags == 0b01, f"{source}: flags {flags:#b} (want hash-based, unchecked: mtimes do not matter)"
        assert data[8:16] == importlib.util.source_hash(deployment_zip.read(source))
        assert marshal.loads(data[16:]).co_filename == f"/var/task/{source}"
