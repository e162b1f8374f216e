"""SARIF 2.1.0 report, so findings can appear in code scanning: a doc finding located at its doc
page (and the line of the stale statement), any other at the line of inventory.yaml that
declares the object (line 1 for objects the inventory does not declare)."""

from __future__ import annotations

import json
from pathlib import Path

from auditor import __version__
from auditor.model import Finding, Report, Severity
from auditor.render.values import SECURITY, Locator, json_visible

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}


def render_sarif(report: Report) -> str:
    rules: dict[str, Finding] = {}
    for finding in report.findings:
        rules.setdefault(finding.rule, finding)
    index = {code: position for position, code in enumerate(sorted(rules))}
    locate = Locator(report)
    run = {
        "tool": {
            "driver": {
                "name": "supabase-inventory-auditor",
                "version": __version__,
                "rules": [_rule(rules[code]) for code in sorted(rules)],
            }
        },
        "automationDetails": {"id": f"inventory-audit/{report.environment}/"},
        "invocations": [_invocation(report)],
        "results": [_result(f, index[f.rule], *locate(f), report.change(f)) for f in report.findings],
        "properties": {
            "environment": report.environment,
            "target": report.target,
            "inventorySha256": report.inventory_sha256,
            "status": report.status,
        },
    }
    if report.baseline is not None:
        run["properties"]["resolvedSinceBaseline"] = [
            {"rule": f.rule, "name": f.name} for f in report.baseline.resolved
        ]
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_visible(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def _uri(path: str) -> str:
    """Relative paths stay relative (to the repository root, where CI runs); absolute become file URIs."""
    candidate = Path(path)
    return candidate.as_uri() if candidate.is_absolute() else candidate.as_posix()


def _rule(example: Finding) -> dict:
    properties: dict[str, object] = {"tags": sorted({example.kind, *example.tags})}
    if SECURITY in example.tags:
        properties["security-severity"] = _SECURITY_SEVERITY[example.severity]
    return {
        "id": example.rule,
        "name": "".join(part.title() for part in example.rule.split("-")),
        "shortDescription": {"text": f"{example.kind} drift: {example.rule}"},
        "help": {"text": example.hint},
        "defaultConfiguration": {"level": LEVELS[example.severity]},
        "properties": properties,
    }


def _invocation(report: Report) -> dict:
    invocation: dict[str, object] = {"executionSuccessful": report.failure is None}
    if report.failure is not None:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": report.failure.message}}]
    for check in report.skipped:
        invocation.setdefault("toolExecutionNotifications", []).append(
            {"level": "warning", "message": {"text": f"Check not made: {check.check}: {check.reason}"}}
        )
    return invocation


def _result(f: Finding, rule_index: int, path: str, line: int | None, change: str | None) -> dict:
    result: dict[str, object] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f"{f.message} {f.hint}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": _uri(path)}, "region": {"startLine": line or 1}},
                "logicalLocations": [{"name": f.name}],
            }
        ],
        "partialFingerprints": {"inventoryObject/v1": f"{f.rule}:{f.kind}:{f.name}"},
        "properties": {"expected": f.expected, "actual": f.actual},
    }
    if change is not None:  # SARIF's word for a result that is still there but not the same
        result["baselineState"] = "updated" if change == "changed" else change
    return result
