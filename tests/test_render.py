"""Renderers: markdown stays valid GFM whatever the names, JSON is stable, terminal is readable."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

from rich.console import Console

from auditor.drift import finding
from auditor.model import AuditFailure, Report, SkippedCheck
from auditor.render import render
from auditor.render.markdown import md_escape
from auditor.render.terminal import print_report

HOSTILE = "we|ird `name` <script>alert(1)</script> @someone\nnext line **bold** [x](http://evil) 🎉"


def report(findings=(), skipped=()) -> Report:
    return Report(
        environment="prod",
        target="postgres@db.example.com:5432/postgres",
        inventory_path="inventory.yaml",
        generated_at="2026-11-26T00:00:00Z",
        findings=tuple(findings),
        skipped=tuple(skipped),
        checked={"tables_declared": 2, "tables_live": 2, "buckets_declared": 1, "buckets_live": 1},
    )


def drifted() -> Report:
    return report(
        [
            finding("bucket-visibility", "reference_images", "private", "public", "Bucket is public."),
            finding("table-undeclared", HOSTILE, "absent", "present", f"Table {HOSTILE} is not declared."),
            finding("table-missing", "jobs", "present", "absent", "Table jobs is missing."),
            finding("bucket-size-limit", "user-library", 50 * 1024 * 1024, None, "Limit differs."),
        ]
    )


def table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


def test_markdown_tables_survive_hostile_names() -> None:
    markdown = render(drifted(), "markdown")
    for block in markdown.split("\n\n"):
        rows = table_rows(block)
        if rows:
            widths = {unescaped_pipes(row) for row in rows}
            assert len(widths) == 1, f"broken table rows:\n{block}"
    assert "<script>" not in markdown
    assert "&lt;script&gt;" in markdown
    assert "@someone" not in markdown
    assert not re.search(r"(?<!\\)\]\(", markdown), "a link survived"
    assert "http://" not in markdown  # no autolink either
    assert "🎉" in markdown


def test_md_escape() -> None:
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("`x`") == "\\`x\\`"
    assert md_escape("@team") == "&#64;team"
    assert md_escape("line\nbreak") == "line<br>break"
    assert md_escape("<b>") == "&lt;b&gt;"


def test_markdown_headline_counts_and_sections() -> None:
    markdown = render(drifted(), "markdown")
    assert markdown.startswith("## ❌ Inventory audit: Drift found: 3 errors, 1 warning\n")
    assert "| Environment | prod |" in markdown
    assert "| Database | postgres&#64;db.example.com:5432/postgres |" in markdown
    assert "| Audited at | 2026-11-26T00:00:00Z |" in markdown
    assert "| Findings | 3 errors · 1 warning · 0 info |" in markdown
    assert "### Tables (2)" in markdown and "### Buckets (2)" in markdown
    assert "| error | `bucket-size-limit` | user-library | 50MB | no limit |" in markdown


def test_clean_report_says_so_in_every_format() -> None:
    clean = report()
    assert "No drift" in render(clean, "markdown")
    assert "No drift" in render(clean, "terminal")
    data = json.loads(render(clean, "json"))
    assert data["status"] == "clean" and data["findings"] == []
    assert data["summary"]["total"] == 0


def test_json_shape_and_key_order() -> None:
    data = json.loads(render(drifted(), "json"))
    assert list(data) == [
        "version",
        "status",
        "environment",
        "target",
        "inventory",
        "generated_at",
        "summary",
        "failure",
        "skipped",
        "findings",
    ]
    assert data["version"] == 1
    assert data["summary"]["error"] == 3 and data["summary"]["warning"] == 1
    first = data["findings"][0]
    assert list(first) == ["rule", "severity", "kind", "name", "expected", "actual", "message", "hint", "tags"]
    size = next(f for f in data["findings"] if f["rule"] == "bucket-size-limit")
    assert (size["expected"], size["actual"]) == (52428800, None)
    assert any(f["name"] == HOSTILE for f in data["findings"])


def test_a_failed_audit_never_reads_as_clean_in_any_format() -> None:
    failed = replace(report(), failure=AuditFailure("Cannot connect to the database of environment 'prod'.", 3))
    assert failed.status == "failed" and not failed.clean and failed.counts["error"] == 0
    data = json.loads(render(failed, "json"))
    assert data["status"] == "failed"
    assert data["failure"] == {"message": "Cannot connect to the database of environment 'prod'.", "exit_code": 3}
    markdown = render(failed, "markdown")
    assert markdown.startswith("## ⚠️ Inventory audit: Audit failed")
    assert "says nothing about drift" in markdown and "No drift" not in markdown
    terminal = render(failed, "terminal")
    assert "Audit failed" in terminal and "Cannot connect" in terminal and "No drift" not in terminal


def test_findings_order_is_stable() -> None:
    one = drifted()
    two = report(reversed(one.findings))
    for fmt in ("markdown", "json", "terminal"):
        assert render(one, fmt) == render(two, fmt)
    kinds = [f.kind for f in one.findings]
    assert kinds == sorted(kinds, key=["table", "column", "bucket"].index)


def test_skipped_checks_are_shown() -> None:
    skipped = [SkippedCheck("bucket object counts", "role auditor has no SELECT privilege on storage.objects")]
    partial = report(skipped=skipped)
    for fmt in ("markdown", "terminal"):
        assert "no SELECT privilege on storage.objects" in render(partial, fmt)
    assert json.loads(render(partial, "json"))["skipped"][0]["check"] == "bucket object counts"


def test_terminal_colour_follows_the_terminal() -> None:
    coloured = io.StringIO()
    print_report(drifted(), Console(file=coloured, force_terminal=True, color_system="truecolor", width=80))
    assert "\x1b[" in coloured.getvalue()
    plain = io.StringIO()
    print_report(drifted(), Console(file=plain, force_terminal=True, no_color=True, width=80))
    assert "\x1b[3" not in plain.getvalue()  # no colour codes


def test_terminal_fits_80_columns_and_does_not_parse_markup() -> None:
    text = render(drifted(), "terminal")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert text.splitlines()[0] == "✖ Drift found: 3 errors, 1 warning"
    assert "[x](http://evil)" in text  # shown verbatim, not interpreted
    assert "→ Create the table with a migration" in text
