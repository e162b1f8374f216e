"""Reference text generated from the rules registry, so that no hand-kept table can drift from
the code: the README's table of security rules."""

from __future__ import annotations

from auditor.drift.rules import RULES


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
