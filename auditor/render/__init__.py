"""Renderers: Report -> text. They never query anything. Heavy imports happen per format."""

from __future__ import annotations

from auditor.model import Report

FORMATS = ("terminal", "markdown", "json")


def render(report: Report, fmt: str, *, fail_on: str | None = "error") -> str:
    """The report as text in one of FORMATS (terminal: plain text, no colour)."""
    if fmt == "json":
        from auditor.render.json import render_json

        return render_json(report)
    if fmt == "markdown":
        from auditor.render.markdown import render_markdown

        return render_markdown(report)
    if fmt == "terminal":
        from auditor.render.terminal import render_plain

        return render_plain(report)
    raise ValueError(f"unknown format {fmt!r}")
