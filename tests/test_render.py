"""Renderers: every format for a drifted, a clean and a failed report.

Markdown stays valid GFM whatever the names and under GitHub's comment limit, JUnit is valid
XML with the right failures, SARIF has the right rules and levels, JSON is stable, the
terminal is readable. Findings of every kind are synthetic here (security and doc findings
included); test_ci_integration.py renders real audits.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from rich.console import Console

from auditor.baseline import PreviousReport, compare_with_baseline
from auditor.drift import finding
from auditor.model import AuditFailure, Finding, InventoryObject, Report, Severity, SkippedCheck
from auditor.render import FORMATS, render
from auditor.render.markdown import MAX_CHARS, md_escape, render_markdown
from auditor.render.terminal import print_report

HOSTILE = "we|ird `name` <script>alert(1)</script> @someone\nnext line **bold** [x](http://evil) 🎉\x07"
SHA = "ab" * 32
OBJECTS = (
    InventoryObject("table", "jobs", 80),
    InventoryObject("table", "profiles", 12),
    InventoryObject("table", "user_roles", 30),
    InventoryObject("bucket", "reference_images", 200),
    InventoryObject("bucket", "user-library", 220),
)


def report(findings=(), skipped=(), objects=OBJECTS) -> Report:
    return Report(
        environment="prod",
        target="postgres@db.example.com:5432/postgres",
        inventory_path="inventory.yaml",
        generated_at="2026-11-26T00:00:00Z",
        findings=tuple(findings),
        skipped=tuple(skipped),
        checked={"tables_declared": 3, "tables_live": 3, "buckets_declared": 2, "buckets_live": 2},
        objects=objects,
        inventory_sha256=SHA,
    )


def security(rule: str, name: str, message: str, severity=Severity.ERROR) -> Finding:
    return Finding(
        rule, severity, "table", name, "protected", "readable by anon", message, "Enable RLS.", ("security",)
    )


def doc(rule: str, name: str, message: str) -> Finding:
    return Finding(rule, Severity.WARNING, "doc", name, "present", "absent", message, "Write the doc page.")


def drifted() -> Report:
    """Findings of every kind: table, column, bucket, doc, and security-tagged."""
    return report(
        [
            finding("bucket-visibility", "reference_images", "private", "public", "Bucket is public."),
            finding("table-undeclared", HOSTILE, "absent", "present", f"Table {HOSTILE} is not declared."),
            finding("table-missing", "jobs", "present", "absent", "Table jobs is missing."),
            finding("column-unexpected", "user_roles.note", "absent", "text", "Column user_roles.note is new."),
            finding("bucket-size-limit", "user-library", 50 * 1024 * 1024, None, "Limit differs."),
            security("table-rls-disabled", "profiles", "Table profiles has RLS disabled."),
            doc("doc-missing", "12-profiles.md", "Doc 12-profiles.md is declared but missing."),
        ],
        skipped=[SkippedCheck("bucket object counts", "role auditor has no SELECT privilege on storage.objects")],
    )


def clean() -> Report:
    return report()


def failed() -> Report:
    return replace(report(), failure=AuditFailure("Cannot connect to the database of environment 'prod'.", 3))


# --- markdown -------------------------------------------------------------------------------


def split_cells(row: str) -> list[str]:
    """Cells of a GFM table row: split on pipes that are not escaped."""
    assert row.startswith("|") and row.endswith("|"), f"not a table row: {row!r}"
    return re.split(r"(?<!\\)\|", row[1:-1])


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table (a run of lines starting with '|'), as rows of cells."""
    found, current = [], []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            current.append(split_cells(line))
        elif current:
            found.append(current)
            current = []
    return found


def assert_valid_gfm_tables(markdown: str) -> None:
    for table in tables(markdown):
        header, delimiter, *rows = table
        assert all(re.fullmatch(r"-{3,}", cell) for cell in delimiter), delimiter
        for row in rows:
            assert len(row) == len(header), f"row has {len(row)} cells, header {len(header)}: {row}"


@pytest.mark.parametrize("make", [drifted, clean, failed])
def test_markdown_tables_are_valid_gfm(make) -> None:
    markdown = render(make(), "markdown")
    assert tables(markdown), "no table at all"
    assert_valid_gfm_tables(markdown)


