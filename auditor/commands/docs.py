"""`auditor docs`: documentation drift (status), the inventory document (inventory), doc drafts (scaffold)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from auditor import exit_codes
from auditor.commands.options import DEFAULT_INVENTORY, InventoryOption, complete_environment, epilog, fail
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
        autocompletion=complete_environment,
    ),
]
DbUrlOption = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        help="Also read this database (a connection URL), overriding the environment's (also "
        "AUDITOR_DATABASE_URL, with --env).",
        show_default=False,
    ),
]


@app.command(
    epilog=epilog(
        [
            "auditor docs status",
            "auditor docs status --env prod",
            "auditor docs status --env prod --explain 12-profiles.md",
        ],
        "Exit codes: 0 no documentation finding (with --explain: none on that page); 1 findings; "
        "2 usage or inventory error; 3 the database cannot be read.",
    )
)
def status(
    env: EnvOption = None,
    inventory: InventoryOption = DEFAULT_INVENTORY,
    db_url: DbUrlOption = None,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="PAGE",
            help="Show what was read from one page (a file name in the docs folder), from which line, and why "
            "it is judged as it is.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Doc page and state of every table and bucket.

    States: documented, stale, stub, missing (the inventory says documented, no page), undocumented.
    Offline (inventory.yaml and the docs folder) unless --env or --db-url is given, which adds the
    staleness checks.
    """
    from auditor.docs.compare import docs_status
    from auditor.docs.source import load_docs_inputs
    from auditor.docs.text import status_text, terminal_width

    try:
        inputs = load_docs_inputs(inventory, env, db_url=db_url)
        page = _page_name(explain, inputs) if explain is not None else None
    except AuditorError as error:
        raise fail(error) from None
    result = docs_status(inputs.inventory, inputs.docs, inputs.catalog)
    if page is not None:
        from auditor.docs.explain import explain_text

        typer.echo(explain_text(inputs.docs, result, page, terminal_width()), nl=False)
        finding = result.page(page).finding
        raise typer.Exit(exit_codes.DRIFT if finding is not None else exit_codes.OK)
    typer.echo(status_text(inputs.inventory, inputs.docs, result, terminal_width()), nl=False)
    raise typer.Exit(exit_codes.DRIFT if result.findings else exit_codes.OK)


def _page_name(argument: str, inputs) -> str:
    """The page's file name: `argument` is a file name, or a path to a page of the docs folder."""
    from auditor.docs.source import docs_folder
    from auditor.errors import UsageError
    from auditor.wording import did_you_mean

    path = Path(argument)
    folder = docs_folder(inputs)
    if path.parent != Path() and path.parent.resolve() != folder.resolve():
        raise UsageError(f"{argument} is not in the docs folder {inputs.docs.folder}.")
    for name in (path.name, f"{path.name}.md"):  # 12-profiles for 12-profiles.md
        if inputs.docs.file(name) is not None:
            return name
    names = [f.name for f in inputs.docs.files]
    pages = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
    raise UsageError(
        f"The docs folder {inputs.docs.folder} has no page {path.name} (pages: {pages or 'none'})."
        f"{did_you_mean(path.name, names)}"
    )


@app.command(
    "inventory",
    epilog=epilog(
        ["auditor docs inventory", "auditor docs inventory --check", "auditor docs inventory --env prod --output -"],
        "Exit codes: 0 written, or up to date with --check; 1 --check found a difference; 2 usage or inventory error; "
        "3 the database cannot be read.",
    ),
)
def inventory_document(
    env: EnvOption = None,
    inventory: InventoryOption = DEFAULT_INVENTORY,
    db_url: DbUrlOption = None,
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
    from auditor.docs.scan import docs_path, inventory_document_path
    from auditor.docs.source import load_docs_inputs
    from auditor.docs.text import check_file, write_output
    from auditor.reports import Target, check_outputs

    try:
        inputs = load_docs_inputs(inventory, env, db_url=db_url)
        text = render_inventory_doc(
            inputs.inventory, docs_status(inputs.inventory, inputs.docs, inputs.catalog), inputs.catalog
        )
        target = output if output is not None else inventory_document_path(inputs.inventory.path)
        if check:
            options = ["-i", str(inventory)] if str(inventory) != str(DEFAULT_INVENTORY) else []
            options += [*(["--env", env] if env else []), *(["--db-url", "URL"] if db_url else [])]
            options += ["-o", str(output)] if output is not None else []
            raise typer.Exit(check_file(target, text, shlex.join(["auditor", "docs", "inventory", *options])))
        if output is not None:  # as a report path: not the inventory, not in the docs folder, writable
            check_outputs(
                [Target("output", str(output), "the inventory document")],
                inputs={"the inventory": Path(inputs.inventory.path)},
                folders={"the docs folder": docs_path(inputs.inventory)},
            )
        write_output(target, text)
    except AuditorError as error:
        raise fail(error) from None


@app.command(
    epilog=epilog(
        [
            "auditor docs scaffold --dry-run",
            "auditor docs scaffold --env local",
            "auditor docs scaffold --env prod --all",
        ],
        "Exit codes: 0 done; 2 usage or inventory error; 3 the database cannot be read.",
    )
)
def scaffold(
    env: EnvOption = None,
    inventory: InventoryOption = DEFAULT_INVENTORY,
    db_url: DbUrlOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
    all_objects: Annotated[
        bool,
        typer.Option("--all", help="Also draft pages for objects marked doc: false or status: legacy."),
    ] = False,
) -> None:
    """Draft the missing doc pages; refresh generated sections.

    Pages are drafted for the objects the inventory says are documented (doc: true or a file name)
    that have none; --all drafts them for every object without a page. A new page gets the next
    free number of its group's range, a TODO line and a generated section (columns with types and
    nullability, or bucket settings) between marker comments. With --env or --db-url, the
    generated sections of existing pages are refreshed from the database. Text outside the markers
    is never changed.
    """
    from auditor.docs.scaffold import plan_scaffold, write_plan
    from auditor.docs.source import docs_folder, load_docs_inputs
    from auditor.docs.text import present_names, read_texts, scaffold_text, terminal_width

    try:
        inputs = load_docs_inputs(inventory, env, db_url=db_url)
        folder = docs_folder(inputs)
        texts, unreadable = read_texts(folder, inputs.docs)
        plan = plan_scaffold(
            inputs.inventory,
            inputs.docs,
            texts,
            inputs.catalog,
            all_objects=all_objects,
            present=present_names(folder),
            unreadable=unreadable,
        )
        if not dry_run:
            write_plan(folder, plan)
    except AuditorError as error:
        raise fail(error) from None
    live = inputs.catalog is not None
    typer.echo(scaffold_text(plan, folder, dry_run=dry_run, live=live, width=terminal_width()), nl=False)
