"""`auditor snapshot` (write or refresh inventory.yaml from a database) and `auditor accept`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.commands.options import (
    DEFAULT_INVENTORY,
    InventoryOption,
    QuietOption,
    complete_environment,
    epilog,
    fail,
    say,
    stop_on_signals,
)
from auditor.errors import AuditorError, UsageError

if TYPE_CHECKING:
    from auditor.snapshot import Outcome

SNAPSHOT_EPILOG = epilog(
    [
        "OURVIDZ_PROD_DATABASE_URL=postgresql://... \\\n    auditor snapshot --env prod --project OurVidz",
        "auditor snapshot --env local --columns \\\n    --db-url postgresql://postgres@127.0.0.1:54322/postgres",
        "auditor snapshot --env prod --update --dry-run",
        "auditor snapshot --env prod --update --check  # in CI: up to date?",
        "auditor snapshot --env prod --update --prune",
    ],
    "Exit codes: 0 written (or nothing to change); 1 with --check, the file would change; 2 usage "
    "error, e.g. the file exists without --update or --force; 3 the database cannot be reached or "
    "read; 4 internal error.",
)

ACCEPT_EPILOG = epilog(
    [
        "auditor accept column-count profiles --env prod",
        "auditor accept table-undeclared feature_flags --env staging --dry-run",
        "auditor accept bucket-size-limit user-library --env prod",
        "auditor accept function-definer-anon get_leaderboard --env prod \\\n    --reason 'public leaderboard RPC'",
    ],
    "Exit codes: 0 accepted, or already accepted (nothing to do); 2 no such finding, or one that editing the "
    "inventory cannot resolve; 3 the database cannot be reached or read; 4 internal error.",
)

EnvOption = Annotated[
    str,
    typer.Option(
        "--env",
        "-e",
        help="Environment name: written into the new inventory (snapshot), read from it (update, accept).",
        autocompletion=complete_environment,
    ),
]
DbUrlOption = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        help="Connection URL for this run only (also AUDITOR_DATABASE_URL); never written to the file.",
        show_default=False,
    ),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Print the unified diff; change nothing.")]
CheckOption = Annotated[
    bool,
    typer.Option("--check", help="Like --dry-run, and exit 1 when the file would change (a CI check)."),
]


def snapshot(
    env: EnvOption,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            "--inventory",
            "-i",
            envvar="AUDITOR_INVENTORY",
            help="The inventory file to write, or with --update to refresh ('-' prints a new one).",
        ),
    ] = DEFAULT_INVENTORY,
    db_url: DbUrlOption = None,
    update: Annotated[
        bool, typer.Option("--update", help="Refresh the existing file in place, keeping what people wrote.")
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="With --update: remove entries gone from the database (else marked).")
    ] = False,
    dry_run: DryRunOption = False,
    check: CheckOption = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file with a new snapshot.")] = False,
    columns: Annotated[
        bool, typer.Option("--columns", help="Declare column names and types, not only counts (new entries).")
    ] = False,
    policies: Annotated[
        bool | None,
        typer.Option(
            "--policies/--no-policies",
            help="Declare each table's row level security policies (command and roles); by default up to 2,000 tables.",
            show_default=False,
        ),
    ] = None,
    policy_expressions: Annotated[
        bool,
        typer.Option(
            "--policy-expressions", help="With the policies, their USING and WITH CHECK expressions (new file)."
        ),
    ] = False,
    project: Annotated[
        str | None,
        typer.Option("--project", help="Project name; names the URL variable (default: the folder's name)."),
    ] = None,
    schema: Annotated[
        list[str] | None, typer.Option("--schema", help="Schema to inventory; repeat for several (default public).")
    ] = None,
    docs: Annotated[
        str | None,
        typer.Option("--docs", help="Docs folder, relative to the inventory (default docs/database if present)."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Write inventory.yaml from a live database, or refresh it with --update.

    A new file lists every table of the schemas with its column count (names and types with
    --columns) and its policies, every view, materialized view, foreign table and function,
    every bucket with its visibility, size limit and MIME types (object counts as comments),
    the policies of storage.objects, documentation pages found by name (NN-<name>.md), and an
    environment whose URL is read from a variable, such as ${OURVIDZ_PROD_DATABASE_URL}: never
    the URL itself. What the security rules would question (a SECURITY DEFINER function anon
    can call, a table with row level security on and no policy...) is declared as intended,
    with the reason 'to review: ...' for a person to replace.

    --update adds what is new, updates what changed, and marks what disappeared with a
    '# gone from ENV on DATE' comment (--prune removes it instead); everything else in the file,
    comments, blank lines, order and descriptions included, stays byte for byte. It never
    accepts a security finding (a bucket made public, a new exposure): those are left to
    auditor accept, and listed.
    """
    from auditor.catalog.settings import SessionSettings
    from auditor.progress import Progress
    from auditor.snapshot import create_inventory, refresh_inventory

    stop_on_signals()

    progress = Progress.on_stderr(quiet)
    settings = SessionSettings(progress=progress.reporter)
    try:
        if prune and not update:
            raise UsageError("--prune works with --update: it removes entries gone from the database.")
        if update and (force or schema or project or docs):
            raise UsageError(
                "--update reads the schemas, project and docs folder from the file: "
                "leave out --force, --schema, --project and --docs."
            )
        if not (dry_run or check or str(output) == "-"):  # a path that cannot be written: said before the work
            from auditor.reports import Target, check_outputs

            check_outputs([Target("output", str(output), "the inventory")], inputs={}, folders={})
        if update:
            outcome = refresh_inventory(
                output, environment=env, db_url=db_url, prune=prune, with_columns=columns, settings=settings
            )
        else:
            outcome = create_inventory(
                output,
                environment=env,
                db_url=db_url,
                project=project,
                schemas=tuple(dict.fromkeys(schema or ["public"])),
                docs_folder=docs,
                with_columns=columns,
                policies=policies,
                policy_expressions=policy_expressions,
                overwrite=force or dry_run or check,  # nothing is written without --force
                settings=settings,
            )
        progress.stop()
        _finish(outcome, dry_run=dry_run or check, stdout=str(output) == "-")
    except AuditorError as error:
        progress.stop()
        raise fail(error) from None
    finally:
        progress.stop()
    if check and outcome.new != outcome.old:
        raise typer.Exit(1)


