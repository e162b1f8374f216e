"""JSON report: versioned, stable key order, raw values (bytes as integers, null = no limit)."""

from __future__ import annotations

import json

from auditor.model import Report

JSON_FORMAT_VERSION = 1


def report_dict(report: Report) -> dict:
    return {
        "version": JSON_FORMAT_VERSION,
        "status": report.status,
        "environment": report.environment,
        "target": report.target,
        "inventory": report.inventory_path,
        "generated_at": report.generated_at,
        "summary": {**report.counts, "total": len(report.findings), **report.checked},
        "failure": None
        if report.failure is None
        else {"message": report.failure.message, "exit_code": report.failure.exit_code},
        "skipped": [{"check": s.check, "reason": s.reason} for s in report.skipped],
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "kind": f.kind,
                "name": f.name,
                "expected": f.expected,
                "actual": f.actual,
                "message": f.message,
                "hint": f.hint,
                "tags": list(f.tags),
            }
            for f in report.findings
        ],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
