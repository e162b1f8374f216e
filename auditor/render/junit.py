"""JUnit XML report: one test case per inventory object, so any CI system shows drift as
failed tests. Findings at or above `--fail-on` fail their object's test case; the others are
listed in its output. Objects whose live source was not read are skipped test cases, never
passing ones; a failed audit is one test case in error and nothing else."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from auditor import __version__
from auditor.model import Finding, Report
from auditor.render.values import at_or_above, objects_with_findings, visible

# Characters XML 1.0 cannot hold, even escaped (PostgreSQL identifiers may contain them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", visible(value, newlines=True))


def render_junit(report: Report, fail_on: str | None = "error") -> str:
    suite = ET.Element("testsuite", name=_text(f"inventory audit: {report.environment}"))
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("status", report.status),
        ("environment", report.environment),
        ("target", report.target),
        ("inventory", report.inventory_path),
        ("inventory_sha256", report.inventory_sha256),
        ("auditor_version", __version__),
        ("fail_on", fail_on or "never"),
    ):
        ET.SubElement(properties, "property", name=name, value=_text(value))
    tests = failures = errors = skipped = 0
    if report.failure is not None:  # nothing was checked: no object may read as passing
        case = _case(suite, "inventory.audit", "audit", report.inventory_path, 0)
        error = ET.SubElement(case, "error", message=_text(report.failure.message))
        error.set("type", f"exit {report.failure.exit_code}")
        tests, errors = 1, 1
    unread = _unread_kinds(report) if report.failure is None else {}
    for kind, name, line, findings in objects_with_findings(report) if report.failure is None else ():
        case = _case(suite, f"inventory.{kind}", name, report.inventory_path, line)
        tests += 1
        if kind in unread and not findings:
            ET.SubElement(case, "skipped", message=_text(unread[kind]))
            skipped += 1
            continue
        failing = [f for f in findings if at_or_above(f, fail_on)]
        if failing:
            failures += 1
            failure = ET.SubElement(case, "failure", message=_text(failing[0].message), type=failing[0].rule)
            failure.text = _text("\n".join(_describe(f, report.change(f)) for f in failing))
        others = [f for f in findings if not at_or_above(f, fail_on)]
        if others:
            ET.SubElement(case, "system-out").text = _text("\n".join(_describe(f, report.change(f)) for f in others))
    for check in report.skipped:
        if check.check in _SOURCE_CHECKS and _SOURCE_CHECKS[check.check] in unread:
            continue  # shown on each object it left unchecked
        case = _case(suite, "inventory.checks", check.check, report.inventory_path, 0)
        ET.SubElement(case, "skipped", message=_text(check.reason))
        tests += 1
        skipped += 1
    if report.baseline is not None and report.baseline.resolved:
        resolved = "\n".join(f"resolved since the baseline: {f.rule} {f.name}" for f in report.baseline.resolved)
        ET.SubElement(suite, "system-out").text = _text(resolved)
    counts = {"tests": tests, "failures": failures, "errors": errors, "skipped": skipped}
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("timestamp", report.generated_at.removesuffix("Z"))
    root = ET.Element("testsuites", name="inventory audit", **{k: str(v) for k, v in counts.items() if k != "skipped"})
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


_SOURCE_CHECKS = {"tables": "table", "buckets": "bucket"}  # a SkippedCheck that left a kind unread
_LIVE_COUNTS = {"table": "tables_live", "bucket": "buckets_live"}


def _unread_kinds(report: Report) -> dict[str, str]:
    """kind -> why, for the object kinds whose live source was never read (their live count is None)."""
    reasons = {_SOURCE_CHECKS[s.check]: s.reason for s in report.skipped if s.check in _SOURCE_CHECKS}
    return {
        kind: reasons.get(kind, f"the live {kind}s were not read")
        for kind, key in _LIVE_COUNTS.items()
        if key in report.checked and report.checked[key] is None
    }


def _case(suite: ET.Element, classname: str, name: str, file: str, line: int) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=_text(classname), name=_text(name), file=_text(file))
    if line:
        case.set("line", str(line))
    return case


def _describe(f: Finding, change: str | None) -> str:
    mark = f" ({change})" if change else ""
    return f"{f.severity.value} {f.rule}{mark}: {f.message}\n  hint: {f.hint}"
