"""`auditor validate`: check inventory.yaml offline."""

from __future__ import annotations

import typer

from auditor.commands.options import DEFAULT_INVENTORY, InventoryOption, fail
from auditor.errors import AuditorError

EPILOG = (
    "Examples:\n\n  auditor validate\n\n  auditor validate --inventory path/to/inventory.yaml\n\n"
    "Exit codes: 0 valid; 2 problems found (each listed with file:line:column)."
)


def validate(inventory: InventoryOption = DEFAULT_INVENTORY) -> None:
    """Check inventory.yaml offline: syntax, keys, types, duplicates, sizes, ranges."""
    from auditor.inventory import load_inventory

    try:
        loaded = load_inventory(inventory)
    except AuditorError as error:
        raise fail(error) from None
    typer.echo(
        f"{inventory}: valid ({len(loaded.tables)} tables, {len(loaded.buckets)} buckets, "
        f"{len(loaded.environments)} environments)"
    )
