"""The load benchmark's results: one row per concurrency step, read from locust's CSV files,
written as a Markdown table (load.md) and a plot (load.png)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Step:
    users: int
    requests: int
    failures: int
    rps: float
    p50: float  # milliseconds
    p95: float
    p99: float
    max: float
    load_before: float = 0.0  # the machine's 1-minute load average as the step began
    errors: dict[str, int] = field(default_factory=dict)  # "METHOD name: error" -> occurrences
    by_name: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # name -> (requests, p50, p95)
    cpu: dict[str, float] = field(default_factory=dict)  # process -> % of one core over the step
    slowest: dict[str, int] = field(default_factory=dict)  # name -> its requests among the step's slowest 5 %
    sessions: int = 0  # PostgreSQL sessions opened on the platform's database during the step

    def cpu_ms_per_request(self) -> float:
        """CPU the platform (services, gateway, PostgreSQL; not locust) spent per request served, in ms."""
        platform = sum(v for name, v in self.cpu.items() if name not in ("locust", "machine"))
        return 10 * platform / self.rps if self.rps else 0.0

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


def _number(value: str) -> float:
    return 0.0 if value in ("", "N/A") else float(value)


def read_locust_csv(prefix: Path, users: int, load_before: float = 0.0) -> Step:
    """A step from locust's `<prefix>_stats.csv` and `<prefix>_failures.csv` (`locust --csv <prefix>`)."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    step = Step(
        users=users,
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rps=_number(total["Requests/s"]),
        p50=_number(total["50%"]),
        p95=_number(total["95%"]),
        p99=_number(total["99%"]),
        max=_number(total["Max Response Time"]),
        load_before=load_before,
    )
    for row in rows:
        if row["Name"] != "Aggregated":
            step.by_name[f"{row['Type']} {row['Name']}"] = (
                int(row["Request Count"]),
                _number(row["50%"]),
                _number(row["95%"]),
            )
    times = Path(f"{prefix}_times.csv")  # written by locustfile.py: type, name, ms of each request
    if times.exists():
        with open(times, newline="") as f:
            timed = sorted(((float(ms), f"{kind} {name}") for kind, name, ms in csv.reader(f)), reverse=True)
        for _, name in timed[: -(-len(timed) // 20)]:  # the slowest 5 %, rounded up
            step.slowest[name] = step.slowest.get(name, 0) + 1
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with open(failures, newline="") as f:
            for row in csv.DictReader(f):
                step.errors[f"{row['Method']} {row['Name']}: {row['Error']}"] = int(row["Occurrences"])
    return step


def markdown(steps: Sequence[Step], heading: str, notes: Sequence[str] = ()) -> str:
    lines = [f"# {heading}", ""]
    lines += [*notes, ""] if notes else []
    lines += [
        "| users | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | error % | load avg before |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in steps:
        lines.append(
            f"| {s.users} | {s.requests} | {s.rps:.1f} | {s.p50:.0f} | {s.p95:.0f} | {s.p99:.0f} | {s.max:.0f}"
            f" | {s.failures} | {100 * s.error_rate:.2f} | {s.load_before:.2f} |"
        )
    names = sorted({name for s in steps for name in s.by_name})
    if names:
        lines += ["", "Per request, at each step: requests, p50 / p95 ms.", ""]
        lines.append("| request | " + " | ".join(f"{s.users} users" for s in steps) + " |")
        lines.append("| --- |" + " ---: |" * len(steps))
        for name in names:
            cells = []
            for s in steps:
                count, p50, p95 = s.by_name.get(name, (0, 0.0, 0.0))
                cells.append(f"{count}: {p50:.0f} / {p95:.0f}" if count else "")
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    if any(s.slowest for s in steps):
        lines += ["", "The slowest 5 % of each step's requests, by request: how many of them.", ""]
        lines.append("| request | " + " | ".join(f"{s.users} users" for s in steps) + " |")
        lines.append("| --- |" + " ---: |" * len(steps))
        slow = sorted(
            {name for s in steps for name in s.slowest}, key=lambda n: (-sum(s.slowest.get(n, 0) for s in steps), n)
        )
        for name in slow:
            lines.append(f"| `{name}` | " + " | ".join(str(s.slowest.get(name, "")) for s in steps) + " |")
    processes = list(dict.fromkeys(name for s in steps for name in s.cpu))
    if processes:
        cpu = (
            "CPU per process over each step, in % of one core (postgresql: the postmaster and its backends;"
            " machine: every core's busy time, whoever spent it); ms/request: the platform's CPU (not locust's)"
            " per request served; sessions: PostgreSQL sessions (connections) opened during the step."
        )
        lines += ["", cpu, ""]
        lines.append("| users | " + " | ".join(processes) + " | ms/request | sessions |")
        lines.append("| ---: |" + " ---: |" * (len(processes) + 2))
        for s in steps:
            cells = [f"{s.cpu.get(p, 0):.0f}" for p in processes] + [f"{s.cpu_ms_per_request():.2f}", str(s.sessions)]
            lines.append(f"| {s.users} | " + " | ".join(cells) + " |")
    errors = [(s.users, what, n) for s in steps for what, n in sorted(s.errors.items())]
    lines += ["", "Errors (any answer outside the expected statuses, timeouts, refused connections):", ""]
    lines += [f"- {users} users: {n} x {what}" for users, what, n in errors] or ["- none"]
    return "\n".join(lines) + "\n"


def plot(steps: Sequence[Step], path: Path, title: str) -> None:
    """Throughput and latency percentiles against users; errors marked where there are any."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    users = [s.users for s in steps]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(users, [s.rps for s in steps], marker="o", color="tab:blue", label="measured")
    per_user = steps[0].rps / steps[0].users if steps and steps[0].users else 0
    left.plot(users, [u * per_user for u in users], linestyle="--", color="gray", label="linear from the first step")
    left.set(xlabel="concurrent users", ylabel="requests per second", title="Throughput")
    errored = [s for s in steps if s.failures]
    if errored:
        left.scatter([s.users for s in errored], [s.rps for s in errored], color="tab:red", zorder=3, label="errors")
        for s in errored:
            left.annotate(
                f"{100 * s.error_rate:.1f}% errors",
                (s.users, s.rps),
                textcoords="offset points",
                xytext=(4, -12),
                fontsize=8,
                color="tab:red",
            )
    left.legend()
    for label, values in (
        ("p50", [s.p50 for s in steps]),
        ("p95", [s.p95 for s in steps]),
        ("p99", [s.p99 for s in steps]),
    ):
        right.plot(users, values, marker="o", label=label)
    right.set(xlabel="concurrent users", ylabel="milliseconds", title="Latency", yscale="log")
    right.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    right.legend()
    for axis in (left, right):
        axis.set_xscale("log")
        axis.set_xticks(users, [str(u) for u in users])
        axis.minorticks_off()
        axis.grid(True, alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
