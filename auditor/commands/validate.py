"""`auditor validate`: check inventory.yaml offline."""

from __future__ import annotations

import typer

from auditor.commands.options import DEFAULT_INVENTORY, InventoryOption, epilog, fail
from auditor.errors import AuditorError

EPILOG = epilog(
    ["auditor validate", "auditor validate --inventory path/to/inventory.yaml"],
    "Exit codes: 0 valid; 2 problems found (each listed with file:line:column).",
)


def validate(inventory: InventoryOption = DEFAULT_INVENTORY) -> None:
    """Check inventory.yaml offline: syntax, keys, types, duplicates, sizes, ranges."""
    from auditor.inventory import load_inventory
    from auditor.model import INVENTORIED
    from auditor.wording import plural

    try:
        loaded = load_inventory(inventory)
    except AuditorError as error:
        raise fail(error) from None
    counts = [
        plural(len(declared), kind.name) for kind in INVENTORIED if (declared := loaded.declared(kind)) is not None
    ]
    typer.echo(f"{inventory}: valid ({', '.join([*counts, plural(len(loaded.environments), 'environment')])})")
