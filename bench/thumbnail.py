"""Thumbnailer bench: our renditions vs naive Pillow vs pyvips, time and peak memory, printed as ratios.

    .venv/bin/python bench/thumbnail.py [--runs 3] [--reps 5]

Inputs are generated (seeded): a 4000 x 3000 photo-like JPEG at quality 90 and the same picture as a
12-megapixel PNG. Every contender makes the same two renditions, 1280 px and 320 px on the long side,
WebP quality 80, effort/method 4, no metadata kept:
- ours: `chalicelib.adapters.imaging.make_renditions` (one decode at the DCT scale covering 1280 px);
- naive: Pillow `open` + `thumbnail` + `save` once per size;
- pyvips: `thumbnail_buffer` + `webpsave_buffer` once per size (libvips' own shrink-on-load), with its
  default thread pool, and again with VIPS_CONCURRENCY=1 (a Lambda below 1,769 MB has one vCPU).

How it measures: each contender runs in a fresh subprocess per run (`--runs`), so no contender sees
another's heap or library pages. Inside it, after the imports (Pillow's plugins loaded too) and reading the
input, the kernel's peak-RSS mark is reset (`/proc/self/clear_refs` = 5), then the renditions are made
`--reps` times. Time is the median wall time of the reps after the first (the first pays lazy set-up).
Peak memory is the process's VmHWM (peak resident set, which counts C allocations such as libvips' and
libjpeg's that tracemalloc cannot see), reported for the whole process ("peak") and as the rise over the
RSS at the reset ("work"). Figures are the medians over the runs. Ratios are contender / pyvips (default threads).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1280, 320)
WEBP = {"quality": 80, "method": 4}
CONTENDERS = ("ours", "naive", "pyvips", "pyvips-1thread")


# -- inputs -----------------------------------------------------------------------


def make_inputs(folder: Path) -> dict[str, Path]:
    """A photo-like 4000 x 3000 picture (gradients, shapes, sensor-like noise) as JPEG q90 and as PNG."""
    from PIL import Image, ImageDraw

    w, h = 4000, 3000
    red = Image.linear_gradient("L").resize((w, h))
    green = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((w, h))
    blue = Image.effect_noise((w, h), 40)
    picture = Image.merge("RGB", (red, green, blue))
    draw, rnd = ImageDraw.Draw(picture), random.Random(5)
    for _ in range(300):
        x, y, s = rnd.randrange(w), rnd.randrange(h), rnd.randrange(20, 400)
        draw.ellipse((x, y, x + s, y + s), fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    jpeg, png = folder / "photo-4000x3000-q90.jpg", folder / "photo-12mp.png"
    picture.save(jpeg, "JPEG", quality=90)
    picture.save(png, "PNG")
    return {"JPEG 4000x3000 q90": jpeg, "PNG 12 MP": png}


# -- the contenders (run inside the worker subprocess) ---------------------------------


def _contender(name: str):
    if name == "ours":
        from PIL import Image

        from chalicelib.adapters.imaging import make_renditions

        Image.init()  # the libraries are loaded before the reset, for every contender alike

        def ours(data):
            return [len(r.data) for r in make_renditions(data, SIZES).renditions]

        return ours
    if name == "naive":
        from PIL import Image

        Image.init()

        def naive(data):
            sizes = []
            for size in SIZES:
                with Image.open(io.BytesIO(data)) as im:
                    im.thumbnail((size, size))
                    out = io.BytesIO()
                    im.save(out, "WEBP", **WEBP)
                    sizes.append(out.tell())
            return sizes

        return naive
    import pyvips

    def vips(data):
        return [len(pyvips.Image.thumbnail_buffer(data, size, size="down").webpsave_buffer(
            Q=WEBP["quality"], effort=WEBP["method"], keep="none")) for size in SIZES]

    return vips


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker(name: str, path: str, reps: int) -> None:
    """One contender, one input, in this fresh process: print times and peak memory as JSON."""
    sys.path.insert(0, str(ROOT))
    make = _contender(name)
    data = Path(path).read_bytes()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        reset = True
    except OSError:
        reset = False
    base_kb = _status_kb("VmRSS")
    times, out = [], []
    for _ in range(reps):
        start = time.perf_counter()
        out = make(data)
        times.append(time.perf_counter() - start)
    peak_kb = _status_kb("VmHWM")
    print(json.dumps({"times": times, "base_kb": base_kb, "peak_kb": peak_kb, "reset": reset, "bytes": out}))


# -- the driver ---------------------------------------------------------------------


def run_one(name: str, path: Path, reps: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if name == "pyvips-1thread":
        env["VIPS_CONCURRENCY"] = "1"
    proc = subprocess.run([sys.executable, __file__, "--worker", name, str(path), "--reps", str(reps)],
                          capture_output=True, text=True, env=env, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="fresh subprocesses per contender and input")
    parser.add_argument("--reps", type=int, default=6, help="renditions made per subprocess (first is warm-up)")
    parser.add_argument("--worker", nargs=2, metavar=("CONTENDER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.reps)
        return

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, runs={args.runs}, reps={args.reps} "
          f"(time: median of reps 2..n per run, then median over runs; memory: median over runs)")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        results: dict[tuple[str, str], dict] = {}
        for label, path in inputs.items():
            for name in CONTENDERS:
                runs = [run_one(name, path, args.reps) for _ in range(args.runs)]
                results[label, name] = {
                    "ms": statistics.median(statistics.median(r["times"][1:] or r["times"]) for r in runs) * 1000,
                    "total_mb": statistics.median(r["peak_kb"] for r in runs) / 1024,
                    "work_mb": statistics.median(r["peak_kb"] - r["base_kb"] for r in runs) / 1024,
                    "bytes": runs[0]["bytes"],
                    "reset": all(r["reset"] for r in runs),
                }
        for label, path in inputs.items():
            print(f"\n{label} ({path.stat().st_size / 1e6:.2f} MB)")
            print(f"  {'contender':15s} {'time ms':>8s} {'peak MB':>8s} {'work MB':>8s}  {'x pyvips: time':>14s} "
                  f"{'peak':>6s} {'work':>6s}  renditions (bytes)")
            ref = results[label, "pyvips"]
            for name in CONTENDERS:
                r = results[label, name]
                print(f"  {name:15s} {r['ms']:8.1f} {r['total_mb']:8.1f} {r['work_mb']:8.1f}  "
                      f"{r['ms'] / ref['ms']:14.2f} {r['total_mb'] / ref['total_mb']:6.2f} "
                      f"{r['work_mb'] / max(ref['work_mb'], 0.1):6.2f}  {r['bytes']}")
        ours, ref = results["JPEG 4000x3000 q90", "ours"], results["JPEG 4000x3000 q90", "pyvips"]
        t_ratio, m_ratio = ours["ms"] / ref["ms"], ours["total_mb"] / ref["total_mb"]
        w_ratio = ours["work_mb"] / max(ref["work_mb"], 0.1)
        print(f"\ntargets on the JPEG: time <= 1.0x pyvips: {t_ratio:.2f}x ({'met' if t_ratio <= 1.0 else 'NOT met'}); "
              f"peak memory <= 0.5x pyvips: {m_ratio:.2f}x whole process ({'met' if m_ratio <= 0.5 else 'NOT met'}), "
              f"{w_ratio:.2f}x for the work alone ({'met' if w_ratio <= 0.5 else 'NOT met'})")
        if not all(r["reset"] for r in results.values()):
            print("note: /proc/self/clear_refs was not writable: 'work' includes the imports' own peak")


if __name__ == "__main__":
    main()
