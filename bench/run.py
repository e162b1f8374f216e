"""Benchmark the auditor against its reference points, over a network and at scale.

    .venv/bin/python -m bench [--sizes 1000,10000,30000] [--grants supabase,plain]
                              [--rtts 0,40,100] [--runs 5] [--admin-url URL] [--output FILE]

Three parts, each measured interleaved (every measure once per round, in turn) and compared
within each round (paired ratios, with their spread):

* start-up: `python -c pass`, `auditor --help`, `auditor validate`;
* latency: the 36-table OurVidz database behind a proxy that adds a fixed delay each way
  (bench/latency.py), at each round-trip time: `auditor audit`, `psql` running the floor query,
  the floor as a new Python process and `pg_dump --schema-only`, their wall times and the round
  trips each waited on, counted at the proxy;
* scale: synthetic Supabase-shaped databases of each size (bench/synthetic.py), with Supabase's
  grants and with plain ones: the floor query in process and as a new process, the auditor's
  catalog read in process, `auditor audit` and `auditor snapshot` as new processes (wall, CPU,
  peak memory), the same query through information_schema and `pg_dump --schema-only`.

It prints the tables and the targets of issue 18, and writes every sample as JSON.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psycopg
from psycopg import sql

from auditor.catalog.postgres import read_catalog
from auditor.demo import fixture_sql
from bench import synthetic
from bench.latency import LatencyProxy
from bench.measure import Measure, Sample, call, command, interleaved, paired, summary

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

# The floor as a new process, on the audit's terms: start Python, import psycopg, connect,
# query, with the cyclic GC off and the process ended without the interpreter's teardown,
# as auditor.cli.main does.
FLOOR_PROCESS_CODE = (
    "import gc, os, sys; gc.disable(); import psycopg; "
    "psycopg.connect(sys.argv[1], autocommit=True).execute(sys.argv[2]).fetchall(); sys.stdout.flush(); os._exit(0)"
)

# pg_dump locks every table in one transaction: 30,000 tables overflow a default server's lock table
# (max_locks_per_transaction 64 x max_connections 100: "out of shared memory"), and fill it for
# every other session meanwhile, so it is not run on larger databases.
PG_DUMP_MAX_TABLES = 10_000

# issue 18's targets
ROUND_TRIPS = 3
PSQL_FACTOR, PSQL_RTT, PSQL_SIZE = 1.5, 40, "36"
FLOOR_FACTOR, FLOOR_SIZE = 2.0, 10_000
MEMORY_LIMIT_MB = 200
LINEAR_SLACK = 1.25  # how much more a table may cost between the two larger sizes than between the two smaller


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s)
    grants = [g for g in args.grants.split(",") if g]
    rtts = [float(r) for r in args.rtts.split(",") if r]
    output = Path(args.output)
    auditor = _auditor_command()
    started = time.monotonic()
    results: dict = {"machine": _machine(args.admin_url), "runs": args.runs}

    say(f"start-up ({args.startup_runs} rounds)...")
    results["startup"] = _startup(auditor, args.startup_runs)
    with tempfile.TemporaryDirectory(prefix="auditor-bench-") as folder:
        if rtts:
            results["latency"] = _latency(args.admin_url, rtts, args.runs, auditor)
            _write(results, output)
        results["sizes"] = {}
        for size in sizes:
            results["sizes"][str(size)] = _scale(args.admin_url, size, grants, args.runs, auditor, Path(folder))
            _write(results, output)  # what is measured so far survives a failure of what follows
    results["machine"]["load_average_end"] = round(os.getloadavg()[0], 1)
    results["bench_s"] = round(time.monotonic() - started)
    results["targets"] = _targets(results, sizes, grants)
    print(_report(results, sizes, grants))
    _write(results, output)
    say(f"results written to {output}")


def _write(results: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,30000", help="numbers of tables, comma-separated")
    parser.add_argument("--grants", default=",".join(synthetic.GRANTS), help="supabase, plain, or both")
    parser.add_argument("--rtts", default="0,40,100", help="round-trip times in ms for the latency part ('' skips it)")
    parser.add_argument("--runs", type=int, default=5, help="measured rounds of each comparison")
    parser.add_argument("--startup-runs", type=int, default=11, help="rounds of the start-up measures")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("AUDITOR_TEST_DATABASE_URL", DEFAULT_ADMIN_URL),
        help="a superuser URL of the server to create the databases on (TCP)",
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
        "load_average_start": round(os.getloadavg()[0], 1),  # other work on the machine inflates wall times
    }


def _startup(auditor: list[str], runs: int) -> dict:
    measures = {
        "python -c pass": command([sys.executable, "-c", "pass"]),
        "auditor --help": command([*auditor, "--help"]),
        "auditor validate": command([*auditor, "validate", "--inventory", str(REPO / "inventory.yaml")]),
    }
    return {name: summary(samples) for name, samples in interleaved(measures, runs).items()}


# --- latency -----------------------------------------------------------------------------


def _latency(admin_url: str, rtts: list[float], runs: int, auditor: list[str]) -> dict:
    """The 36-table OurVidz database behind the latency proxy, at each round-trip time."""
    results = {}
    with _database(admin_url, "ourvidz") as url:
        say("latency: building the OurVidz database...")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(fixture_sql())
            conn.execute("vacuum analyze")
        target = psycopg.conninfo.conninfo_to_dict(admin_url)
        dbname = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
        for rtt in rtts:
            say(f"latency: {rtt:g} ms round trips, {runs} rounds...")
            with LatencyProxy((target.get("host") or "127.0.0.1", int(target.get("port") or 5432)), rtt) as proxy:
                remote = proxy.url(dbname)
                inventory = str(REPO / "inventory.yaml")
                measures = {
                    "psql": command(["psql", "-X", "-A", "-t", "-q", "-c", FLOOR_SQL, remote]),
                    "audit": command(
                        [*auditor, "audit", "--db-url", remote, "-i", inventory, "-f", "markdown"], (0, 1)
                    ),
                    "floor_process": command([sys.executable, "-c", FLOOR_PROCESS_CODE, remote, FLOOR_SQL]),
                    "pg_dump": command(_pg_dump(remote)),
                }
                samples = interleaved({name: _counted(proxy, m) for name, m in measures.items()}, runs)
            entry = {name: summary(s) for name, s in samples.items()}
            entry["audit_to_psql"] = paired(samples["audit"], samples["psql"])
            entry["audit_to_floor_process"] = paired(samples["audit"], samples["floor_process"])
            results[f"{rtt:g}"] = entry
    return results


def _counted(proxy: LatencyProxy, measure: Measure) -> Measure:
    def run() -> Sample:
        proxy.reset()
        sample = measure()
        return replace(sample, round_trips=proxy.round_trips)

    return run


# --- scale -------------------------------------------------------------------------------


def _scale(admin_url: str, size: int, grants: list[str], runs: int, auditor: list[str], folder: Path) -> dict:
    results: dict = {}
    with _database(admin_url, str(size)) as url:
        say(f"{size:,} tables: building...")
        started = time.perf_counter()
        _build(url, size)
        results["build_s"] = round(time.perf_counter() - started, 1)
        results["columns"] = len(_query(url, FLOOR_SQL))
        inventory = folder / f"inventory-{size}.yaml"
        inventory.write_text(synthetic.inventory_yaml(size), encoding="utf-8")
        for index, kind in enumerate(grants):
            _set_grants(url, kind)
            say(f"{size:,} tables, {kind} grants: {runs} rounds...")
            measures = {
                "floor": call(lambda: _query(url, FLOOR_SQL)),
                "floor_process": command([sys.executable, "-c", FLOOR_PROCESS_CODE, url, FLOOR_SQL]),
                "catalog": call(lambda: read_catalog(url, ("public",), environment="bench")),
                "audit": command([*auditor, "audit", "--db-url", url, "-i", str(inventory), "-f", "markdown"], (0, 1)),
                "snapshot": command([*auditor, "snapshot", "--env", "bench", "--db-url", url, "-o", "-", "-q"]),
            }
            if index == 0:  # the same whatever the grants
                measures["information_schema"] = call(lambda: _query(url, INFORMATION_SCHEMA_SQL))
                if size <= PG_DUMP_MAX_TABLES:
                    measures["pg_dump"] = command(_pg_dump(url))
            samples = interleaved(measures, runs)
            entry = {name: summary(s) for name, s in samples.items()}
            entry["audit_to_floor_process"] = paired(samples["audit"], samples["floor_process"])
            results[kind] = entry
    return results


@contextmanager
def _database(admin_url: str, label: str) -> Iterator[str]:
    name = f"auditor_bench_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield psycopg.conninfo.make_conninfo(admin_url, dbname=name)
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


def _set_grants(url: str, kind: str) -> None:
    """Give the tables `kind` grants, then compact pg_class, so both kinds read a catalog of one shape."""
    with psycopg.connect(url, autocommit=True) as conn:
        grants = synthetic.grants_sql(kind)
        if grants:
            conn.execute(grants)
        conn.execute("vacuum full pg_catalog.pg_class")
        conn.execute("vacuum analyze")


def _query(url: str, query: str) -> list[tuple]:
    """Connect, run one query, fetch every row: what any client of the catalog must do."""
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def _pg_dump(url: str) -> list[str]:
    return [shutil.which("pg_dump") or "pg_dump", "--schema-only", "--no-sync", "--dbname", url]


# --- targets and the printed report ------------------------------------------------------


def _targets(results: dict, sizes: list[int], grants: list[str]) -> dict:
    targets: dict = {}
    latency = results.get("latency", {})
    if latency:
        trips = max(entry["audit"]["round_trips"] for entry in latency.values())
        psql = max(entry["psql"]["round_trips"] for entry in latency.values())
        targets["round_trips"] = {"audit": trips, "psql": psql, "limit": ROUND_TRIPS, "ok": trips <= ROUND_TRIPS}
    if f"{PSQL_RTT:g}" in latency:
        ratio = latency[f"{PSQL_RTT:g}"]["audit_to_psql"]
        targets["psql"] = {"rtt_ms": PSQL_RTT, **ratio, "limit": PSQL_FACTOR, "ok": ratio["median"] <= PSQL_FACTOR}
    if str(FLOOR_SIZE) in results["sizes"]:
        at = results["sizes"][str(FLOOR_SIZE)]
        targets["floor_process"] = {
            kind: {**at[kind]["audit_to_floor_process"], "limit": FLOOR_FACTOR} for kind in grants
        }
        for entry in targets["floor_process"].values():
            entry["ok"] = entry["median"] <= FLOOR_FACTOR
    if not sizes:
        return targets
    largest = results["sizes"][str(sizes[-1])]
    targets["memory"] = {
        "tables": sizes[-1],
        **{f"{what}_mb": max(largest[kind][what]["peak_mb"] for kind in grants) for what in ("audit", "snapshot")},
        "limit_mb": MEMORY_LIMIT_MB,
    }
    targets["memory"]["ok"] = max(targets["memory"]["audit_mb"], targets["memory"]["snapshot_mb"]) < MEMORY_LIMIT_MB
    if len(sizes) >= 3:
        targets["linear"] = {what: _linearity(results, sizes, grants[0], what) for what in ("audit", "snapshot")}
    return targets


def _linearity(results: dict, sizes: list[int], kind: str, what: str) -> dict:
    """Peak memory per table between the two smaller sizes and between the two larger ones."""
    small, middle, large = sizes[0], sizes[len(sizes) // 2], sizes[-1]

    def peak(size: int) -> float:
        return results["sizes"][str(size)][kind][what]["peak_mb"]

    first = (peak(middle) - peak(small)) / (middle - small) * 1024  # KB per table
    second = (peak(large) - peak(middle)) / (large - middle) * 1024
    return {
        "kb_per_table": [round(first, 2), round(second, 2)],
        "sizes": [small, middle, large],
        "ok": second <= LINEAR_SLACK * first,
    }


def _report(results: dict, sizes: list[int], grants: list[str]) -> str:
    machine = results["machine"]
    lines = [
        f"PostgreSQL {machine['postgresql']}, Python {machine['python']}, {machine['cores']} cores; load average "
        f"{machine['load_average_start']} at the start, {machine['load_average_end']} at the end; "
        f"{results['runs']} interleaved rounds; bench took {results['bench_s']} s",
        "",
    ]
    lines += ["start-up (median wall / CPU ms):"]
    lines += [
        f"  {name:<22}{entry['median_ms']:>7.0f} {entry['cpu_median_ms']:>7.0f}"
        for name, entry in results["startup"].items()
    ]
    if results.get("latency"):
        lines += [
            "",
            "latency: the 36-table OurVidz database through the proxy (median wall ms (round trips); paired ratios)",
            f"  {'RTT':<7}" + "".join(f"{h:>19}" for h in LATENCY_COLUMNS),
        ]
        for rtt, entry in results["latency"].items():
            cells = [
                _ms_trips(entry["psql"]),
                _ms_trips(entry["audit"]),
                _ratio(entry["audit_to_psql"]),
                _ms_trips(entry["floor_process"]),
                _ratio(entry["audit_to_floor_process"]),
                _ms_trips(entry["pg_dump"]),
            ]
            lines.append(f"  {rtt + ' ms':<7}" + "".join(f"{cell:>19}" for cell in cells))
        cpu = [f"{rtt} ms: {e['audit']['cpu_median_ms']:.0f}" for rtt, e in results["latency"].items()]
        lines.append(f"  auditor audit CPU time (ms, median): {', '.join(cpu)}")
    rows = (
        ("floor", "floor query (in process)"),
        ("floor_process", "floor as a new process"),
        ("catalog", "auditor catalog read (in process)"),
        ("audit", "auditor audit -f markdown"),
        ("snapshot", "auditor snapshot"),
        ("information_schema", "same through information_schema"),
        ("pg_dump", "pg_dump --schema-only"),
    )
    for kind in grants if sizes else ():
        header = f"  {kind + ' grants (median wall ms)':<36}" + "".join(f"{f'{s:,} tables':>22}" for s in sizes)
        lines += ["", header]
        for key, label in rows:
            if key not in results["sizes"][str(sizes[0])][kind]:
                continue
            cells = [_median(results["sizes"][str(s)][kind].get(key)) for s in sizes]
            lines.append(f"  {label:<36}" + "".join(f"{c:>22}" for c in cells))
        ratios = [_ratio(results["sizes"][str(s)][kind]["audit_to_floor_process"]) for s in sizes]
        lines.append(f"  {'audit / floor process (paired)':<36}" + "".join(f"{r:>22}" for r in ratios))
        for what in ("audit", "snapshot"):
            cells = [results["sizes"][str(s)][kind][what] for s in sizes]
            memory = [f"{c['peak_mb']:.0f} MB / {c['cpu_median_ms']:.0f} ms" for c in cells]
            lines.append(f"  {what + ' peak memory / CPU time':<36}" + "".join(f"{m:>22}" for m in memory))
    lines += ["", "targets (issue 18):"] + [f"  {line}" for line in _target_lines(results["targets"])]
    return "\n".join(lines)


def _median(entry: dict | None) -> str:
    return "-" if entry is None else f"{entry['median_ms']:.0f}"


def _ratio(ratio: dict) -> str:
    return f"{ratio['median']:.2f}x ({ratio['min']:.2f}-{ratio['max']:.2f})"


LATENCY_COLUMNS = ("psql floor query", "auditor audit", "audit / psql", "python floor", "audit / python", "pg_dump")


def _ms_trips(entry: dict) -> str:
    return f"{entry['median_ms']:.0f} ({entry['round_trips']})"


def _target_lines(targets: dict) -> list[str]:
    lines = []
    if "round_trips" in targets:
        t = targets["round_trips"]
        lines.append(f"{_ok(t)} round trips an audit waits on: {t['audit']} <= {t['limit']} (psql: {t['psql']})")
    if "psql" in targets:
        t = targets["psql"]
        lines.append(
            f"{_ok(t)} 36-table audit at {t['rtt_ms']:g} ms RTT: {t['median']}x psql's floor query "
            f"(rounds {t['min']}-{t['max']}) <= {t['limit']}x"
        )
    for kind, t in targets.get("floor_process", {}).items():
        lines.append(
            f"{_ok(t)} audit at {FLOOR_SIZE:,} tables, {kind} grants: {t['median']}x the floor as a new process "
            f"(rounds {t['min']}-{t['max']}) <= {t['limit']}x"
        )
    if "memory" in targets:
        t = targets["memory"]
        lines.append(
            f"{_ok(t)} peak memory at {t['tables']:,} tables: audit {t['audit_mb']:.0f} MB, snapshot "
            f"{t['snapshot_mb']:.0f} MB < {t['limit_mb']} MB"
        )
    for what, t in targets.get("linear", {}).items():
        small, middle, large = t["sizes"]
        first, second = t["kb_per_table"]
        lines.append(
            f"{_ok(t)} {what} memory linear: {first} KB a table from {small:,} to {middle:,}, {second} KB from "
            f"{middle:,} to {large:,} (<= {LINEAR_SLACK}x)"
        )
    return lines


def _ok(entry: dict) -> str:
    return "PASS" if entry["ok"] else "FAIL"


if __name__ == "__main__":
    main()
