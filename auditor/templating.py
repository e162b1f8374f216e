"""The one jinja2 environment for every template in auditor/templates/ (reports and docs).

The output is markdown, not HTML, so autoescape is off: report templates escape every value
from the database or the inventory explicitly, with the `md` filter.
"""

from __future__ import annotations

import functools

import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    from auditor.render.markdown import md_escape  # not at import time: render.markdown imports this module

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditor", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    return env


def render_template(name: str, **values: object) -> str:
    return environment().get_template(name).render(**values)