def test_hostile_names_cannot_break_rows_inject_html_or_mention() -> None:
    markdown = render(drifted(), "markdown")
    undeclared = [row for table in tables(markdown) for row in table if "table-undeclared" in row[1]]
    assert len(undeclared) == 1 and len(undeclared[0]) == 6
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "@someone" not in markdown and "&#64;someone" in markdown
    assert not re.search(r"(?<!\\)\]\(", markdown), "a link survived"
    assert "http://" not in markdown  # no autolink either
    assert "\\`name\\`" in markdown  # no code span
    assert "🎉" in markdown


def test_md_escape() -> None:
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("`x`") == "\\`x\\`"
    assert md_escape("@team") == "&#64;team"
    assert md_escape("line\nbreak") == "line<br>break"
    assert md_escape("<b>") == "&lt;b&gt;"


def test_markdown_opens_with_a_one_glance_verdict() -> None:
    markdown = render(drifted(), "markdown")
    lines = markdown.splitlines()
    assert lines[0] == "## ❌ Inventory audit: Drift found: 4 errors, 3 warnings"
    assert lines[2] == "**DRIFT** in **prod** · 4 errors · 3 warnings · 0 info · 2026-11-26T00:00:00Z"
    assert "| Findings | 4 errors · 3 warnings · 0 info |" in markdown
    assert "| Security | 2 findings tagged security |" in markdown
    assert "| Checked | 3 declared tables, 2 declared buckets |" in markdown
    assert "| error | `bucket-size-limit` | user-library | 50MB | no limit | Limit differs. |" in markdown


SECTIONS_OF_DRIFTED = [
    "Security (2)",  # the table's row level security, and the bucket made public
    "Tables (2)",
    "Columns (1)",
    "Buckets (1)",
    "Documentation (1)",
    "Checks not made (1)",
]


def test_security_first_then_kinds_then_documentation_each_finding_once() -> None:
    markdown = render(drifted(), "markdown")
    headings = re.findall(r"^### (.+)$", markdown, flags=re.M)
    assert headings == SECTIONS_OF_DRIFTED
    assert markdown.count("`table-rls-disabled`") == 2  # its row and its hint, in Security only
    tables_section = markdown.split("### Tables")[1].split("###")[0]
    assert "profiles" not in tables_section
    assert "- `doc-missing`: Write the doc page." in markdown  # each group has its hints


def test_footer_names_version_inventory_and_hash() -> None:
    from auditor import __version__

    for make in (drifted, clean, failed):
        last = render(make(), "markdown").rstrip().splitlines()[-1]
        assert last == f"<sub>supabase-inventory-auditor {__version__} · inventory inventory.yaml · sha256 {SHA}</sub>"


def test_long_sections_fold_in_details() -> None:
    many = report([finding("table-undeclared", f"t{i:02}", "absent", "present", "New.") for i in range(11)])
    markdown = render(many, "markdown")
    assert "<details><summary>11 findings</summary>\n\n| Severity" in markdown
    assert "|\n\n</details>" in markdown
    assert "<details>" not in render(drifted(), "markdown")  # short sections stay open


def big_report(count: int) -> Report:
    """`count` findings of mixed severity with long, hostile text: far past any comment limit."""
    findings = []
    for i in range(count):
        code = ("table-undeclared", "column-count", "bucket-mime-types")[i % 3]
        findings.append(finding(code, f"t_{i:05}|{HOSTILE}", 1, 2, f"Finding {i}: " + "x|<@>" * 40))
    findings.append(security("table-exposed", "z_leak", "Table z_leak is readable by anon.", Severity.WARNING))
    return report(findings)


def test_truncation_keeps_headline_counts_and_most_severe_under_the_limit() -> None:
    big = big_report(3000)
    full = render_markdown(big, max_chars=None)
    assert len(full.encode()) > 10 * MAX_CHARS
    markdown = render(big, "markdown", full_report="https://ci.example/run/1")
    assert len(markdown) < 65_536 and len(markdown.encode()) <= MAX_CHARS
    assert markdown.startswith("## ❌ Inventory audit: Drift found: 1000 errors, 2001 warnings\n")
    assert "| Findings | 1000 errors · 2001 warnings · 0 info |" in markdown
    rows = [row for table in tables(markdown) for row in table[2:] if row[0].strip() in ("error", "warning")]
    shown = len(rows)
    assert 50 < shown < 3001
    assert f"the {shown} most severe of 3001 findings are shown, {3001 - shown} are left out" in markdown
    assert "The full report: <https://ci.example/run/1>." in markdown
    assert "`table-exposed`" in markdown  # security first, even though only a warning
    severities = [row[0].strip() for row in rows if "table-exposed" not in row[1]]
    assert severities == ["error"] * len(severities), "a warning was kept while errors were left out"
    assert_valid_gfm_tables(markdown)
    assert markdown.rstrip().endswith("</sub>")  # the footer survives


