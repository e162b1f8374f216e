"""The documentation rules: stable codes, severity and hint, registered in auditor.drift.RULES."""

from __future__ import annotations

from auditor.model import Finding, Rule, Severity

DOC_RULES = (
    Rule(
        "doc-folder-missing",
        Severity.ERROR,
        "doc",
        "Correct docs.folder in inventory.yaml if the pages live elsewhere; else create the folder and write "
        "the pages (auditor docs scaffold drafts them).",
    ),
    Rule(
        "doc-missing",
        Severity.ERROR,
        "doc",
        "Write the doc (auditor docs scaffold drafts it), or set doc: false in inventory.yaml.",
    ),
    Rule(
        "doc-undeclared",
        Severity.WARNING,
        "doc",
        "Set doc: true (or the file name) for the object in inventory.yaml, or delete the file.",
    ),
    Rule(
        "doc-orphan",
        Severity.WARNING,
        "doc",
        "The page is about an object that is neither declared nor in the database: delete or rename it.",
    ),
    Rule(
        "doc-misnumbered",
        Severity.WARNING,
        "doc",
        "Rename the file into its group's number range (docs.naming / groups.*.docs in inventory.yaml).",
    ),
    Rule(
        "doc-duplicate",
        Severity.WARNING,
        "doc",
        "Keep one doc per object: merge the files, or name the one that counts with doc: in inventory.yaml.",
    ),
    Rule(
        "doc-stub",
        Severity.WARNING,
        "doc",
        "Write the doc: replace the placeholder text, describe what the object holds and who uses it.",
    ),
    Rule(
        "doc-stale",
        Severity.WARNING,
        "doc",
        "Update the page to match the database (auditor docs scaffold --env NAME rewrites generated sections; "
        "auditor docs status --explain PAGE shows what was read where).",
    ),
    Rule(
        "doc-unreadable",
        Severity.WARNING,
        "doc",
        "Make the page a regular file inside the docs folder, under 1 MiB, or move it out of the folder.",
    ),
)
_BY_CODE = {rule.code: rule for rule in DOC_RULES}


def doc_finding(
    code: str,
    name: str,
    expected: object,
    actual: object,
    message: str,
    path: str | None = None,
    line: int | None = None,
    about: str | None = None,
) -> Finding:
    """`path`: the page as reports show it; `line`: the line the finding is about; `about`: the object(s)."""
    rule = _BY_CODE[code]
    return Finding(
        code, rule.severity, rule.kind, name, expected, actual, message, rule.hint, rule.tags, path, line, about
    )
