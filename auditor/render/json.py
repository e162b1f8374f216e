"""JSON report: versioned, described by a published JSON Schema (auditor/schemas/report.schema.json,
named by `$schema`), stable key order, raw values (bytes as integers, null = no limit)."""

from __future__ import annotations

import json

from auditor import __version__
from auditor.model import Finding, Report
from auditor.render import summary
from auditor.render.values import SECURITY, json_visible

JSON_FORMAT_VERSION = 2
SCHEMA_ID = f"urn:supabase-inventory-auditor:report:{JSON_FORMAT_VERSION}"
SCHEMA_RESOURCE = "schemas/report.schema.json"
"""Where the schema is, in the auditor package (a copy is docs/report.schema.json)."""


def report_schema_text() -> str:
    """The report's JSON Schema as the package ships it (`auditor schema report` prints it)."""
    from importlib.resources import files

    return (files("auditor") / SCHEMA_RESOURCE).read_text(encoding="utf-8")


def finding_dict(finding: Finding, change: str | None, columns: tuple[tuple[str, ...], tuple[str, ...]] | None) -> dict:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "kind": finding.kind,
        "name": finding.name,
        "about": finding.about,
        "path": finding.path,
        "line": finding.line,
        "expected": finding.expected,
        "actual": finding.actual,
        "message": finding.message,
        "hint": finding.hint,
        "tags": list(finding.tags),
        "change": change,
        "columns_changed": None if columns is None else {"added": list(columns[0]), "removed": list(columns[1])},
    }


def report_dict(report: Report) -> dict:
    baseline = report.baseline
    changes = {} if baseline is None else baseline.column_changes
    return {
        "$schema": SCHEMA_ID,
        "version": JSON_FORMAT_VERSION,
        "status": report.status,
        "environment": report.environment,
        "target": report.target,
        "inventory": report.inventory_path,
        "inventory_sha256": report.inventory_sha256 or None,
        "auditor_version": __version__,
        "generated_at": report.generated_at,
        "summary": {**report.counts, "total": len(report.findings), **report.checked},
        "failure": None
        if report.failure is None
        else {"message": report.failure.message, "exit_code": report.failure.exit_code},
        "skipped": [{"check": s.check, "reason": s.reason} for s in report.skipped],
        "security": {
            "checks": list(report.security_checks),
            "found": sum(SECURITY in f.tags for f in report.findings),
            "accepted": [
                {"kind": a.kind, "name": a.name, "exposure": a.exposure, "reason": a.reason} for a in report.accepted
            ],
        },
        "baseline": None
        if baseline is None
        else {
            "path": baseline.path,
            "environment": baseline.environment,
            "generated_at": baseline.generated_at,
            **summary.changes(report),  # new, changed, unchanged
            "resolved": [finding_dict(f, "resolved", None) for f in baseline.resolved],
        },
        "findings": [
            finding_dict(f, report.change(f), changes.get(f.name) if f.rule == "column-count" else None)
            for f in report.findings
        ],
        "live_columns": None if report.live_columns is None else {t: list(c) for t, c in report.live_columns.items()},
    }


def render_json(report: Report) -> str:
    """The report indented, except `live_columns`: one table a line, so that a 10,000-table
    report stays short to read and quick to write (json indents in pure Python, lists in C).
    Invisible characters in names are written as JSON escapes (values.json_visible)."""
    data = report_dict(report)
    columns = data.pop("live_columns")
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if columns:
        lines = ",\n".join(f"    {_compact(table)}: {_compact(names)}" for table, names in columns.items())
        tail = f"{{\n{lines}\n  }}"
    else:
        tail = _compact(columns)
    body = text[: text.rindex("\n}")]  # the object without its closing brace
    return json_visible(f'{body},\n  "live_columns": {tail}\n}}\n')


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
