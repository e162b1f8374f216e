"""`auditor schema`: print (or write) the JSON Schema of inventory.yaml or of the JSON report."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from auditor.commands.options import DEFAULT_INVENTORY, epilog, fail
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
    line, and this schema beside a new inventory. --output is checked as a report path is: it
    may not name the inventory (AUDITOR_INVENTORY or inventory.yaml), docs/INVENTORY.md beside it,
    or a file in its docs folder.
    """
    from auditor.inventory_schema import schema_text
    from auditor.render.json import report_schema_text
    from auditor.reports import Target, check_outputs, write_output

    text = schema_text() if document is Document.inventory else report_schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        check_outputs([Target("output", str(output), "the schema")], **_spared())
        write_output(output, text, what="the schema")
    except AuditorError as error:
        raise fail(error) from None


def _spared() -> dict[str, dict[str, Path]]:
    """What the schema must not overwrite, as for report paths (docs.scan.spared_paths), of the
    inventory AUDITOR_INVENTORY or inventory.yaml names; its docs folder when it loads."""
    from auditor.docs.scan import docs_path, spared_paths
    from auditor.inventory import load_inventory

    inventory = Path(os.environ.get("AUDITOR_INVENTORY") or DEFAULT_INVENTORY)
    try:
        folder = docs_path(load_inventory(inventory))
    except AuditorError:  # none yet, or one being written: its file and document are spared all the same
        folder = None
    inputs, folders = spared_paths(inventory, folder)
    return {"inputs": inputs, "folders": folders}
