"""What the terminal and markdown reports say alike: the verdict, what was checked, the findings
grouped by severity and then by rule, and the security section."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.model import SEVERITIES, Finding, Report, Severity
from auditor.render.values import SECURITY, at_or_above, severity_count
from auditor.wording import plural

SEVERITY_TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}


def fails(report: Report, fail_on: str | None) -> bool:
    """Whether the report makes the exit code non-zero under `--fail-on` (a failed audit always does)."""
    return report.failure is not None or any(at_or_above(f, fail_on) for f in report.findings)


def verdict(report: Report, fail_on: str | None) -> str:
    """'failed', 'clean', 'fail' (drift at or above --fail-on) or 'pass' (drift below it)."""
    if report.failure is not None:
        return "failed"
    if report.clean:
        return "clean"
    return "fail" if fails(report, fail_on) else "pass"


def headline(report: Report, fail_on: str | None = "error") -> str:
    """The verdict in words, the same in every format: 'No drift...', 'Drift found: 2 errors, 1
    warning', with why the exit code is 0 when the drift is below --fail-on, or 'Audit failed...'."""
    if report.failure is not None:
        return "Audit failed: no verdict, nothing could be compared"
    if report.clean and report.skipped:
        return f"No drift within the checks made ({plural(len(report.skipped), 'check')} not made, see below)"
    if report.clean:
        return "No drift: the database matches the inventory"
    parts = [severity_count(n, severity) for severity, n in report.counts.items() if n]
    found = "Drift found: " + ", ".join(parts)
    if fails(report, fail_on):
        return found
    return f"{found} (not failing: --fail-on {fail_on or 'never'})"


def checked(report: Report) -> str:
    """'26 tables declared, 27 live · 10 buckets declared, 10 live', from `report.checked`, whose
    keys are '<kinds>_declared' and '<kinds>_live' (a live count is None when it was not read),
    and '<kinds>_ignored' (live objects an ignore rule matches, said only when there are some)."""
    counts: dict[str, dict[str, int | None]] = {}
    for key, value in report.checked.items():
        kinds, _, side = key.rpartition("_")
        counts.setdefault(kinds, {})[side] = value
    if report.failure is not None:
        declared = [_noun(kinds, n) for kinds, sides in counts.items() if (n := sides.get("declared")) is not None]
        return f"{', '.join(declared)} declared; none checked, the audit failed"
    parts = []
    for kinds, sides in counts.items():
        declared, live = sides.get("declared"), sides.get("live")
        if declared is None:  # a kind the inventory leaves out: said only when there are some
            if live:
                parts.append(f"{_noun(kinds, live)} live, not inventoried")
        elif "live" not in sides:
            parts.append(f"{_noun(kinds, declared)} declared")
        else:
            parts.append(f"{_noun(kinds, declared)} declared, " + ("live not read" if live is None else f"{live} live"))
        if sides.get("ignored"):
            parts[-1] += f" ({sides['ignored']} of them ignored)"
    return " · ".join(parts)


def _noun(kinds: str, count: int) -> str:
    """'1 table', '2 materialized views', '1 policy' from a key's plural ('tables', 'policies')."""
    noun = kinds.replace("_", " ")
    if count == 1:
        noun = noun[:-3] + "y" if noun.endswith("ies") else noun.removesuffix("s")
    return f"{count} {noun}"


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    hint: str
    findings: tuple[Finding, ...]

    @property
    def security(self) -> bool:
        return any(SECURITY in f.tags for f in self.findings)


@dataclass(frozen=True)
class SeverityGroup:
    severity: Severity
    rules: tuple[RuleGroup, ...]

    @property
    def title(self) -> str:
        return SEVERITY_TITLES[self.severity]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for group in self.rules for f in group.findings)


def by_severity(findings: tuple[Finding, ...] | list[Finding]) -> list[SeverityGroup]:
    """Errors, then warnings, then info (those present); within each, one group per rule in the
    order the rules first appear, each finding once, in report order."""
    groups = []
    for severity in SEVERITIES:
        rules: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.severity is severity:
                rules.setdefault(finding.rule, []).append(finding)
        if rules:
            groups.append(
                SeverityGroup(
                    severity, tuple(RuleGroup(rule, found[0].hint, tuple(found)) for rule, found in rules.items())
                )
            )
    return groups


def security_found(report: Report, limit: int | None = 5) -> list[tuple[str, str, list[str]]]:
    """(count, rule, names) per security rule with findings, most severe first: ('1 warning',
    'rls-no-policy', ['feature_flags']); at most `limit` names each (None: all), then 'N more'."""
    found = []
    for severity_group in by_severity([f for f in report.findings if SECURITY in f.tags]):
        for group in severity_group.rules:
            names = [f.name for f in group.findings]
            shown = names if limit is None or len(names) <= limit else [*names[:limit], f"{len(names) - limit} more"]
            found.append((severity_count(len(names), severity_group.severity.value), group.rule, shown))
    return found


def accepted(report: Report) -> list[str]:
    """'function public.search: anon may execute it (the search page needs it)', one per accepted exposure."""
    return [f"{a.kind} {a.name}: {a.exposure}" + (f" ({a.reason})" if a.reason else "") for a in report.accepted]


def changes(report: Report) -> dict[str, int]:
    """How many findings are new, changed and unchanged since the baseline (every format says it)."""
    marks = [report.change(f) for f in report.findings]
    return {change: marks.count(change) for change in ("new", "changed", "unchanged")}
