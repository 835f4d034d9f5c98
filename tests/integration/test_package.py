"""`make package` output: the zip Lambda runs and the templates CloudFormation deploys.

The zip must carry Pillow's manylinux build (with its vendored libraries in
pillow.libs/), never one compiled against this machine, and the bytecode of
every module (Lambda's /var/task is read-only: without it every cold start
compiles from source); every province's packaged template must pass cfn-lint.
"""

from __future__ import annotations

import importlib.util
import marshal
import re
import sys
import zipfile

import pytest
from infra_builds import PROVINCE_STAGES, ZIP_STAGE, cfn_lint, packaged

AL2023_GLIBC = (2, 34)  # Lambda python3.12 runs on Amazon Linux 2023
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


@pytest.fixture(scope="module")
def deployment_zip():
    with zipfile.ZipFile(packaged(ZIP_STAGE) / "deployment.zip") as zf:
        yield zf


def test_zip_holds_pillow_from_its_manylinux_wheel(deployment_zip):
    names = deployment_zip.namelist()
    wheel = next(n for n in names if re.fullmatch(r"pillow-[\d.]+\.dist-info/WHEEL", n))
    tags = re.findall(r"^Tag: (\S+)$", deployment_zip.read(wheel).decode(), flags=re.M)
    assert tags and all("manylinux" in t and t.startswith("cp312-cp312-") for t in tags), tags
    levels = [tuple(map(int, m.groups())) for t in tags if (m := re.search(r"manylinux_(\d+)_(\d+)_x86_64", t))]
    assert levels and min(levels) <= AL2023_GLIBC, f"no tag runs on glibc {AL2023_GLIBC}: {tags}"
    assert any(n.startswith("pillow.libs/") for n in names), "auditwheel's vendored libraries are missing"


def test_pillow_extension_loads_its_libraries_from_pillow_libs(deployment_zip):
    names = set(deployment_zip.namelist())
    imaging = next(n for n in names if re.fullmatch(r"PIL/_imaging\.cpython-312-x86_64-linux-gnu\.so", n))
    binary = deployment_zip.read(imaging)
    assert binary[:4] == b"\x7fELF"
    assert b"$ORIGIN/../pillow.libs" in binary, "the extension was not repaired by auditwheel (built here?)"
    vendored = set(re.findall(rb"(lib[\w+.-]+-[0-9a-f]{8}\.so[\d.]*)\x00", binary))
    assert vendored, "the extension names no vendored library"
    assert {f"pillow.libs/{v.decode()}" for v in vendored} <= names


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
    sources = sum(n.endswith(".py") for n in names)
    assert sum(n.endswith(".pyc") for n in names) == sources


def test_bytecode_is_unchecked_hash_for_this_runtime_and_names_the_lambda_path(deployment_zip):
    for source in ("app.py", "chalicelib/handlers/intake.py", "botocore/session.py"):
        data = deployment_zip.read(_pyc(source))
        assert data[:4] == importlib.util.MAGIC_NUMBER  # the build's Python is the functions' runtime
        flags = int.from_bytes(data[4:8], "little")
        assert flags == 0b01, f"{source}: flags {flags:#b} (want hash-based, unchecked: mtimes do not matter)"
        assert data[8:16] == importlib.util.source_hash(deployment_zip.read(source))
        assert marshal.loads(data[16:]).co_filename == f"/var/task/{source}"
