"""`auditor rules`: the rules index, and one rule's full entry (as `ruff rule CODE` does)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from auditor.commands.options import epilog, fail
from auditor.errors import UsageError

EPILOG = epilog(
    [
        "auditor rules",
        "auditor rules column-count",
        "auditor rules function-definer-anon --format json",
        "auditor rules --format markdown",
    ],
    "Exit codes: 0 printed; 2 an unknown rule code.",
)


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _complete_code(incomplete: str) -> list[str]:
    from auditor.drift.rules import RULES

    return [code for code in RULES if code.startswith(incomplete)]


def rules(
    code: Annotated[
        str | None,
        typer.Argument(
            metavar="CODE",
            help="A rule code, e.g. column-count: print its full entry.",
            show_default=False,
            autocompletion=_complete_code,
        ),
    ] = None,
    output_format: Annotated[
        RulesFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: one line per rule, or the entry; json: every field; markdown: docs/rules.md (or the "
            "rule's section of it).",
        ),
    ] = RulesFormat.text,
) -> None:
    """List every rule (code, severity, kind, tags), or print one rule's entry.

    An entry says what the rule catches, why it matters, how to fix it, how to accept the drift
    when it is intended, and the Supabase linter rule it follows, if any. docs/rules.md holds every
    entry, generated from the same registry.
    """
    from auditor.drift.rules import RULES
    from auditor.reference import indexed, rule_data, rule_entry, rule_section, rules_index, rules_table
    from auditor.wording import did_you_mean

    if code is not None and code not in RULES:
        error = UsageError(f"Unknown rule '{code}' (auditor rules lists them all).{did_you_mean(code, list(RULES))}")
        raise fail(error)
    if output_format is RulesFormat.json:
        data = [rule_data(rule) for rule in indexed()] if code is None else rule_data(RULES[code])
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif output_format is RulesFormat.markdown:
        text = rules_index() if code is None else rule_section(RULES[code])
    else:
        text = rules_table() if code is None else rule_entry(RULES[code])
    sys.stdout.write(text)