def accept(
    code: Annotated[str, typer.Argument(help="The finding's rule, e.g. column-count.", show_default=False)],
    name: Annotated[
        str, typer.Argument(metavar="OBJECT", help="The finding's object, e.g. profiles.", show_default=False)
    ],
    env: EnvOption,
    inventory: InventoryOption = DEFAULT_INVENTORY,
    db_url: DbUrlOption = None,
    dry_run: DryRunOption = False,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why an exposure is meant (required to accept a security finding such as function-definer-anon; "
            "written with a bucket made public; refused where nothing would keep it).",
        ),
    ] = None,
) -> None:
    """Accept one finding as intended: update just that entry of inventory.yaml to the live value.

    Runs the audit, finds the finding CODE for OBJECT (as the report names them), and edits only
    that entry: a new count, size limit or type; a table or bucket added or removed; an exposure
    declared with its reason. --dry-run prints the diff instead of writing it.
    """
    from auditor.drift.rules import RULES
    from auditor.snapshot import accept_finding
    from auditor.wording import did_you_mean

    stop_on_signals()

    try:
        if code not in RULES:  # said before the audit connects
            raise UsageError(
                f"Unknown rule '{code}' (auditor audit names each finding's rule).{did_you_mean(code, list(RULES))}"
            )
        outcome = accept_finding(inventory, code, name, environment=env, reason=reason, db_url=db_url)
        _finish(outcome, dry_run=dry_run, stdout=False)
    except AuditorError as error:
        raise fail(error) from None


def _write_schema_beside(inventory: Path) -> None:
    """The JSON Schema the new file's first line names, for editors; an existing one is kept."""
    from auditor.inventory_schema import schema_text
    from auditor.reports import write_atomically
    from auditor.snapshot.create import SCHEMA_FILE

    path = inventory.parent / SCHEMA_FILE
    if path.exists():
        return
    write_atomically(path, schema_text(), what="the inventory's JSON Schema", create_only=True)
    say(f"Wrote {path} (completion and checks in editors; auditor schema -o {path} refreshes it).")


def _finish(outcome: Outcome, *, dry_run: bool, stdout: bool) -> None:
    """Print the new file, or the diff (dry run), or write the file; then say what changed on stderr."""
    for skipped in outcome.skipped:
        say(f"note: not read: {skipped.check}: {skipped.reason}")
    for note in outcome.notes:
        say(f"note: {note}")
    if stdout:
        sys.stdout.write(outcome.new)
        return
    if dry_run:
        sys.stdout.write(outcome.diff)
    elif outcome.new != outcome.old:
        outcome.write()
    if not outcome.old:
        say(f"{'Would write' if dry_run else 'Wrote'} {outcome.path}.")
        if not dry_run:
            _write_schema_beside(outcome.path)
    elif outcome.new == outcome.old:  # e.g. only findings already marked gone
        say(outcome.note or f"{outcome.path} is up to date: nothing to change.")
    elif not outcome.changes:  # a whole new snapshot in place of the file (--force)
        say(f"{'Would replace' if dry_run else 'Replaced'} {outcome.path} with a new snapshot.")
    else:
        say(f"{outcome.path}: {'would change' if dry_run else 'updated'}:")
    for change in (c for c in outcome.changes if c.edits):
        say(f"  {change.summary}")
    left: dict[tuple[bool, str], list[str]] = {}
    for finding in outcome.left:
        left.setdefault(("security" in finding.tags, finding.rule), []).append(finding.name)
    headings = {
        True: "left for auditor accept (security: a refresh never accepts it; see auditor audit):",
        False: "left for a person (see auditor audit):",
    }
    for security in (True, False):
        groups = [(rule, names) for (tagged, rule), names in sorted(left.items()) if tagged is security]
        if groups:
            say(f"  {headings[security]}")
        for rule, names in groups:
            more = f" and {len(names) - 5} more" if len(names) > 5 else ""
            say(f"    {rule}: {', '.join(names[:5])}{more}")
