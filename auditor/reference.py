"""Reference text generated from the rules registry, so that no hand-kept table can drift from
the code: the table of security rules in docs/security.md, and the rules index (`auditor rules`,
docs/rules.md), where each rule's entry is the one text `auditor rules CODE` prints."""

from __future__ import annotations

import re
import textwrap

from auditor.drift.rules import RULES
from auditor.model import KINDS, Rule

WIDTH = 80
INDEX_COMMAND = "auditor rules --format markdown > docs/rules.md"
"""The command that writes docs/rules.md."""
_CODE_SPAN = re.compile(r"(`[^`]*`)")


def security_table() -> str:
    """The markdown table of every security rule: what it catches, the platform linter's rule it
    corresponds to, and how to accept it when the exposure is intended."""
    lines = [
        "| rule | severity | what it catches | Supabase linter | how to accept |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        if "security" in rule.tags:
            linter = f"`{rule.linter}`" if rule.linter else "none"
            lines.append(f"| `{rule.code}` | {rule.severity.value} | {rule.catches} | {linter} | {rule.accept} |")
    return "\n".join(lines) + "\n"


def by_kind() -> list[tuple[str, list[Rule]]]:
    """(kind title, its rules in registry order) for each kind that has rules, in report order."""
    groups = [(kind.title, [rule for rule in RULES.values() if rule.kind == kind.name]) for kind in KINDS]
    return [(title, rules) for title, rules in groups if rules]


def indexed() -> list[Rule]:
    """Every rule in the index's order: by kind, then as registered."""
    return [rule for _, rules in by_kind() for rule in rules]


def rule_entry(rule: Rule) -> str:
    """A rule's full entry: what `auditor rules CODE` prints and docs/rules.md holds under the
    rule's heading. Plain paragraphs of at most 80 columns, which read the same on a terminal and
    as markdown."""
    tags = f"tag {', '.join(rule.tags)}" if rule.tags else "no tags"
    linter = f"Supabase linter rule {rule.linter}" if rule.linter else "no Supabase linter rule"
    paragraphs = [
        f"{rule.code}: severity {rule.severity.value}, kind {rule.kind}, {tags}, {linter}.",
        f"What it catches: {rule.catches}",
        f"Why it matters: {rule.why}",
        f"How to fix: {rule.hint}",
        f"How to accept: {rule.accept}",
    ]
    return "\n\n".join(_wrap(paragraph) for paragraph in paragraphs) + "\n"


def _wrap(paragraph: str) -> str:
    """The paragraph in lines of at most 80 columns, never broken inside a code span (a command
    stays on one line, to be copied whole)."""
    parts = _CODE_SPAN.split(paragraph)
    joined = "".join(part.replace(" ", _NO_BREAK) if index % 2 else part for index, part in enumerate(parts))
    wrapped = textwrap.fill(joined, WIDTH, break_long_words=False, break_on_hyphens=False)
    return wrapped.replace(_NO_BREAK, " ")


_NO_BREAK = "\0"


def rule_section(rule: Rule) -> str:
    """A rule's section of docs/rules.md: a heading (its anchor is the code), then its entry as
    markdown shows it."""
    return f"### {rule.code}\n\n{markdown_text(rule_entry(rule))}"


def markdown_text(text: str) -> str:
    """`text` with the angle brackets outside code spans escaped, so that markdown shows
    `/rest/v1/rpc/<name>` as written instead of taking `<name>` for an HTML tag."""
    parts = _CODE_SPAN.split(text)
    return "".join(
        part if index % 2 else part.replace("<", "&lt;").replace(">", "&gt;") for index, part in enumerate(parts)
    )


def rules_index() -> str:
    """docs/rules.md: every rule, grouped by kind, each under a heading named by its code."""
    contents = "\n".join(
        f"- {title}: " + ", ".join(f"[{rule.code}](#{rule.code})" for rule in rules) for title, rules in by_kind()
    )
    head = (
        "# Rules\n\n"
        f"<!-- Generated from auditor/drift/rules.py by `{INDEX_COMMAND}`: do not edit by hand. -->\n\n"
        "Every finding names its rule. `auditor rules` lists them; `auditor rules CODE` prints one rule's entry, "
        "the text of its section below. A rule tagged `security` counts for `--fail-on security` whatever its "
        "severity.\n\n"
        f"{contents}\n"
    )
    groups = [f"## {title}\n\n" + "\n".join(rule_section(rule) for rule in rules) for title, rules in by_kind()]
    return head + "\n" + "\n".join(groups)


def rules_table() -> str:
    """`auditor rules`: one line per rule (code, severity, kind, tags), in index order."""
    rows = [("CODE", "SEVERITY", "KIND", "TAGS")] + [
        (rule.code, rule.severity.value, rule.kind, ", ".join(rule.tags)) for rule in indexed()
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n" for row in rows
    )


def rule_data(rule: Rule) -> dict[str, object]:
    """A rule's entry as JSON: the same fields, `hint` being how to fix it; `linter` null for none."""
    return {
        "code": rule.code,
        "severity": rule.severity.value,
        "kind": rule.kind,
        "tags": list(rule.tags),
        "catches": rule.catches,
        "why": rule.why,
        "hint": rule.hint,
        "accept": rule.accept,
        "linter": rule.linter or None,
    }
