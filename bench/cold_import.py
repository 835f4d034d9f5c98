"""Cold start: time to `import app` in a fresh interpreter vs `import boto3` alone.

Each sample is a new Python process (so nothing is cached in memory; the OS
file cache is warm for both alike), timed from inside the process around the
import statement only, so interpreter start-up is excluded on both sides. The
two are interleaved, run after run, so machine noise hits both equally.
Target: app / boto3 <= 1.3 (heavy modules are imported on first use).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def sample(module: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "ap-southeast-1", "STAGE": "dev"},
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="samples per module (>= 7)")
    args = parser.parse_args()
    sample("app"), sample("boto3")  # compile .pyc files once, outside the measurement
    app_times, boto_times = [], []
    for _ in range(max(args.runs, 7)):
        app_times.append(sample("app"))
        boto_times.append(sample("boto3"))
    app_ms, boto_ms = statistics.median(app_times) * 1000, statistics.median(boto_times) * 1000
    print(f"import app    median {app_ms:7.1f} ms over {len(app_times)} fresh interpreters")
    print(f"import boto3  median {boto_ms:7.1f} ms over {len(boto_times)} fresh interpreters")
    print(f"cold import ratio app/boto3 = {app_ms / boto_ms:.2f}x (target <= 1.30x)")


if __name__ == "__main__":
    main()