def test_truncation_keeps_as_many_findings_as_fit() -> None:
    big = big_report(600)
    limit = 20_000
    markdown = render_markdown(big, max_chars=limit)
    assert len(markdown.encode()) <= limit
    shown = int(re.search(r"the (\d+) most severe", markdown).group(1))
    rows = [line for line in markdown.splitlines() if line.startswith(("| error", "| warning"))]
    assert len(rows) == shown > 20
    longest_row = max(len(row.encode()) + 1 for row in rows)
    assert limit - len(markdown.encode()) < longest_row + 200, "room was left for another finding"


def test_markdown_under_the_limit_is_not_shortened() -> None:
    assert "Shortened" not in render(drifted(), "markdown")


# --- the other formats ----------------------------------------------------------------------


def test_clean_report_says_so_in_every_format() -> None:
    assert "No drift" in render(clean(), "markdown")
    assert "No drift" in render(clean(), "terminal")
    data = json.loads(render(clean(), "json"))
    assert data["status"] == "clean" and data["findings"] == [] and data["summary"]["total"] == 0
    suite = ET.fromstring(render(clean(), "junit")).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "0", "0")
    sarif = json.loads(render(clean(), "sarif"))
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["invocations"][0]["executionSuccessful"]


def test_json_shape_and_key_order() -> None:
    data = json.loads(render(drifted(), "json"))
    assert list(data) == [
        "version",
        "status",
        "environment",
        "target",
        "inventory",
        "inventory_sha256",
        "auditor_version",
        "generated_at",
        "summary",
        "failure",
        "skipped",
        "baseline",
        "findings",
    ]
    assert data["version"] == 1 and data["inventory_sha256"] == SHA and data["baseline"] is None
    assert data["summary"]["error"] == 4 and data["summary"]["warning"] == 3
    first = data["findings"][0]
    assert list(first) == [
        "rule",
        "severity",
        "kind",
        "name",
        "expected",
        "actual",
        "message",
        "hint",
        "tags",
        "change",
    ]
    size = next(f for f in data["findings"] if f["rule"] == "bucket-size-limit")
    assert (size["expected"], size["actual"], size["change"]) == (52428800, None, None)
    assert any(f["name"] == HOSTILE for f in data["findings"])
    assert next(f for f in data["findings"] if f["rule"] == "table-rls-disabled")["tags"] == ["security"]


def junit(report_: Report, fail_on: str | None = "error") -> ET.Element:
    return ET.fromstring(render(report_, "junit", fail_on=fail_on))


def test_junit_one_case_per_object_failures_at_or_above_fail_on() -> None:
    root = junit(drifted())
    suite = root.find("testsuite")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    # 5 declared objects + the undeclared table + the doc file + the skipped check
    assert len(cases) == 8 and suite.get("tests") == "8"
    failing = sorted(name for (_, name), case in cases.items() if case.find("failure") is not None)
    assert failing == ["jobs", "profiles", "reference_images", "user-library"]
    assert suite.get("failures") == root.get("failures") == "4"
    assert cases[("inventory.table", "jobs")].get("line") == "80"
    assert cases[("inventory.table", "profiles")].find("failure").get("type") == "table-rls-disabled"
    user_roles = cases[("inventory.table", "user_roles")]  # a column warning: listed, not failed
    assert user_roles.find("failure") is None and "column-unexpected" in user_roles.find("system-out").text
    assert cases[("inventory.checks", "bucket object counts")].find("skipped") is not None
    hostile = next(name for _, name in cases if name.startswith("we|ird"))
    assert "\ufffd" in hostile  # the BEL character XML cannot hold was replaced
    assert junit(drifted(), "warning").find("testsuite").get("failures") == "7"
    assert junit(drifted(), "never").find("testsuite").get("failures") == "0"
    assert junit(drifted(), "security").find("testsuite").get("failures") == "2"


def test_a_clean_report_with_checks_not_made_does_not_claim_a_full_match() -> None:
    partial = report(skipped=[SkippedCheck("bucket checks", "no SELECT privilege on storage.buckets")])
    for fmt in ("terminal", "markdown"):
        text = render(partial, fmt)
        assert "No drift within the checks made (1 check not made, see below)" in text
        assert "the database matches the inventory" not in text


