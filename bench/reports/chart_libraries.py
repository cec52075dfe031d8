"""Why the charts are Vega-Lite (altair + vl-convert) and not matplotlib: the same funnel drawn by both.

    .venv/bin/python bench/reports/chart_libraries.py --renders 20

Each library draws the funnel of six bars with its labels and numbers, as
SVG and as PNG (about 1100 px wide for both), from the figures: altair builds
the specification and vl-convert renders it, matplotlib builds the figure and
saves it; `--renders` times after one warm-up. Prints the median time, the CPU
per drawing (this process's, every thread: on a shared machine it moves less
than the wall clock) and the size. matplotlib is in the lock for the load
benchmark's plot; altair and vl-convert-python are the reports service's.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from reports.charts import specs  # noqa: E402
from reports.charts.render import render_sync  # noqa: E402
from reports.overview.schemas import FunnelRow, Overview, ScopeOut, Summary  # noqa: E402
from reports.scope import Scope  # noqa: E402

STEPS = [
    ("applied", "Mendaftar", 514),
    ("assessed", "Dinilai", 480),
    ("selected", "Terpilih", 250),
    ("mou_signed", "MoU ditandatangani", 248),
    ("mentoring", "Pendampingan", 245),
    ("completed", "Selesai", 190),
]


def overview() -> Overview:
    summary = Summary(
        participants=514,
        taking_part=480,
        mous_signed=248,
        tracks_opened=248,
        tracks_active=55,
        tracks_completed=190,
        tracks_withdrawn=3,
        completion_rate=0.766,
        population_taking_part=0,
        population_reached=0,
    )
    return Overview(
        scope=ScopeOut(phase_code="2027", province_code=None, region_code=None),
        summary=summary,
        statuses=[],
        funnel=[FunnelRow(step=s, label=label, reached=n) for s, label, n in STEPS],
        provinces=[],
        time_zones=[],
        stages=[],
        phases=[],
    )


def matplotlib_funnel(format_: str) -> bytes:
    figure, axes = plt.subplots(figsize=(5.6, 2.9), dpi=100)
    labels = [label for _, label, _ in STEPS][::-1]
    values = [n for _, _, n in STEPS][::-1]
    bars = axes.barh(labels, values, color="#0b5394")
    axes.bar_label(bars, padding=3)
    axes.set_xlabel("Peserta")
    axes.set_title("Corong peserta", loc="left")
    out = io.BytesIO()
    figure.savefig(out, format=format_, dpi=200, bbox_inches="tight")
    plt.close(figure)
    return out.getvalue()


def measure(draw, renders: int) -> tuple[float, float, int]:
    """(median wall-clock ms, mean CPU ms of this process, all threads, bytes) of a drawing."""
    draw()
    times = []
    cpu = time.process_time()
    for _ in range(renders):
        started = time.perf_counter()
        image = draw()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), (time.process_time() - cpu) * 1000 / renders, len(image)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    figures, scope = overview(), Scope(phase_code="2027")
    print("| library | format | median render | CPU per render | size |")
    print("| --- | --- | --- | --- | --- |")
    for format_ in ("svg", "png"):
        for name, draw in (
            ("altair + vl-convert", lambda f=format_: render_sync(specs.funnel(figures, scope, "id"), f)),
            ("matplotlib", lambda f=format_: matplotlib_funnel(f)),
        ):
            median, cpu, size = measure(draw, args.renders)
            print(f"| {name} | {format_} | {median:.0f} ms | {cpu:.0f} ms | {size / 1024:.1f} KiB |")


if __name__ == "__main__":
    main()
