"""`auditor schema`: print (or write) the JSON Schema of inventory.yaml or of the JSON report."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from auditor.commands.options import epilog, fail
from auditor.errors import AuditorError

EPILOG = epilog(
    [
        "auditor schema -o inventory.schema.json",
        "auditor schema report -o report.schema.json",
    ],
    "Exit codes: 0 printed or written; 2 the file cannot be written.",
)


class Document(StrEnum):
    inventory = "inventory"
    report = "report"


def schema(
    document: Annotated[
        Document, typer.Argument(help="Which schema: inventory.yaml's, or the JSON report's.")
    ] = Document.inventory,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write it to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of inventory.yaml (or of the JSON report).

    Editors that read a `# yaml-language-server: $schema=...` line (VS Code's YAML extension and
    others) then complete and check inventory.yaml as you type; `auditor snapshot` writes that
    line, and this schema beside a new inventory.
    """
    from auditor.inventory_schema import schema_text
    from auditor.render.json import report_schema_text
    from auditor.reports import write_atomically

    text = schema_text() if document is Document.inventory else report_schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomically(output, text, what="the schema")
    except AuditorError as error:
        raise fail(error) from None