def test_junit_of_a_failed_audit_is_an_error() -> None:
    suite = junit(failed()).find("testsuite")
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "1", "0")
    assert len(suite.findall("testcase")) == 1  # no declared object reads as passing: none was checked
    error = suite.find("testcase[@name='audit']/error")
    assert error.get("message").startswith("Cannot connect") and error.get("type") == "exit 3"


def test_junit_skips_the_objects_of_a_source_never_read() -> None:
    unread = replace(
        report(skipped=[SkippedCheck("buckets", "no SELECT privilege on storage.buckets")]),
        checked={"tables_declared": 3, "tables_live": 3, "buckets_declared": 2, "buckets_live": None},
    )
    suite = junit(unread).find("testsuite")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    buckets = [case for (kind, _), case in cases.items() if kind == "inventory.bucket"]
    assert len(buckets) == 2 and all(c.find("skipped") is not None for c in buckets)
    assert "no SELECT privilege" in buckets[0].find("skipped").get("message")
    assert cases[("inventory.table", "jobs")].find("skipped") is None  # tables were read
    assert ("inventory.checks", "buckets") not in cases  # said on each bucket instead
    assert (suite.get("tests"), suite.get("skipped")) == ("5", "2")


def test_markdown_of_a_failed_audit_claims_no_check() -> None:
    markdown = render(failed(), "markdown")
    assert "| Declared | 3 tables, 2 buckets; none checked, the audit failed |" in markdown
    assert "| Checked |" not in markdown


def test_sarif_rules_levels_and_locations() -> None:
    sarif = json.loads(render(drifted(), "sarif"))
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == sorted({f.rule for f in drifted().findings})
    assert next(r for r in rules if r["id"] == "bucket-visibility")["help"]["text"].startswith("A private bucket")
    assert next(r for r in rules if r["id"] == "table-rls-disabled")["properties"]["security-severity"] == "8.0"
    levels = {result["ruleId"]: result["level"] for result in run["results"]}
    assert levels == {
        "bucket-visibility": "error",
        "table-undeclared": "warning",
        "table-missing": "error",
        "column-unexpected": "warning",
        "bucket-size-limit": "error",
        "table-rls-disabled": "error",
        "doc-missing": "warning",
    }
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    lines = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]}
    assert lines["table-missing"] == 80 and lines["column-unexpected"] == 30 and lines["bucket-size-limit"] == 220
    assert lines["table-undeclared"] == 1  # not declared: the file's first line
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "inventory.yaml"
    info = Finding("x-info", Severity.INFO, "table", "jobs", 1, 2, "Info.", "Nothing to do.")
    assert json.loads(render(report([info]), "sarif"))["runs"][0]["results"][0]["level"] == "note"


def test_sarif_of_a_failed_audit_reports_an_unsuccessful_run() -> None:
    run = json.loads(render(failed(), "sarif"))["runs"][0]
    assert run["results"] == []
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("Cannot connect")


def test_a_failed_audit_never_reads_as_clean_in_any_format() -> None:
    report_ = failed()
    assert report_.status == "failed" and not report_.clean and report_.counts["error"] == 0
    data = json.loads(render(report_, "json"))
    assert data["status"] == "failed"
    assert data["failure"] == {"message": "Cannot connect to the database of environment 'prod'.", "exit_code": 3}
    markdown = render(report_, "markdown")
    assert markdown.startswith("## ⚠️ Inventory audit: Audit failed")
    assert "says nothing about drift" in markdown and "No drift" not in markdown
    terminal = render(report_, "terminal")
    assert "Audit failed" in terminal and "Cannot connect" in terminal and "No drift" not in terminal


# --- baseline -------------------------------------------------------------------------------


def with_baseline() -> Report:
    earlier = PreviousReport(
        path="last.json",
        environment="prod",
        generated_at="2026-11-25T00:00:00Z",
        findings=(
            finding("table-missing", "jobs", "present", "absent", "Table jobs is missing."),
            finding("bucket-visibility", "avatars", "private", "public", "Bucket avatars is public."),
        ),
    )
    return compare_with_baseline(drifted(), earlier)


