"""`auditor docs`: documentation drift (status), the inventory document (inventory), doc drafts (scaffold)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor import exit_codes
from auditor.commands.options import DEFAULT_INVENTORY, InventoryOption, fail
from auditor.errors import AuditorError

app = typer.Typer(
    name="docs",
    help="Doc pages: status, the inventory document, drafts.",
    no_args_is_help=True,
)

EnvOption = Annotated[
    str | None,
    typer.Option(
        "--env",
        "-e",
        help="Also read this environment's database (staleness checks, live figures).",
        show_default=False,
    ),
]


@app.command(
    epilog="Examples:\n\n  auditor docs status\n\n  auditor docs status --env prod\n\n"
    "Exit codes: 0 no documentation finding; 1 findings (listed below the table); 2 usage or inventory error; "
    "3 the database cannot be read."
)
def status(env: EnvOption = None, inventory: InventoryOption = DEFAULT_INVENTORY) -> None:
    """Doc page and state of every table and bucket.

    States: documented, stale, stub, missing (the inventory says documented, no page), undocumented.
    Offline (inventory.yaml and the docs folder) unless --env is given, which adds the staleness checks.
    """
    from auditor.docs.compare import docs_status
    from auditor.docs.source import load_docs_inputs
    from auditor.docs.text import status_text

    try:
        inputs = load_docs_inputs(inventory, env)
    except AuditorError as error:
        raise fail(error) from None
    result = docs_status(inputs.inventory, inputs.docs, inputs.catalog)
    typer.echo(status_text(inputs.inventory, inputs.docs, result), nl=False)
    raise typer.Exit(exit_codes.DRIFT if result.findings else exit_codes.OK)


@app.command(
    "inventory",
    epilog="Examples:\n\n  auditor docs inventory\n\n  auditor docs inventory --check\n\n"
    "  auditor docs inventory --env prod --output -\n\n"
    "Exit codes: 0 written, or up to date with --check; 1 --check found a difference; 2 usage or inventory error; "
    "3 the database cannot be read.",
)
def inventory_document(
    env: EnvOption = None,
    inventory: InventoryOption = DEFAULT_INVENTORY,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write it ('-': standard output). Default: docs/INVENTORY.md beside the inventory.",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 and show a diff if the file is not up to date.")
    ] = False,
) -> None:
    """Render docs/INVENTORY.md from inventory.yaml.

    Groups, tables, buckets, naming convention, and a documentation status computed from the docs
    folder. No timestamp: the same inputs give the same bytes, so --check can run in CI.
    """
    from auditor.docs.compare import docs_status
    from auditor.docs.inventory_doc import render_inventory_doc
    from auditor.docs.source import load_docs_inputs
    from auditor.docs.text import check_file, write_output

    try:
        inputs = load_docs_inputs(inventory, env)
        text = render_inventory_doc(
            inputs.inventory, docs_status(inputs.inventory, inputs.docs, inputs.catalog), inputs.catalog
        )
        target = output if output is not None else Path(inputs.inventory.path).parent / "docs" / "INVENTORY.md"
        if check:
            raise typer.Exit(check_file(target, text))
        write_output(target, text)
    except AuditorError as error:
        raise fail(error) from None


@app.command(
    epilog="Examples:\n\n  auditor docs scaffold --dry-run\n\n  auditor docs scaffold --env local\n\n"
    "  auditor docs scaffold --env prod --only-missing\n\n"
    "Exit codes: 0 done; 2 usage or inventory error; 3 the database cannot be read."
)
def scaffold(
    env: EnvOption = None,
    inventory: InventoryOption = DEFAULT_INVENTORY,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
    only_missing: Annotated[
        bool,
        typer.Option("--only-missing", help="Draft docs only for objects the inventory says are documented."),
    ] = False,
) -> None:
    """Draft missing doc pages; refresh generated sections.

    A new page gets the next free number of its group's range, a TODO line and a generated section
    (columns with types and nullability, or bucket settings) between marker comments. With --env,
    the generated sections of existing pages are refreshed from the database. Text outside the
    markers is never changed.
    """
    from auditor.docs.scaffold import plan_scaffold, write_plan
    from auditor.docs.source import docs_folder, load_docs_inputs
    from auditor.docs.text import present_names, read_texts, scaffold_text

    try:
        inputs = load_docs_inputs(inventory, env)
        folder = docs_folder(inputs)
        texts, unreadable = read_texts(folder, inputs.docs)
        plan = plan_scaffold(
            inputs.inventory,
            inputs.docs,
            texts,
            inputs.catalog,
            only_missing=only_missing,
            present=present_names(folder),
            unreadable=unreadable,
        )
        if not dry_run:
            write_plan(folder, plan)
    except AuditorError as error:
        raise fail(error) from None
    typer.echo(scaffold_text(plan, folder, dry_run=dry_run, live=inputs.catalog is not None), nl=False)
