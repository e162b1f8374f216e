"""Renderers: every format for a drifted, a clean and a failed report.

Markdown stays valid GFM whatever the names and under GitHub's comment limit, JUnit is valid
XML with the right failures, SARIF has the right rules and levels, JSON is stable, the
terminal is readable at 80 columns and at 200. Both human formats lead with one verdict, put
errors before warnings and never fold errors, group findings by rule with each hint once,
and always have a security section. Findings of every kind are synthetic here (security and
doc findings included); test_ci_integration.py renders real audits.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from auditor.baseline import PreviousReport, compare_with_baseline
from auditor.drift import finding
from auditor.model import AcceptedExposure, AuditFailure, Finding, InventoryObject, Report, Severity, SkippedCheck
from auditor.render import FORMATS, render
from auditor.render.json import SCHEMA_ID
from auditor.render.markdown import MAX_CHARS, md_escape, render_markdown
from auditor.render.terminal import print_report, render_plain
from tests.conftest import REPO, report_schema, run_auditor

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
    return Finding(rule, severity, "table", name, [], ["anon"], message, "Enable RLS.", ("security",))


def doc(rule: str, name: str, message: str, **where) -> Finding:
    return Finding(rule, Severity.WARNING, "doc", name, "12-profiles.md", None, message, "Write the doc page.", **where)


def drifted() -> Report:
    """Findings of every kind: table, column, bucket, doc, and security-tagged."""
    return report(
        [
            finding("bucket-visibility", "reference_images", False, True, "Bucket is public."),
            finding("table-undeclared", HOSTILE, False, True, f"Table {HOSTILE} is not declared."),
            finding("table-missing", "jobs", True, False, "Table jobs is missing."),
            finding("column-unexpected", "user_roles.note", None, "text", "Column user_roles.note is new."),
            finding("bucket-size-limit", "user-library", 50 * 1024 * 1024, None, "Limit differs."),
            security("table-rls-disabled", "profiles", "Table profiles has RLS disabled."),
            doc("doc-missing", "12-profiles.md", "Doc 12-profiles.md is declared but missing.", about="profiles"),
        ],
        skipped=[SkippedCheck("bucket object counts", "role auditor has no SELECT privilege on storage.objects")],
    )


def clean() -> Report:
    return report()


def failed() -> Report:
    return replace(report(), failure=AuditFailure("Cannot connect to the database of environment 'prod'.", 3))


# --- reading the human reports back ----------------------------------------------------------


def terminal_findings(text: str) -> list[tuple[str, str]]:
    """(rule, message) of each finding of a terminal report: a finding is a line '    ✖ message'
    (its continuation lines indented by 6) under a rule line '  rule (n) · security'."""
    found: list[tuple[str, str]] = []
    rule, current = None, None  # current: the finding being read, or None after a hint
    for line in text.splitlines():
        if header := re.fullmatch(r"  ([a-z0-9-]+)(?: \(\d+\))?(?: · security)?", line):
            rule, current = header.group(1), None
        elif item := re.fullmatch(r"    [✖▲•] (?:new: )?(.+)", line):
            found.append((rule, item.group(1)))
            current = len(found) - 1
        elif line.startswith("    → "):
            current = None
        elif current is not None and (more := re.fullmatch(r" {6}(\S.*)", line)):
            found[current] = (found[current][0], f"{found[current][1]} {more.group(1)}")
        elif not line.startswith("      "):
            current = None
    return found


def headings(markdown: str) -> list[str]:
    return re.findall(r"^### (.+)$", markdown, flags=re.M)


def section(markdown: str, title: str) -> str:
    """The text of a markdown section, from its heading to the next."""
    return markdown.split(f"\n### {title}\n")[1].split("\n### ")[0].split("\n---\n")[0]


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
    assert bool(tables(markdown)) == bool(make().findings)  # a table only where there are findings
    assert_valid_gfm_tables(markdown)


def test_hostile_names_cannot_break_rows_inject_html_or_mention() -> None:
    markdown = render(drifted(), "markdown")
    undeclared = [row for table in tables(markdown) for row in table if "table-undeclared" in row[0]]
    assert len(undeclared) == 1 and len(undeclared[0]) == 3
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


def test_markdown_says_the_verdict_once_then_what_was_checked() -> None:
    markdown = render(drifted(), "markdown")
    lines = markdown.splitlines()
    assert lines[0] == "## ❌ Inventory audit: Drift found: 4 errors, 3 warnings"
    assert lines[2] == (
        "Environment **prod** · database postgres&#64;db.example.com:5432/postgres · inventory inventory.yaml"
        " · 2026-11-26T00:00:00Z"
    )
    assert lines[4] == "**Checked:** 3 tables declared, 3 live · 2 buckets declared, 2 live"
    assert markdown.count("Drift found") == 1 and markdown.count("4 errors") == 1
    assert markdown.count("2026-11-26T00:00:00Z") == 1


SECTIONS_OF_DRIFTED = ["Errors (4)", "Warnings (3)", "Security", "Checks not made (1)"]


def test_markdown_errors_before_warnings_grouped_by_rule_each_hint_once() -> None:
    markdown = render(drifted(), "markdown")
    assert headings(markdown) == SECTIONS_OF_DRIFTED
    errors = section(markdown, "Errors (4)")
    rows = [row for table in tables(errors) for row in table[2:]]
    assert [row[0].strip() for row in rows] == [
        "`table-missing`",
        "`table-rls-disabled` 🔒",
        "`bucket-visibility` 🔒",
        "`bucket-size-limit`",
    ]
    assert "| `table-rls-disabled` 🔒 | profiles | Table profiles has RLS disabled. |" in errors
    assert "- `table-rls-disabled`: Enable RLS." in errors
    assert "- `doc-missing`: Write the doc page." in section(markdown, "Warnings (3)")
    for finding_ in drifted().findings:  # each finding once, each hint once
        assert markdown.count(f"| `{finding_.rule}`") == 1
        assert markdown.count(f"- `{finding_.rule}`: ") == 1


def test_details_only_where_they_add_something() -> None:
    """No Expected / Actual columns repeating the message, no present/absent filler."""
    markdown = render(drifted(), "markdown")
    assert {tuple(cell.strip() for cell in table[0]) for table in tables(markdown)} == {("Rule", "Object", "Details")}
    for word in ("absent", "present", "True", "False", "None"):
        assert word not in markdown
    terminal = render(drifted(), "terminal")
    assert not re.search(r"\b(expected|actual|absent|present)\b", terminal)


def test_footer_names_version_inventory_and_hash() -> None:
    from auditor import __version__

    for make in (drifted, clean, failed):
        last = render(make(), "markdown").rstrip().splitlines()[-1]
        assert last == f"<sub>supabase-inventory-auditor {__version__} · inventory inventory.yaml · sha256 {SHA}</sub>"


def test_long_warning_sections_fold_errors_never_do() -> None:
    warnings = report([finding("table-undeclared", f"t{i:02}", False, True, "New.") for i in range(11)])
    markdown = render(warnings, "markdown")
    assert "<details><summary>11 warnings</summary>\n\n| Rule | Object | Details |" in markdown
    assert "|\n\n</details>" in markdown
    assert "- `table-undeclared`: Declare the table" in markdown.split("</details>")[1]  # the hint stays open
    errors = report([finding("table-missing", f"t{i:02}", True, False, "Gone.") for i in range(30)])
    assert "<details>" not in render(errors, "markdown")
    assert "<details>" not in render(drifted(), "markdown")  # short sections stay open


def big_report(count: int) -> Report:
    """`count` findings of mixed severity with long, hostile text: far past any comment limit."""
    findings = []
    for i in range(count):
        code = ("table-undeclared", "column-count", "bucket-mime-types")[i % 3]
        findings.append(finding(code, f"t_{i:05}|{HOSTILE}", 1, 2, f"Finding {i}: " + "x|<@>" * 40))
    findings.append(security("table-exposed", "z_leak", "Table z_leak is readable by anon.", Severity.WARNING))
    return report(findings)


def finding_rows(markdown: str, title: str) -> list[list[str]]:
    """The finding rows of a section whose heading starts with `title`."""
    titled = [h for h in headings(markdown) if h.startswith(title)]
    return [row for h in titled for table in tables(section(markdown, h)) for row in table[2:]]


def test_truncation_keeps_headline_counts_and_most_severe_under_the_limit() -> None:
    big = big_report(3000)
    full = render_markdown(big, max_chars=None)
    assert len(full.encode()) > 10 * MAX_CHARS
    markdown = render(big, "markdown", full_report="https://ci.example/run/1")
    assert len(markdown) < 65_536 and len(markdown.encode()) <= MAX_CHARS
    assert markdown.startswith("## ❌ Inventory audit: Drift found: 1000 errors, 2001 warnings\n")
    errors, warnings = finding_rows(markdown, "Errors"), finding_rows(markdown, "Warnings")
    shown = len(errors) + len(warnings)
    assert 50 < shown < 3001
    assert f"the {shown} most severe of 3001 findings are shown, {3001 - shown} are left out" in markdown
    assert "The full report: <https://ci.example/run/1>." in markdown
    assert [row[0].strip() for row in warnings] == ["`table-exposed` 🔒"]  # security first, though a warning
    assert f"### Errors ({len(errors)} of 1000)" in markdown
    assert "### Warnings (1 of 2001)" in markdown
    assert_valid_gfm_tables(markdown)
    assert "### Security" in markdown and markdown.rstrip().endswith("</sub>")  # they survive


def test_truncation_keeps_as_many_findings_as_fit() -> None:
    big = big_report(600)
    limit = 20_000
    markdown = render_markdown(big, max_chars=limit)
    assert len(markdown.encode()) <= limit
    shown = int(re.search(r"the (\d+) most severe", markdown).group(1))
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    assert len(rows) == shown > 20
    longest_row = max(len(row.encode()) + 1 for row in rows)
    assert limit - len(markdown.encode()) < longest_row + 200, "room was left for another finding"


def test_markdown_under_the_limit_is_not_shortened() -> None:
    assert "Shortened" not in render(drifted(), "markdown")


# --- the verdict follows --fail-on --------------------------------------------------------------

WARNINGS_ONLY = [finding("table-undeclared", "scratch", False, True, "Table scratch is not declared.")]


def test_warnings_only_drift_reads_as_a_warning_not_a_failure() -> None:
    only = report(WARNINGS_ONLY)
    terminal = render(only, "terminal")  # --fail-on error: exit 0
    assert terminal.splitlines()[0] == "▲ Drift found: 1 warning (not failing: --fail-on error)"
    assert "✖" not in terminal
    markdown = render(only, "markdown")
    assert markdown.startswith("## ⚠️ Inventory audit: Drift found: 1 warning (not failing: --fail-on error)\n")
    assert "❌" not in markdown
    for fail_on in ("warning", "info"):  # now the run fails: a red cross
        assert render(only, "terminal", fail_on=fail_on).startswith("✖ Drift found: 1 warning\n")
        assert render(only, "markdown", fail_on=fail_on).startswith("## ❌ Inventory audit: Drift found: 1 warning\n")
    assert render(only, "terminal", fail_on="never").startswith(
        "▲ Drift found: 1 warning (not failing: --fail-on never)"
    )
    assert render(only, "terminal", fail_on="security").startswith("▲ ")  # not a security finding
    assert render(drifted(), "terminal", fail_on="security").startswith("✖ ")  # one is


def test_colour_follows_the_verdict(tmp_path) -> None:
    def first_line_style(report_: Report, fail_on: str) -> str:
        out = io.StringIO()
        console = Console(file=out, force_terminal=True, color_system="truecolor", width=80)
        print_report(report_, console, fail_on=fail_on)
        return out.getvalue().splitlines()[0]

    assert "\x1b[1;33m" in first_line_style(report(WARNINGS_ONLY), "error")  # bold yellow
    assert "\x1b[1;31m" in first_line_style(report(WARNINGS_ONLY), "warning")  # bold red


# --- the security section -----------------------------------------------------------------------

CHECKS = ("row level security and API read access of 3 tables in public", "who can list the files of 1 public bucket")


def test_the_security_section_is_always_there() -> None:
    quiet = replace(clean(), security_checks=CHECKS)
    terminal = render(quiet, "terminal")
    assert (
        "Security\n"
        "  checks      row level security and API read access of 3 tables in public\n"
        "              who can list the files of 1 public bucket\n"
        "  found       nothing\n"
        "  accepted    none declared\n"
    ) in terminal
    markdown = render(quiet, "markdown")
    assert section(markdown, "Security") == (
        "\n- **Checked:** row level security and API read access of 3 tables in public; "
        "who can list the files of 1 public bucket\n"
        "- **Found:** nothing\n"
        "- **Accepted on purpose:** none declared\n"
    )
    found = render(replace(drifted(), security_checks=CHECKS), "terminal")
    assert "  found       1 error · table-rls-disabled: profiles\n" in found
    assert (
        "- **Found:** 1 error, `table-rls-disabled`: profiles; 1 error, `bucket-visibility`: reference\\_images "
        "(listed above)"
    ) in render(drifted(), "markdown")
    failed_ = render(
        replace(failed(), accepted=(AcceptedExposure("bucket", "avatars", "public", "avatars"),)), "terminal"
    )
    assert "  checks      nothing: the audit failed\n" in failed_ and "found" not in failed_
    assert "accepted" not in failed_  # a failed audit judged nothing: not "none declared" either
    failed_markdown = render(failed(), "markdown")
    assert "**Checked:** nothing: the audit failed" in failed_markdown and "Accepted on purpose" not in failed_markdown


def test_accepted_exposures_are_listed_with_their_reason() -> None:
    accepted = (
        AcceptedExposure("function", "public.search(text)", "anon may execute it", "the search page needs it"),
        AcceptedExposure("table", "countries", "readable by anon", "public reference data"),
    )
    with_accepted = replace(clean(), accepted=accepted)
    terminal = render_plain(with_accepted, width=120)
    assert (
        "  accepted    function public.search(text): anon may execute it (the search page needs it)\n"
        "              table countries: readable by anon (public reference data)\n"
    ) in terminal
    markdown = render(with_accepted, "markdown")
    assert (
        "- **Accepted on purpose:** function public.search(text): anon may execute it (the search page needs it); "
        "table countries: readable by anon (public reference data)"
    ) in markdown
    data = json.loads(render(with_accepted, "json"))
    assert data["security"]["accepted"][1] == {
        "kind": "table",
        "name": "countries",
        "exposure": "readable by anon",
        "reason": "public reference data",
    }


def test_many_security_findings_are_summed_up_not_listed() -> None:
    exposed = [security("table-exposed", f"t{i}", f"Table t{i} is readable.") for i in range(8)]
    terminal = render(report(exposed), "terminal")
    assert "  found       8 errors · table-exposed: t0, t1, t2, t3, t4, 3 more\n" in terminal
    verbose = render(report(exposed), "terminal", detail="verbose")
    assert "table-exposed: t0, t1, t2, t3, t4, t5, t6, t7\n" in verbose


# --- what was checked ---------------------------------------------------------------------------


def test_checked_line_reads_every_kind_from_the_counts() -> None:
    counts = {
        "tables_declared": 30,
        "tables_live": 31,
        "views_declared": None,  # no views section: only the live count
        "views_live": 1,
        "materialized_views_declared": 1,
        "materialized_views_live": 1,
        "policies_declared": 2,
        "policies_live": 2,
        "buckets_declared": 10,
        "buckets_live": None,  # not read
    }
    terminal = render(replace(clean(), checked=counts), "terminal")
    assert (
        "  checked     30 tables declared, 31 live · 1 view live, not inventoried · 1\n"
        "              materialized view declared, 1 live · 2 policies declared, 2 live ·\n"
        "              10 buckets declared, live not read\n"
    ) in terminal


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
    data = json.loads(render(replace(drifted(), live_columns={"jobs": ("id", "name")}), "json"))
    assert list(data) == [
        "$schema",
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
        "security",
        "baseline",
        "findings",
        "live_columns",
    ]
    assert data["$schema"] == "urn:supabase-inventory-auditor:report:2" and data["version"] == 2
    assert data["inventory_sha256"] == SHA and data["baseline"] is None
    assert data["summary"]["error"] == 4 and data["summary"]["warning"] == 3
    first = data["findings"][0]
    assert list(first) == [
        "rule",
        "severity",
        "kind",
        "name",
        "about",
        "path",
        "line",
        "expected",
        "actual",
        "message",
        "hint",
        "tags",
        "change",
        "columns_changed",
    ]
    size = next(f for f in data["findings"] if f["rule"] == "bucket-size-limit")
    assert (size["expected"], size["actual"], size["change"]) == (52428800, None, None)
    assert any(f["name"] == HOSTILE for f in data["findings"])
    assert next(f for f in data["findings"] if f["rule"] == "table-rls-disabled")["tags"] == ["security"]
    assert data["security"] == {"checks": [], "found": 2, "accepted": []}
    assert data["live_columns"] == {"jobs": ["id", "name"]}


def test_doc_findings_carry_their_page_and_object_apart() -> None:
    stale = doc("doc-stale", "12-profiles.md", "Stale.", path="docs/database/12-profiles.md", line=14, about="profiles")
    data = json.loads(render(report([stale]), "json"))["findings"][0]
    assert (data["name"], data["path"], data["line"], data["about"]) == (
        "12-profiles.md",
        "docs/database/12-profiles.md",
        14,
        "profiles",
    )


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
    assert "\\x07" in hostile and "\x07" not in hostile  # the BEL character XML cannot hold, shown escaped
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


def test_a_failed_audit_claims_no_check() -> None:
    markdown = render(failed(), "markdown")
    assert "**Checked:** 3 tables, 2 buckets declared; none checked, the audit failed" in markdown
    assert "  checked     3 tables, 2 buckets declared; none checked, the audit failed\n" in render(
        failed(), "terminal"
    )


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
    assert lines["doc-missing"] == 12  # no page: the line that declares the table it is about
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "inventory.yaml"
    size = next(r for r in run["results"] if r["ruleId"] == "bucket-size-limit")
    assert size["properties"] == {"expected": 52428800, "actual": None}
    assert size["message"]["text"] == "Limit differs. Set file_size_limit on the bucket back, or update " + (
        "file_size_limit in inventory.yaml."
    )
    info = Finding("x-info", Severity.INFO, "table", "jobs", 1, 2, "Info.", "Nothing to do.")
    assert json.loads(render(report([info]), "sarif"))["runs"][0]["results"][0]["level"] == "note"


def test_sarif_locates_a_doc_finding_at_its_page_and_line() -> None:
    stale = doc("doc-stale", "12-profiles.md", "Stale.", path="docs/database/12-profiles.md", line=14, about="profiles")
    (result,) = json.loads(render(report([stale]), "sarif"))["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "docs/database/12-profiles.md"}, "region": {"startLine": 14}}


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
    assert markdown.startswith("## ⛔ Inventory audit: Audit failed")
    assert "says nothing about drift" in markdown and "No drift" not in markdown
    terminal = render(report_, "terminal")
    assert terminal.startswith("✖ Audit failed") and "Cannot connect" in terminal and "No drift" not in terminal


# --- baseline -------------------------------------------------------------------------------


def with_baseline() -> Report:
    earlier = PreviousReport(
        path="last.json",
        environment="prod",
        generated_at="2026-11-25T00:00:00Z",
        findings=(
            finding("table-missing", "jobs", True, False, "Table jobs is missing."),
            finding("bucket-visibility", "avatars", False, True, "Bucket avatars is public."),
            finding("bucket-size-limit", "user-library", 50 * 1024 * 1024, 20 * 1024 * 1024, "Bucket allows 20MiB."),
        ),
        raw_values=True,
    )
    return compare_with_baseline(drifted(), earlier)


def test_baseline_marks_in_every_format() -> None:
    current = with_baseline()
    data = json.loads(render(current, "json"))
    changes = {f["name"]: f["change"] for f in data["findings"]}
    assert changes["jobs"] == "unchanged" and changes["reference_images"] == "new"
    assert changes["user-library"] == "changed"  # the same finding, its live value no longer 20MiB
    assert list(changes.values()).count("new") == 5
    assert (data["baseline"]["new"], data["baseline"]["changed"], data["baseline"]["unchanged"]) == (5, 1, 1)
    assert [(f["name"], f["change"]) for f in data["baseline"]["resolved"]] == [("avatars", "resolved")]

    markdown = render(current, "markdown")
    assert (
        "**Checked:** 3 tables declared, 3 live · 2 buckets declared, 2 live · "
        "**since the baseline** (2026-11-25T00:00:00Z): 5 new, 1 changed, 1 unchanged, 1 resolved"
    ) in markdown
    assert "| `table-missing` | jobs | Table jobs is missing. |" in markdown
    assert "| `bucket-size-limit` | user-library | 🔁 Limit differs. |" in markdown
    assert "| `bucket-visibility` 🔒 | reference\\_images | 🆕 Bucket is public. |" in markdown
    assert "### Resolved since the baseline (1)" in markdown
    assert "| bucket-visibility | avatars | Bucket avatars is public. |" in markdown
    assert_valid_gfm_tables(markdown)

    terminal = render(current, "terminal")
    assert "  since       last.json: 5 new, 1 changed, 1 unchanged, 1 resolved\n" in terminal
    assert "    ✖ changed: Limit differs.\n" in terminal
    assert "    ✖ new: Bucket is public.\n" in terminal
    assert "    ✖ Table jobs is missing.\n" in terminal
    assert "  ✔ avatars  (bucket-visibility)" in terminal

    sarif = json.loads(render(current, "sarif"))["runs"][0]
    states = {r["locations"][0]["logicalLocations"][0]["name"]: r["baselineState"] for r in sarif["results"]}
    assert states["jobs"] == "unchanged" and states["reference_images"] == "new"
    assert states["user-library"] == "updated"  # SARIF's baselineState for a changed result
    assert sarif["properties"]["resolvedSinceBaseline"] == [{"rule": "bucket-visibility", "name": "avatars"}]

    suite = junit(current).find("testsuite")
    assert "resolved since the baseline: bucket-visibility avatars" in suite.find("system-out").text
    assert "table-missing (unchanged)" in suite.find("testcase[@name='jobs']/failure").text


def count_report(live: tuple[str, ...]) -> Report:
    message = f"Table profiles has {len(live)} columns; the inventory says 3."
    return replace(
        report([finding("column-count", "profiles", 3, len(live), message)]),
        live_columns={"profiles": live, "jobs": ("id",)},
    )


def test_a_column_count_finding_names_the_columns_that_came_and_went() -> None:
    before = count_report(("id", "user_id", "age_verified"))
    earlier = json.loads(render(before, "json"))
    assert earlier["live_columns"]["profiles"] == ["id", "user_id", "age_verified"]
    assert "not known without --baseline" in earlier["findings"][0]["hint"]  # no baseline: the hint says so

    path = "last.json"
    previous = parse_baseline(earlier, path)
    now = compare_with_baseline(count_report(("id", "user_id", "display_name", "avatar_url")), previous)
    (f,) = now.findings
    assert f.message == (
        "Table profiles has 4 columns; the inventory says 3. "
        "Since the baseline: added display_name, avatar_url; removed age_verified."
    )
    assert f.hint == "Update the column count in inventory.yaml if the migration was intended."
    data = json.loads(render(now, "json"))["findings"][0]
    assert data["columns_changed"] == {"added": ["display_name", "avatar_url"], "removed": ["age_verified"]}
    assert "added display_name, avatar_url; removed age_verified" in render(now, "terminal").replace("\n      ", " ")
    assert "added display\\_name, avatar\\_url; removed age\\_verified" in render(now, "markdown")

    same = compare_with_baseline(before, previous).findings[0]
    assert same.message.endswith("No column came or went since the baseline.")
    older = compare_with_baseline(count_report(("id",)), replace(previous, columns=None)).findings[0]
    assert older.message.endswith(
        "The baseline report lists no columns (an older auditor wrote it): which came and went is not known."
    )


def parse_baseline(data: dict, path: str) -> PreviousReport:
    from auditor.baseline import _parse

    return _parse(data, path)


# --- terminal and stability -----------------------------------------------------------------


def test_findings_order_is_stable() -> None:
    one = drifted()
    two = replace(one, findings=tuple(reversed(one.findings)))
    for fmt in FORMATS:
        assert render(one, fmt) == render(two, fmt)


def test_terminal_errors_first_by_rule_hint_once_fits_80_columns() -> None:
    text = render(drifted(), "terminal")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert text.splitlines()[0] == "✖ Drift found: 4 errors, 3 warnings"
    titles = [line for line in text.splitlines() if re.fullmatch(r"[A-Z][a-z ]+( \(\d+\))?", line)]
    assert titles == SECTIONS_OF_DRIFTED
    assert [rule for rule, _ in terminal_findings(text)] == [
        "table-missing",
        "table-rls-disabled",
        "bucket-visibility",
        "bucket-size-limit",
        "table-undeclared",
        "column-unexpected",
        "doc-missing",
    ]
    assert "  table-rls-disabled · security\n    ✖ Table profiles has RLS disabled.\n    → Enable RLS.\n" in text
    assert "[x](http://evil)" in text  # shown verbatim, not interpreted
    assert text.rstrip().endswith(f"inventory sha256 {SHA[:12]}")


def test_a_hint_is_said_once_per_rule() -> None:
    many = report([finding("table-undeclared", f"t{i:02}", False, True, f"Table t{i:02} is new.") for i in range(14)])
    text = render(many, "terminal")
    assert text.count("Declare the table in inventory.yaml") == 1
    assert len(terminal_findings(text)) == 14
    assert "  table-undeclared (14)\n" in text


POOLER = "postgres.abcdefghijklmnopqrst@aws-0-eu-central-1.pooler.supabase.com:6543/postgres"
LONG_TARGET = f"{POOLER} + https://abcdefghijklmnopqrst.supabase.co"


def test_a_120_character_target_fits_80_columns_broken_at_separators() -> None:
    assert len(LONG_TARGET) >= 120
    long = replace(drifted(), target=LONG_TARGET, inventory_path="config/" + "environments/" * 6 + "inventory.yaml")
    for width in (80, 200):
        text = render_plain(long, width=width)
        assert max(len(line) for line in text.splitlines()) <= min(width, 120)
    text = render_plain(long, width=80)
    database = text.split("  database    ")[1].split("\n  inventory")[0]
    pieces = [line.strip() for line in database.split("\n")]
    assert len(pieces) > 1 and "".join(pieces).replace(" ", "") == LONG_TARGET.replace(" ", "")  # nothing lost
    for piece in pieces[:-1]:
        assert piece[-1] in "/.:@?&=,;+", f"cut mid-word: {piece!r}"
    out = io.StringIO()  # the console the CLI prints with, at 80 columns
    print_report(long, Console(file=out, width=80, no_color=True, highlight=False))
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80


def test_quiet_is_the_verdict_and_the_counts_verbose_adds_the_values() -> None:
    quiet = render(drifted(), "terminal", detail="quiet")
    assert quiet == (
        "✖ Drift found: 4 errors, 3 warnings\n"
        "  environment prod\n"  # with several environments, which verdict is whose
        "  checked     3 tables declared, 3 live · 2 buckets declared, 2 live\n"
    )
    verbose = render(drifted(), "terminal", detail="verbose")
    assert "      user-library · expected 50MiB · actual no limit\n" in verbose
    assert "      jobs · expected true · actual false\n" in verbose
    assert f"inventory sha256\n{SHA}\n" in verbose  # in full, on a line of its own at 80 columns
    stale = doc("doc-stale", "12-profiles.md", "Stale.", path="docs/database/12-profiles.md", line=14)
    verbose = render(report([stale]), "terminal", detail="verbose").replace("\n        ", " ")  # unwrapped
    assert '12-profiles.md · expected "12-profiles.md" · actual null · docs/database/12-profiles.md:14\n' in verbose


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


# --- the published schema -------------------------------------------------------------------


def test_the_schema_is_valid_and_docs_has_the_same() -> None:
    import jsonschema

    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_ID == json.loads(render(clean(), "json"))["$schema"]
    assert (REPO / "docs" / "report.schema.json").read_text(encoding="utf-8") == (
        REPO / "auditor" / "schemas" / "report.schema.json"
    ).read_text(encoding="utf-8"), "docs/report.schema.json differs from the package's: copy it over"


@pytest.mark.parametrize("make", [drifted, clean, failed, with_baseline])
def test_reports_match_the_schema_and_the_schema_can_fail(make) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(report_schema())
    data = json.loads(render(make(), "json"))
    assert list(validator.iter_errors(data)) == []
    for broken in (
        {**data, "status": "fine"},
        {**data, "summary": {**data["summary"], "tables_live": "3"}},
        {**data, "findings": [{**f, "line": "14"} for f in data["findings"]] or [{"rule": "x"}]},
        {key: value for key, value in data.items() if key != "security"},
    ):
        assert list(validator.iter_errors(broken)), broken


def test_reports_of_other_processes_are_seen_by_the_schema_check(json_reports_match_the_schema: Path) -> None:
    """The check sees what a subprocess renders (tests/json_reports/sitecustomize.py), not only this process."""
    before = set(json_reports_match_the_schema.iterdir())
    args = ["audit", "--db-url", "postgresql://nobody@127.0.0.1:1/none", "--connect-retries", "0", "-f", "json"]
    result = run_auditor(*args)
    assert result.returncode == 3
    (new,) = set(json_reports_match_the_schema.iterdir()) - before
    record = json.loads(new.read_text())
    assert record["argv"][1:] == args
    assert record["report"] == result.stdout
