"""`--baseline PREVIOUS.json`: compare a run's findings with an earlier JSON report.

A finding is the same finding when its rule and object name match; its values may differ
(a size limit changed twice is still one unresolved drift). Reading the earlier report is
strict: a report that cannot be trusted would make every mark wrong, so it is a usage error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.errors import UsageError
from auditor.model import Baseline, Finding, Report, Severity

_HOW = "Give the JSON report of an earlier audit (auditor audit --json PATH)."


@dataclass(frozen=True)
class PreviousReport:
    """What a run needs from an earlier JSON report."""

    path: str
    environment: str
    generated_at: str
    findings: tuple[Finding, ...]


def load_baseline(path: str | Path, environment: str | None = None) -> PreviousReport:
    """Read an earlier JSON report; UsageError (exit 2) if it is missing, not such a report, or
    (when `environment` is given) of another environment: its findings are not this one's."""
    previous = _read(path)
    if environment is not None and previous.environment != environment:
        raise UsageError(
            f"The baseline report {previous.path} is of environment {previous.environment or 'unknown'!r}, "
            f"not {environment!r}: findings of one environment cannot be compared with another's. "
            f"Give the baseline of {environment!r} (with several environments, put {{env}} in its path)."
        )
    return previous


def _read(path: str | Path) -> PreviousReport:
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"Cannot read the baseline report {shown}: {error.strerror}. {_HOW}") from None
    except UnicodeDecodeError:
        raise UsageError(f"The baseline report {shown} is not UTF-8 text. {_HOW}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"The baseline report {shown} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). {_HOW}"
        ) from None
    return _parse(data, shown)


def _parse(data: object, shown: str) -> PreviousReport:
    def bad(why: str) -> UsageError:
        return UsageError(f"The baseline report {shown} is not an auditor JSON report: {why}. {_HOW}")

    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise bad("no 'findings' list")
    if data.get("version") != 1:
        raise bad(f"unsupported version {data.get('version')!r} (this auditor writes version 1)")
    if data.get("status") == "failed":
        raise UsageError(
            f"The baseline report {shown} is of a failed audit: it reached no verdict, so nothing can be "
            f"compared with it. Use the report of the last audit that succeeded."
        )
    findings = [_finding(item, index, bad) for index, item in enumerate(data["findings"])]
    return PreviousReport(
        path=shown,
        environment=str(data.get("environment", "")),
        generated_at=str(data.get("generated_at", "")),
        findings=tuple(findings),
    )


def _finding(item: object, index: int, bad) -> Finding:
    where = f"findings[{index}]"
    if not isinstance(item, dict):
        raise bad(f"{where} is not an object")
    for key in ("rule", "name", "kind", "severity"):
        if not isinstance(item.get(key), str):
            raise bad(f"{where}.{key} is missing or not a string")
    tags = item.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)):
        raise bad(f"{where}.tags is not a list of strings")
    try:
        severity = Severity(item["severity"])
    except ValueError:
        raise bad(f"{where}.severity {item['severity']!r} is not error, warning or info") from None
    return Finding(
        rule=item["rule"],
        severity=severity,
        kind=item["kind"],
        name=item["name"],
        expected=item.get("expected"),
        actual=item.get("actual"),
        message=str(item.get("message", "")),
        hint=str(item.get("hint", "")),
        tags=tuple(tags or ()),
    )


def compare_with_baseline(report: Report, previous: PreviousReport) -> Report:
    """The report with its findings marked new/unchanged and the gone ones listed as resolved.

    A failed report is returned as it is: with no findings, everything would look resolved.
    """
    if report.failure is not None:
        return report
    current = {(f.rule, f.name) for f in report.findings}
    gone = sorted((f for f in previous.findings if (f.rule, f.name) not in current), key=lambda f: f.sort_key)
    baseline = Baseline(
        path=previous.path,
        environment=previous.environment,
        generated_at=previous.generated_at,
        previous=frozenset((f.rule, f.name) for f in previous.findings),
        resolved=tuple(gone),
    )
    return replace(report, baseline=baseline)
