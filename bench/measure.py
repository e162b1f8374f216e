"""Timing helpers: wall time, CPU time and peak memory of a command, wall time of a call."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Measure:
    """Several runs of one thing: wall times in ms and, for commands, CPU time and peak RSS.

    CPU time (user + system) is reported beside wall time because it hardly moves when other
    processes load the machine, while wall time does.
    """

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def max_peak_mb(self) -> float | None:
        return max(self.peak_mb) if self.peak_mb else None

    def as_json(self) -> dict:
        result = {"median_ms": round(self.median_ms, 1), "runs_ms": [round(t, 1) for t in self.wall_ms]}
        if self.cpu_ms:
            result["cpu_median_ms"] = round(statistics.median(self.cpu_ms), 1)
        if self.peak_mb:
            result["peak_mb"] = round(max(self.peak_mb), 1)
        return result


def command_environment() -> dict[str, str]:
    """The environment a user has: bytecode caching on, no colour, no AUDITOR_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    return env


LAUNCHER = Path(__file__).with_name("launch.py")


def run_command(argv: Sequence[str], runs: int, ok: Sequence[int] = (0,), warmup: int = 1) -> Measure:
    """Run `argv` warmup + runs times through bench/launch.py; wall, CPU and peak RSS of each run."""
    measure = Measure()
    env = command_environment()
    for index in range(warmup + runs):
        launched = subprocess.run(
            [sys.executable, str(LAUNCHER), *argv], capture_output=True, text=True, env=env, check=True
        )
        result = json.loads(launched.stdout)
        if result["exit_code"] not in ok:
            raise RuntimeError(f"{' '.join(argv)} exited {result['exit_code']}: {result['stderr']}")
        if index >= warmup:
            measure.wall_ms.append(result["wall_ms"])
            measure.cpu_ms.append(result["cpu_ms"])
            measure.peak_mb.append(result["peak_mb"])
    return measure


def run_call(call: Callable[[], object], runs: int, warmup: int = 1) -> Measure:
    """Wall time of an in-process call, warmup + runs times."""
    measure = Measure()
    for index in range(warmup + runs):
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
        if index >= warmup:
            measure.wall_ms.append(elapsed)
    return measure
