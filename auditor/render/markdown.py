"""GitHub-flavoured markdown report, from templates/report.md.j2.

Every value that comes from the database or the inventory goes through `md_escape`, so a
name cannot break a table row, inject HTML or markdown, or @-mention anyone.
"""

from __future__ import annotations

import html
import re

import jinja2

from auditor.model import Report
from auditor.render.values import headline, hints, kind_title, severity_count, show_value

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]{}#|~!])")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")


def md_escape(value: object) -> str:
    """Text safe inside a GFM table cell: no markup, no HTML, no line breaks, no mentions."""
    text = html.escape(str(value), quote=False)
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    text = text.replace("@", "&#64;")
    text = _AUTOLINK.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", text)
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditor", "templates"),
        autoescape=False,  # markdown, not HTML: escaping is explicit through the md filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    return env


def render_markdown(report: Report) -> str:
    template = _environment().get_template("report.md.j2")
    return template.render(
        report=report,
        headline=headline(report),
        sections=[(kind_title(kind), findings, hints(findings)) for kind, findings in report.by_kind()],
        show_value=show_value,
        severity_count=severity_count,
    )
