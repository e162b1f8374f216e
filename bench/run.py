"""Benchmark the auditor against the floor (one raw pg_catalog query) and its peers' ways.

    .venv/bin/python -m bench [--sizes 30,1000,10000] [--runs 5] [--admin-url URL]

For each size it builds a synthetic Supabase-shaped database on the server (a database of its
own, dropped afterwards), then measures in the same run: the full `auditor audit` as a user runs
it (a fresh process: start-up, connect, read, compare, render markdown), the auditor's catalog
queries alone (in process), and the reference points: one raw pg_catalog query of all tables and
columns (the floor), the floor as a new process (Python start-up, psycopg's import, connect,
query), the same query through information_schema, and `pg_dump --schema-only`. Start-up
costs are measured once: `python -c pass`, `auditor --help`, `auditor validate`. It prints a
table with ratios to the floor and the targets of issue 9, and writes the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from auditor.catalog.postgres import read_catalog
from bench import synthetic
from bench.measure import Measure, run_call, run_command

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_OUTPUT = REPO / "bench" / "results" / "latest.json"

FLOOR_SQL = """
select n.nspname, c.relname, a.attname, a.atttypid, a.attnotnull
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid
where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
"""

# The columns view alone: joining it to information_schema.tables as well takes PostgreSQL
# 15 about 45 s at 1,000 tables (the planner cannot see through the views' nested joins).
INFORMATION_SCHEMA_SQL = """
select table_schema, table_name, column_name, data_type, is_nullable
from information_schema.columns
where table_schema = 'public'
"""

# The floor as a new process must pay for it: start Python, import psycopg, connect, query.
FLOOR_PROCESS_CODE = "import sys, psycopg; psycopg.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()"

ROWS = (
    ("floor", "floor: one raw pg_catalog query"),
    ("floor_process", "floor as a new process (+ psycopg import)"),
    ("information_schema", "same through information_schema"),
    ("pg_dump", "pg_dump --schema-only"),
    ("catalog", "auditor catalog queries (in process)"),
    ("audit", "auditor audit -f markdown (new process)"),
)

# issue 9's targets
FLOOR_FACTOR = 2.0
MEMORY_LIMIT_MB = 200
LINEAR_SLACK = 1.2
STARTUP_LIMIT_MS = 150


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    auditor = _auditor_command()
    results: dict = {"machine": _machine(args.admin_url), "runs": args.runs, "sizes": {}}

    print(f"start-up ({args.startup_runs} runs each)...", file=sys.stderr)
    results["startup"] = {
        "python -c pass": run_command([sys.executable, "-c", "pass"], args.startup_runs).as_json(),
        "auditor --help": run_command([*auditor, "--help"], args.startup_runs).as_json(),
        "auditor validate": run_command(
            [*auditor, "validate", "--inventory", str(REPO / "inventory.yaml")], args.startup_runs
        ).as_json(),
    }
    with tempfile.TemporaryDirectory(prefix="auditor-bench-") as folder:
        for size in sizes:
            results["sizes"][str(size)] = _bench_size(args.admin_url, size, args.runs, auditor, Path(folder))

    results["targets"] = _targets(results, sizes)
    print(_table(results, sizes))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults written to {output}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30,1000,10000", help="numbers of tables, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each thing (median reported)")
    parser.add_argument("--startup-runs", type=int, default=21, help="runs of each start-up measure")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("AUDITOR_TEST_DATABASE_URL", DEFAULT_ADMIN_URL),
        help="a superuser URL of the server to create the databases on",
    )
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="where the JSON results go")
    return parser


def _auditor_command() -> list[str]:
    script = Path(sys.executable).parent / "auditor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "auditor"]


def _machine(admin_url: str) -> dict:
    with psycopg.connect(admin_url) as conn:
        server = conn.execute("select current_setting('server_version')").fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": server,
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "load_average_1min": round(os.getloadavg()[0], 1),  # other work on the machine inflates wall times
    }


def _bench_size(admin_url: str, size: int, runs: int, auditor: list[str], folder: Path) -> dict:
    name = f"auditor_bench_{size}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    print(f"{size} tables: building database {name}...", file=sys.stderr)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(admin_url, dbname=name)
    try:
        started = time.perf_counter()
        _build(url, size)
        build_s = time.perf_counter() - started
        inventory = folder / f"inventory-{size}.yaml"
        inventory.write_text(synthetic.inventory_yaml(size), encoding="utf-8")
        print(f"{size} tables: built in {build_s:.0f} s; measuring...", file=sys.stderr)
        measures: dict[str, Measure] = {
            "floor": run_call(lambda: _query(url, FLOOR_SQL), runs),
            "floor_process": run_command([sys.executable, "-c", FLOOR_PROCESS_CODE, url, FLOOR_SQL], runs),
            "information_schema": run_call(lambda: _query(url, INFORMATION_SCHEMA_SQL), runs),
            "pg_dump": run_command(_pg_dump(url), runs),
            "catalog": run_call(lambda: read_catalog(url, ("public",), environment="bench"), runs),
            "audit": run_command(
                [*auditor, "audit", "--db-url", url, "--inventory", str(inventory), "--format", "markdown"],
                runs,
                ok=(0, 1),
            ),
        }
        result = {key: m.as_json() for key, m in measures.items()}
        result["build_s"] = round(build_s, 1)
        result["columns"] = len(_query(url, FLOOR_SQL))
        return result
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def _build(url: str, size: int) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(synthetic.platform_sql())
        conn.execute(synthetic.storage_sql())
        conn.commit()
        for batch in synthetic.table_batches(size):
            conn.execute(batch)
            conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")


def _query(url: str, query: str) -> list[tuple]:
    """Connect, run one query, fetch every row: what any client of the catalog must do."""
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def _pg_dump(url: str) -> list[str]:
    return [shutil.which("pg_dump") or "pg_dump", "--schema-only", "--no-sync", "--dbname", url]


def _targets(results: dict, sizes: list[int]) -> dict:
    startup = results["startup"]
    python_ms = startup["python -c pass"]["median_ms"]
    targets = {
        "startup": {
            name: {"median_ms": startup[name]["median_ms"], "limit_ms": STARTUP_LIMIT_MS}
            for name in ("auditor --help", "auditor validate")
        }
    }
    for entry in targets["startup"].values():
        entry["ok"] = entry["median_ms"] < STARTUP_LIMIT_MS
    largest = results["sizes"][str(sizes[-1])]
    audit_ms, floor_ms = largest["audit"]["median_ms"], largest["floor"]["median_ms"]
    targets["floor"] = {
        "tables": sizes[-1],
        "audit_ms": audit_ms,
        "limit_ms": round(FLOOR_FACTOR * (floor_ms + python_ms), 1),
        "ratio": round(audit_ms / (floor_ms + python_ms), 2),
    }
    targets["floor"]["ok"] = audit_ms <= targets["floor"]["limit_ms"]
    targets["floor"]["ratio_to_floor_process"] = round(audit_ms / largest["floor_process"]["median_ms"], 2)
    targets["memory"] = {"tables": sizes[-1], "peak_mb": largest["audit"]["peak_mb"], "limit_mb": MEMORY_LIMIT_MB}
    targets["memory"]["ok"] = largest["audit"]["peak_mb"] < MEMORY_LIMIT_MB
    if len(sizes) >= 2 and sizes[-1] > sizes[-2]:
        big, small = sizes[-1], sizes[-2]
        big_ms = results["sizes"][str(big)]["audit"]["median_ms"] - python_ms
        small_ms = results["sizes"][str(small)]["audit"]["median_ms"] - python_ms
        factor = big / small
        targets["linear"] = {
            "sizes": [small, big],
            "growth": round(big_ms / small_ms, 2),
            "limit": round(LINEAR_SLACK * factor, 2),
            "ok": big_ms <= LINEAR_SLACK * factor * small_ms,
        }
    return targets


def _table(results: dict, sizes: list[int]) -> str:
    machine = results["machine"]
    lines = [
        f"PostgreSQL {machine['postgresql']}, Python {machine['python']}, {machine['cores']} cores "
        f"(load average {machine.get('load_average_1min', '?')} at the start); "
        f"median of {results['runs']} runs in ms, (ratio to the floor)",
        "",
    ]
    header = f"{'measure':<42}" + "".join(f"{f'{size:,} tables':>20}" for size in sizes)
    lines += [header, "-" * len(header)]
    for key, label in ROWS:
        cells = []
        for size in sizes:
            entry = results["sizes"][str(size)]
            ratio = entry[key]["median_ms"] / entry["floor"]["median_ms"]
            cells.append(f"{entry[key]['median_ms']:>9.0f} ({ratio:>5.1f}x)")
        lines.append(f"{label:<42}" + "".join(f"{c:>20}" for c in cells))
    peaks = "".join(f"{results['sizes'][str(s)]['audit']['peak_mb']:>17.0f} MB" for s in sizes)
    lines.append(f"{'auditor audit peak memory':<42}{peaks}")
    cpu = "".join(f"{results['sizes'][str(s)]['audit']['cpu_median_ms']:>17.0f} ms" for s in sizes)
    lines.append(f"{'auditor audit CPU time (user + system)':<42}{cpu}")
    columns = "".join(f"{results['sizes'][str(s)]['columns']:>20,}" for s in sizes)
    lines.append(f"{'(columns read)':<42}{columns}")
    lines.append("")
    for name, entry in results["startup"].items():
        lines.append(
            f"{name:<42}{entry['median_ms']:>9.0f} ms wall, {entry['cpu_median_ms']:.0f} ms CPU "
            f"(medians of {len(entry['runs_ms'])})"
        )
    lines += ["", "targets (issue 9):"]
    targets = results["targets"]
    for name, entry in targets["startup"].items():
        lines.append(f"  {_ok(entry)} {name}: {entry['median_ms']:.0f} ms < {entry['limit_ms']} ms")
    floor = targets["floor"]
    lines.append(
        f"  {_ok(floor)} audit at {floor['tables']:,} tables: {floor['audit_ms']:.0f} ms = {floor['ratio']}x "
        f"(floor + python start-up); limit {FLOOR_FACTOR}x = {floor['limit_ms']:.0f} ms"
    )
    lines.append(
        f"       (for reference: {floor['ratio_to_floor_process']}x the floor as a new process, "
        "which imports psycopg and connects as the audit must)"
    )
    memory = targets["memory"]
    lines.append(
        f"  {_ok(memory)} audit peak memory at {memory['tables']:,} tables: "
        f"{memory['peak_mb']:.0f} MB < {memory['limit_mb']} MB"
    )
    if "linear" in targets:
        linear = targets["linear"]
        small, big = linear["sizes"]
        lines.append(
            f"  {_ok(linear)} growth {small:,} -> {big:,} tables after python start-up: "
            f"{linear['growth']}x <= {linear['limit']}x"
        )
    return "\n".join(lines)


def _ok(entry: dict) -> str:
    return "PASS" if entry["ok"] else "FAIL"


if __name__ == "__main__":
    main()
