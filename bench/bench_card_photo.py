"""Card photo benchmark: a 12-megapixel phone JPEG through `sanitise_card_photo` (JPEG draft
decode at reduced scale) against the naive way (full-resolution decode, then the same orientation,
resize and re-encode), side by side in one run.

The photo is generated: 4000×3000 sensor pixels of a card on a table with sensor noise, quality
92 (about 4.5 MB, like a phone's), EXIF with orientation 6 and a GPS position, an ICC profile and
XMP. Both ways produce the same 1200×1600 upright JPEG at quality 85 with the same (bicubic)
filter, so the difference is the decode.

Times: both ways in one process, alternating run by run, so background load on a shared
machine hits both alike. Peak memory: the growth of the peak resident set size (`VmHWM` in
/proc/self/status, Linux) over the resident size after imports and reading the file, in a fresh
subprocess per way, because Pillow allocates pixels outside Python's allocator (tracemalloc
cannot see them) and a process's peak never goes down. Target: sanitiser p50 <= 100 ms.

Run:  .venv/bin/python bench/bench_card_photo.py             (prints a Markdown table)
      .venv/bin/python bench/bench_card_photo.py --runs 100  (steadier p99)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageOps

from kiosk.uploads.card_images import DEFAULT_LONG_SIDE, JPEG_QUALITY, sanitise_card_photo
from tests.uploads.photo_samples import phone_jpeg

TARGET_P50_MS = 100.0
PHOTO_SIZE = (4000, 3000)


def naive_full_decode(data: bytes) -> bytes:
    """What one writes without `draft()`: decode every pixel, then orient, shrink, re-encode."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
    scale = DEFAULT_LONG_SIDE / max(upright.size)
    size = (round(upright.width * scale), round(upright.height * scale))
    small = upright.convert("RGB").resize(size, Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def sanitiser(data: bytes) -> bytes:
    """Lobby's way: `sanitise_card_photo` with its defaults."""
    return sanitise_card_photo(data).jpeg


WAYS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "sanitiser": ("`sanitise_card_photo` (draft decode at 1/2 scale)", sanitiser),
    "naive": ("naive: full-resolution decode + resize + re-encode", naive_full_decode),
}


@dataclass(frozen=True)
class MemoryUse:
    """One way's peak memory and output, passed from its worker subprocess as JSON."""

    peak_growth_bytes: int
    output_width: int
    output_height: int
    output_bytes: int


def resident_set_bytes(field: str) -> int:
    """`VmRSS` (now) or `VmHWM` (peak) of this process image, from /proc (Linux).

    Not `ru_maxrss`: Linux carries that over from the parent through fork and exec, so a worker
    started by the parent that just generated a 12-megapixel photo would report its peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def memory_use(way: str, photo_path: Path, conversions: int = 3) -> MemoryUse:
    """Convert the photo a few times in this (fresh) process; report how far its peak resident
    size rose above the size before the first decode."""
    data = photo_path.read_bytes()
    baseline = resident_set_bytes("VmRSS")
    output = b""
    for _ in range(conversions):
        output = WAYS[way][1](data)
    with Image.open(io.BytesIO(output)) as result:
        width, height = result.size
    return MemoryUse(resident_set_bytes("VmHWM") - baseline, width, height, len(output))


def memory_use_in_subprocess(way: str, photo_path: Path) -> MemoryUse:
    """Run `memory_use` in a fresh interpreter so each way's peak is its own."""
    completed = subprocess.run(
        [sys.executable, __file__, "--memory-worker", way, str(photo_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return MemoryUse(**json.loads(completed.stdout))


def interleaved_timings_ms(data: bytes, runs: int, warm_up_runs: int = 2) -> dict[str, list[float]]:
    """Time every way `runs` times, alternating run by run, so a busy machine slows both
    alike instead of whichever happened to run during the busy spell."""
    timings: dict[str, list[float]] = {way: [] for way in WAYS}
    for run in range(warm_up_runs + runs):
        order = list(WAYS) if run % 2 == 0 else list(reversed(WAYS))
        for way in order:
            started = time.perf_counter()
            WAYS[way][1](data)
            if run >= warm_up_runs:
                timings[way].append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile with linear interpolation between the closest runs."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def markdown_table(
    timings: dict[str, list[float]], memory: dict[str, MemoryUse], photo_bytes: int
) -> str:
    """The results side by side, with what was measured and on what."""
    runs = len(timings["sanitiser"])
    load = os.getloadavg()[0]
    lines = [
        f"Card photo: {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} phone JPEG, {photo_bytes / 1e6:.1f} MB, "
        f"EXIF orientation 6 + GPS; {runs} timed runs per way, interleaved, after 2 warm-up "
        f"runs; peak memory from a fresh subprocess per way. Python {sys.version.split()[0]}, "
        f"Pillow {PIL.__version__}, {os.cpu_count()} CPUs, load average {load:.1f} at the end.",
        "",
        "| way | p50 ms | p99 ms | peak memory (RSS growth) | output |",
        "|---|---:|---:|---:|---|",
    ]
    for way, (label, _) in WAYS.items():
        used = memory[way]
        lines.append(
            f"| {label} | {percentile(timings[way], 0.5):.1f} "
            f"| {percentile(timings[way], 0.99):.1f} "
            f"| {used.peak_growth_bytes / 2**20:.0f} MiB "
            f"| {used.output_width}×{used.output_height} JPEG, {used.output_bytes / 1e3:.0f} kB |"
        )
    ours = percentile(timings["sanitiser"], 0.5)
    naive = percentile(timings["naive"], 0.5)
    verdict = "meets" if ours <= TARGET_P50_MS else "MISSES"
    lines += [
        "",
        f"Sanitiser p50 {ours:.1f} ms {verdict} the {TARGET_P50_MS:.0f} ms target; "
        f"{naive / ours:.1f}× faster than the naive way.",
    ]
    return "\n".join(lines)


def main() -> None:
    """Generate the photo once, measure both ways, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed conversions per way")
    parser.add_argument(
        "--memory-worker", nargs=2, metavar=("WAY", "PHOTO"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.memory_worker:
        way, photo = arguments.memory_worker
        print(json.dumps(asdict(memory_use(way, Path(photo)))))
        return
    with tempfile.TemporaryDirectory(prefix="lobby-bench-") as directory:
        photo_path = Path(directory) / "phone.jpg"
        photo_path.write_bytes(phone_jpeg(PHOTO_SIZE, orientation=6))
        memory = {way: memory_use_in_subprocess(way, photo_path) for way in WAYS}
        timings = interleaved_timings_ms(photo_path.read_bytes(), arguments.runs)
        print(markdown_table(timings, memory, photo_path.stat().st_size))


if __name__ == "__main__":
    main()
