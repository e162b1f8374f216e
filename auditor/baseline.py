"""`--baseline PREVIOUS.json`: compare a run's findings with an earlier JSON report.

A finding is the same finding when its rule and object name match; its values may differ
(a size limit changed twice is still one unresolved drift). Reading the earlier report is
strict: a report that cannot be trusted would make every mark wrong, so it is a usage error.

The earlier report also lists each live table's columns (`live_columns`, since version 2), so
a column-count finding can name the columns that came and went since then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.drift.rules import COLUMN_COUNT_HINT
from auditor.errors import UsageError
from auditor.files import InputTooLarge, read_input
from auditor.model import Baseline, Finding, Report, Severity
from auditor.wording import plural

_HOW = "Give the JSON report of an earlier audit (auditor audit --json PATH)."
MAX_BASELINE_BYTES = 64 * 1024 * 1024
"""A report of 10,000 tables all drifting is some 10 MB; parsed, 64 MB of JSON takes ~600 MB."""


@dataclass(frozen=True)
class PreviousReport:
    """What a run needs from an earlier JSON report."""

    path: str
    environment: str
    generated_at: str
    findings: tuple[Finding, ...]
    columns: dict[str, tuple[str, ...]] | None = None  # live tables' column names; None: not in the report
    raw_values: bool = False  # version 2: expected/actual are values, comparable with this run's


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
        data = read_input(path, MAX_BASELINE_BYTES)
    except InputTooLarge as error:
        raise UsageError(
            f"The baseline report {shown} is too large ({error}; a report may have {error.limit:,}). {_HOW}"
        ) from None
    except TimeoutError as error:
        raise UsageError(f"Cannot read the baseline report {shown}: {error}. {_HOW}") from None
    except OSError as error:
        raise UsageError(f"Cannot read the baseline report {shown}: {error.strerror or error}. {_HOW}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"The baseline report {shown} is not UTF-8 text. {_HOW}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"The baseline report {shown} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). {_HOW}"
        ) from None
    except RecursionError:
        raise UsageError(f"The baseline report {shown} nests its JSON too deeply to be a report. {_HOW}") from None
    except ValueError:  # a number of more digits than Python converts (4,300): none a report writes
        raise UsageError(
            f"The baseline report {shown} is not an auditor JSON report: it holds a number of thousands of "
            f"digits. {_HOW}"
        ) from None
    return _parse(document, shown)


def _parse(data: object, shown: str) -> PreviousReport:
    def bad(why: str) -> UsageError:
        return UsageError(f"The baseline report {shown} is not an auditor JSON report: {why}. {_HOW}")

    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise bad("no 'findings' list")
    if data.get("version") not in READABLE_VERSIONS:
        raise bad(f"unsupported version {data.get('version')!r} (this auditor reads versions 1 and 2)")
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
        columns=_columns(data.get("live_columns"), bad),
        raw_values=data.get("version") == 2,
    )


def _columns(value: object, bad) -> dict[str, tuple[str, ...]] | None:
    """The earlier report's `live_columns` (table -> column names); None when it has none."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad("live_columns is not an object")
    for table, names in value.items():
        if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
            raise bad(f"live_columns[{table!r}] is not a list of strings")
    return {table: tuple(names) for table, names in value.items()}


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
    """The report with its findings marked new, changed or unchanged and the gone ones listed as resolved.

    A failed report is returned as it is: with no findings, everything would look resolved.
    """
    if report.failure is not None:
        return report
    current = {(f.rule, f.name) for f in report.findings}
    gone = sorted((f for f in previous.findings if (f.rule, f.name) not in current), key=lambda f: f.sort_key)
    findings, changes = [], {}
    for f in report.findings:
        if f.rule == "column-count":
            f, change = _name_columns(f, report.live_columns or {}, previous)
            if change is not None:
                changes[f.name] = change
        findings.append(f)
    before = {(f.rule, f.name): _comparable(f.actual) for f in previous.findings} if previous.raw_values else {}
    changed = {
        (f.rule, f.name)
        for f in findings
        if (f.rule, f.name) in before and before[(f.rule, f.name)] != _comparable(f.actual)
    }
    baseline = Baseline(
        path=previous.path,
        environment=previous.environment,
        generated_at=previous.generated_at,
        previous=frozenset((f.rule, f.name) for f in previous.findings),
        changed=frozenset(changed),
        resolved=tuple(gone),
        column_changes=changes,
    )
    return replace(report, findings=tuple(findings), baseline=baseline)


def _comparable(value: object) -> str:
    """A finding's raw value as JSON writes it: this run's tuples and the earlier report's lists alike."""
    return json.dumps(value, sort_keys=True, default=str)


READABLE_VERSIONS = (1, 2)


def _name_columns(
    f: Finding, live: dict[str, tuple[str, ...]], previous: PreviousReport
) -> tuple[Finding, tuple[tuple[str, ...], tuple[str, ...]] | None]:
    """The column-count finding saying which columns came and went since the earlier report, and
    (added, removed); None when the earlier report does not list the table's columns."""
    now = live.get(f.name)
    before = None if previous.columns is None else previous.columns.get(f.name)
    if previous.columns is None:
        why = "The baseline report lists no columns (an older auditor wrote it): which came and went is not known."
    elif now is None:
        why = "The table's columns are not known."
    elif before is None:
        why = f"The table is not in the baseline report: all {plural(len(now), 'column')} are new since then."
    else:
        added = tuple(c for c in now if c not in before)
        removed = tuple(c for c in before if c not in now)
        parts = [f"added {', '.join(added)}"] if added else []
        parts += [f"removed {', '.join(removed)}"] if removed else []
        why = f"Since the baseline: {'; '.join(parts)}." if parts else "No column came or went since the baseline."
        return replace(f, message=f"{f.message} {why}", hint=COLUMN_COUNT_HINT), (added, removed)
    return replace(f, message=f"{f.message} {why}", hint=COLUMN_COUNT_HINT), None
