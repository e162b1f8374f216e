"""Renderers: Report -> text. They never query anything. Heavy imports happen per format."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from auditor.model import Report

FORMATS = ("terminal", "markdown", "json", "junit", "sarif")


def prepare(formats: Iterable[str]) -> None:
    """Import the renderers of these formats, and compile the markdown template, ahead of use.

    An audit calls this while the database works on its catalog queries, so that the ~60 ms
    that importing rich or jinja2 and compiling a template take are not added after them.
    """
    for fmt in formats:
        renderer = import_module(f"auditor.render.{fmt}")
        if fmt == "markdown":
            renderer.report_template()


def render(
    report: Report,
    fmt: str,
    *,
    fail_on: str | None = "error",
    full_report: str | None = None,
    detail: str = "normal",
) -> str:
    """The report as text in one of FORMATS (terminal: plain text, no colour, 80 columns).

    `fail_on` decides which findings fail a JUnit test case, and whether the terminal and
    markdown verdicts read as failing; `full_report` says where the complete report is when
    markdown must be shortened to fit a GitHub comment; `detail` is the terminal's
    "quiet", "normal" or "verbose".
    """
    if fmt == "json":
        from auditor.render.json import render_json

        return render_json(report)
    if fmt == "markdown":
        from auditor.render.markdown import render_markdown

        return render_markdown(report, full_report=full_report, fail_on=fail_on)
    if fmt == "terminal":
        from auditor.render.terminal import render_plain

        return render_plain(report, fail_on=fail_on, detail=detail)
    if fmt == "junit":
        from auditor.render.junit import render_junit

        return render_junit(report, fail_on)
    if fmt == "sarif":
        from auditor.render.sarif import render_sarif

        return render_sarif(report)
    raise ValueError(f"unknown format {fmt!r}")
