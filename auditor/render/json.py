"""JSON report: versioned, stable key order, raw values (bytes as integers, null = no limit)."""

from __future__ import annotations

import json

from auditor import __version__
from auditor.model import Finding, Report

JSON_FORMAT_VERSION = 1


def finding_dict(finding: Finding, change: str | None) -> dict:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "kind": finding.kind,
        "name": finding.name,
        "expected": finding.expected,
        "actual": finding.actual,
        "message": finding.message,
        "hint": finding.hint,
        "tags": list(finding.tags),
        "change": change,
    }


def report_dict(report: Report) -> dict:
    baseline = report.baseline
    return {
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
        "baseline": None
        if baseline is None
        else {
            "path": baseline.path,
            "environment": baseline.environment,
            "generated_at": baseline.generated_at,
            "new": sum(report.change(f) == "new" for f in report.findings),
            "unchanged": sum(report.change(f) == "unchanged" for f in report.findings),
            "resolved": [finding_dict(f, "resolved") for f in baseline.resolved],
        },
        "findings": [finding_dict(f, report.change(f)) for f in report.findings],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