def test_baseline_marks_in_every_format() -> None:
    current = with_baseline()
    data = json.loads(render(current, "json"))
    changes = {f["name"]: f["change"] for f in data["findings"]}
    assert changes["jobs"] == "unchanged" and changes["reference_images"] == "new"
    assert list(changes.values()).count("new") == 6
    assert (data["baseline"]["new"], data["baseline"]["unchanged"]) == (6, 1)
    assert [(f["name"], f["change"]) for f in data["baseline"]["resolved"]] == [("avatars", "resolved")]

    markdown = render(current, "markdown")
    assert (
        "| Since the baseline | 6 new · 1 unchanged · 1 resolved (baseline: prod, 2026-11-25T00:00:00Z) |" in markdown
    )
    assert "| error | `table-missing` | jobs | present | absent | Table jobs is missing. | unchanged |" in markdown
    assert "### Resolved since the baseline (1)" in markdown
    assert "| error | bucket-visibility | avatars | Bucket avatars is public. |" in markdown
    assert_valid_gfm_tables(markdown)

    terminal = render(current, "terminal")
    assert "last.json: 6 new, 1 unchanged, 1 resolved" in terminal
    assert "reference_images  [bucket-visibility]  new" in terminal
    assert "jobs  [table-missing]\n" in terminal
    assert "✔ avatars  (bucket-visibility)" in terminal

    sarif = json.loads(render(current, "sarif"))["runs"][0]
    states = {r["locations"][0]["logicalLocations"][0]["name"]: r["baselineState"] for r in sarif["results"]}
    assert states["jobs"] == "unchanged" and states["reference_images"] == "new"
    assert sarif["properties"]["resolvedSinceBaseline"] == [{"rule": "bucket-visibility", "name": "avatars"}]

    suite = junit(current).find("testsuite")
    assert "resolved since the baseline: bucket-visibility avatars" in suite.find("system-out").text
    assert "table-missing (unchanged)" in suite.find("testcase[@name='jobs']/failure").text


# --- terminal and stability -----------------------------------------------------------------


def test_findings_order_is_stable() -> None:
    one = drifted()
    two = replace(one, findings=tuple(reversed(one.findings)))
    for fmt in FORMATS:
        assert render(one, fmt) == render(two, fmt)


def test_terminal_security_first_and_fits_80_columns() -> None:
    text = render(drifted(), "terminal")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert text.splitlines()[0] == "✖ Drift found: 4 errors, 3 warnings"
    headings = [line for line in text.splitlines() if re.match(r"^[A-Z][a-z ]+ \(\d+\)$", line)]
    assert headings == SECTIONS_OF_DRIFTED
    assert "[x](http://evil)" in text  # shown verbatim, not interpreted
    assert "→ Create the table with a migration" in text
    assert text.rstrip().endswith(f"inventory sha256 {SHA[:12]}")


def test_terminal_colour_follows_the_terminal() -> None:
    coloured = io.StringIO()
    print_report(drifted(), Console(file=coloured, force_terminal=True, color_system="truecolor", width=80))
    assert "\x1b[" in coloured.getvalue()
    plain = io.StringIO()
    print_report(drifted(), Console(file=plain, force_terminal=True, no_color=True, width=80))
    assert "\x1b[3" not in plain.getvalue()  # no colour codes


def test_where_the_full_report_is_cannot_inject_markup() -> None:
    big = big_report(300)
    assert "The full report: <https://ci.example/r/1>." in render_markdown(
        big, max_chars=20_000, full_report="https://ci.example/r/1"
    )
    hostile = render_markdown(big, max_chars=20_000, full_report="reports/a|b <script>.json")
    assert "The full report: reports/a\\|b &lt;script&gt;.json." in hostile
    shortened = render_markdown(big, max_chars=20_000)
    assert "The full report: the JSON report of the same audit (auditor audit --format json)." in shortened


def test_hostile_baseline_content_stays_inert() -> None:
    """A baseline file is input too: its rule codes and names are escaped like the database's."""
    earlier = PreviousReport(
        "last.json",
        "prod",
        "2026-11-25|<b>",
        (Finding("x|`y`", Severity.ERROR, "table", HOSTILE, 1, 2, "gone\n| x |", "hint"),),
    )
    markdown = render(compare_with_baseline(drifted(), earlier), "markdown")
    assert_valid_gfm_tables(markdown)
    assert "<b>" not in markdown and "@someone" not in markdown
    ET.fromstring(render(compare_with_baseline(drifted(), earlier), "junit"))
