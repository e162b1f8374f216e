"""Measuring: samples of commands and calls, taken interleaved, summarised as medians and paired ratios.

Every measure of a comparison is taken once per round, in turn (A, B, C, A, B, C...), so a burst
of load on the machine falls on all of them alike; a ratio is computed within each round (A1/B1,
A2/B2...) and its median reported with its spread, which says how noisy the machine was.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).with_name("launch.py")


@dataclass(frozen=True)
class Sample:
    wall_ms: float
    cpu_ms: float | None = None  # commands only: user + system time of the process
    peak_mb: float | None = None  # commands only: peak resident memory
    round_trips: int | None = None  # through a latency proxy only


Measure = Callable[[], Sample]


def command_environment() -> dict[str, str]:
    """The environment a user has: bytecode caching on, no colour, no AUDITOR_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    return env


def command(argv: Sequence[str], ok: Sequence[int] = (0,)) -> Measure:
    """Run `argv` through bench/launch.py: wall time, CPU time and peak memory of the process."""
    env = command_environment()

    def run() -> Sample:
        launched = subprocess.run(
            [sys.executable, str(LAUNCHER), *argv], capture_output=True, text=True, env=env, check=True
        )
        result = json.loads(launched.stdout)
        if result["exit_code"] not in ok:
            raise RuntimeError(f"{' '.join(argv)} exited {result['exit_code']}: {result['stderr']}")
        return Sample(result["wall_ms"], result["cpu_ms"], result["peak_mb"])

    return run


def call(function: Callable[[], object]) -> Measure:
    """Wall time of an in-process call."""

    def run() -> Sample:
        started = time.perf_counter()
        function()
        return Sample((time.perf_counter() - started) * 1000)

    return run


def interleaved(measures: Mapping[str, Measure], runs: int, warmup: int = 1) -> dict[str, list[Sample]]:
    """`runs` rounds (after `warmup` unrecorded ones), each taking every measure once, in turn."""
    samples: dict[str, list[Sample]] = {name: [] for name in measures}
    for index in range(warmup + runs):
        for name, measure in measures.items():
            sample = measure()
            if index >= warmup:
                samples[name].append(sample)
    return samples


def summary(samples: Sequence[Sample]) -> dict:
    walls = [s.wall_ms for s in samples]
    result = {"median_ms": round(statistics.median(walls), 1), "runs_ms": [round(w, 1) for w in walls]}
    if samples[0].cpu_ms is not None:
        result["cpu_median_ms"] = round(statistics.median(s.cpu_ms for s in samples), 1)
    if samples[0].peak_mb is not None:
        result["peak_mb"] = round(max(s.peak_mb for s in samples), 1)
    if samples[0].round_trips is not None:
        result["round_trips"] = max(s.round_trips for s in samples)
    return result


def paired(numerators: Sequence[Sample], denominators: Sequence[Sample]) -> dict:
    """The ratios round by round: their median, and the lowest and highest (the noise)."""
    ratios = [a.wall_ms / b.wall_ms for a, b in zip(numerators, denominators, strict=True)]
    return {
        "median": round(statistics.median(ratios), 2),
        "min": round(min(ratios), 2),
        "max": round(max(ratios), 2),
    }
