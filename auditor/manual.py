"""The generated pages of the reference manual (docs/): one page per command, from the command's
own help (so a command or option cannot exist without its entry, nor an entry outlive its option),
and the inventory.yaml reference, from the JSON Schema the validator takes its keys from.

`python -m auditor.manual` writes them; `python -m auditor.manual --check` exits 1, naming the
stale pages, when one differs from what the code gives (CI and the tests run it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer.main
from typer._click import Command, Context  # typer >= 0.26 vendors click
from typer.core import TyperGroup

from auditor.commands.options import epilog_parts
from auditor.inventory_schema import TOP, Schema
from auditor.reference import markdown_text

DOCS = Path(__file__).resolve().parent.parent / "docs"
WRITE_COMMAND = "python -m auditor.manual"
"""The command that writes the generated pages."""

SEE_ALSO: dict[str, list[tuple[str, str]]] = {
    "audit": [("Reports and exit codes", "reports.md"), ("Connecting", "connecting.md"), ("Security", "security.md")],
    "validate": [("inventory.yaml", "inventory.md")],
    "demo": [("Install and the demo", "install.md")],
    "snapshot": [("inventory.yaml", "inventory.md"), ("Security", "security.md")],
    "accept": [("Rules", "rules.md"), ("Security", "security.md")],
    "schema": [("inventory.yaml reference", "inventory-reference.md"), ("Reports", "reports.md")],
    "rules": [("Rules", "rules.md")],
    "docs status": [("Documentation drift", "documentation.md")],
    "docs inventory": [("Documentation drift", "documentation.md")],
    "docs scaffold": [("Documentation drift", "documentation.md")],
}
"""The topic pages of docs/ each command page links to."""


def commands() -> list[tuple[str, Command, Context]]:
    """(full name, command, its context) of every command, `docs status` and the like included,
    in the order `auditor --help` lists them."""
    from auditor.cli import app

    root = typer.main.get_command(app)
    found: list[tuple[str, Command, Context]] = []

    def walk(group: TyperGroup, parent: Context, prefix: str) -> None:
        for name, command in group.commands.items():
            context = Context(command, info_name=name, parent=parent)
            if isinstance(command, TyperGroup):
                walk(command, context, f"{prefix}{name} ")
            else:
                found.append((prefix + name, command, context))

    walk(root, Context(root, info_name="auditor"), "")
    return found


def page_name(command: str) -> str:
    """docs/commands/<page>: `docs status` is docs-status.md."""
    return command.replace(" ", "-") + ".md"


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|").replace("\n", " ")


def _code_cell(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]


def command_page(name: str, command: Command, context: Context) -> str:
    """A command's page: its help, usage, every argument and option with what `--help` says of
    it, its examples, its exit codes, and links to the topic pages."""
    summary, *details = _paragraphs(command.help or "")
    lines = [
        f"# auditor {name}",
        "",
        f"<!-- Generated from `auditor {name} --help` by `{WRITE_COMMAND}`: do not edit by hand. -->",
        "",
        markdown_text(summary),
        "",
        *(line for paragraph in details for line in (markdown_text(paragraph), "")),
        "```",
        command.get_usage(context).strip(),
        "```",
        "",
    ]
    records = [(param, param.get_help_record(context)) for param in command.params]
    arguments = [record for param, record in records if record and param.param_type_name == "argument"]
    options = [record for param, record in records if record and param.param_type_name == "option"]
    options.append(("--help", "Show the help and exit."))
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            header = "argument" if title == "Arguments" else "option"
            lines += [f"## {title}", "", f"| {header} | meaning |", "|---|---|"]
            lines += [f"| {_code_cell(flags)} | {_cell(help_text)} |" for flags, help_text in rows]
            lines.append("")
    examples, exit_codes = epilog_parts(command.epilog or "")
    if examples:
        lines += ["## Examples", "", "```sh", *examples, "```", ""]
    if exit_codes:
        lines += ["## Exit codes", "", markdown_text(exit_codes.removeprefix("Exit codes: ")), ""]
    links = SEE_ALSO.get(name, [])
    if links:
        lines += ["See also: " + ", ".join(f"[{title}](../{page})" for title, page in links) + ".", ""]
    return "\n".join(lines)


def commands_index() -> str:
    """docs/commands/README.md: every command, its one-line summary, its page."""
    rows = [
        f"| [`auditor {name}`]({page_name(name)}) | {_cell(_paragraphs(command.help or '')[0])} |"
        for name, command, _ in commands()
    ]
    return "\n".join(
        [
            "# Commands",
            "",
            f"<!-- Generated by `{WRITE_COMMAND}`: do not edit by hand. -->",
            "",
            "Every command has `--help` with examples; each page below is that help, whole.",
            "",
            "| command | what it does |",
            "|---|---|",
            *rows,
            "",
            "`auditor -V` prints the version; `auditor --install-completion` installs shell completion "
            "(bash, zsh, fish, PowerShell) and `auditor --show-completion` prints the script.",
            "",
        ]
    )


# --- inventory.yaml ------------------------------------------------------------------------


def _type(schema: Schema) -> str:
    """A short reading of a schema's type: "integer >= 0", "boolean or `deny-all`"..."""
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        values = list(dict.fromkeys(str(value).lower() for value in schema["enum"]))
        return "one of " + ", ".join(f"`{value}`" for value in values)
    if "oneOf" in schema:
        return " or ".join(_type(option) for option in schema["oneOf"])
    kinds = schema.get("type", "object")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    words = []
    for kind in kinds:
        if kind == "array":
            words.append("list of " + _items(_type(schema.get("items", {}))))
        elif kind == "integer" and "minimum" in schema:
            words.append(f"integer >= {schema['minimum']}")
        elif kind == "string" and schema.get("pattern") not in (None, r"\S"):
            words.append("text")
        elif kind == "object" and "additionalProperties" in schema and "properties" not in schema:
            words.append("mapping")
        else:
            words.append({"string": "text", "null": "null", "object": "mapping"}.get(kind, kind))
    return " or ".join(words)


def _items(item_type: str) -> str:
    """`text` as `texts`, `one of a, b` as `a, b`, `text or mapping` as `(text or mapping)`."""
    if item_type.startswith("one of "):
        return item_type.removeprefix("one of ")
    if " or " in item_type:
        return f"({item_type})"
    return {"text": "texts", "mapping": "mappings"}.get(item_type, item_type)


def _entries(path: str, schema: Schema) -> list[tuple[str, Schema]]:
    """(path, schema) of each mapping with named keys under `path`, the mapping itself first."""
    found: list[tuple[str, Schema]] = []
    if "properties" in schema:
        found.append((path, schema))
        for key, child in schema["properties"].items():
            found += _entries(f"{path}.{key}" if path else key, child)
    entry = schema.get("additionalProperties")
    if isinstance(entry, dict):
        found += _entries(f"{path}.NAME", entry)
    for option in schema.get("oneOf", []):
        if option.get("type") == "array" and isinstance(option.get("items"), dict):
            found += _entries(f"{path}[]", option["items"])
    return found


def inventory_reference() -> str:
    """docs/inventory-reference.md: every key of inventory.yaml, by where it sits, with its type
    and meaning, from the JSON Schema (auditor/inventory_schema.py)."""
    root: Schema = {"properties": TOP}
    sections: dict[int, tuple[list[str], Schema]] = {}
    for path, schema in _entries("", root):
        paths, _ = sections.setdefault(id(schema["properties"]), ([], schema))
        paths.append(path)
    lines = [
        "# inventory.yaml reference",
        "",
        f"<!-- Generated from auditor/inventory_schema.py by `{WRITE_COMMAND}`: do not edit by hand. -->",
        "",
        "Every key `auditor validate` accepts, where it sits, its type and its meaning, from the "
        "JSON Schema the validator takes its keys from (`auditor schema` prints it). `NAME` stands "
        "for a name you choose: a table, a bucket, an environment. What the keys mean together, "
        "with examples: [inventory.yaml](inventory.md).",
        "",
    ]
    for paths, schema in sections.values():
        heading = " · ".join(f"`{path}`" for path in paths) if paths != [""] else "Top level"
        lines += [f"## {heading}", ""]
        if schema.get("description"):
            lines += [markdown_text(schema["description"]), ""]
        required = set(schema.get("required", ()))
        lines += ["| key | type | meaning |", "|---|---|---|"]
        for key, child in schema["properties"].items():
            meaning = _meaning(child) + (" Required." if key in required else "")
            lines.append(f"| `{key}` | {_cell(_type(child))} | {_cell(meaning)} |")
        lines.append("")
    return "\n".join(lines)


def _meaning(schema: Schema) -> str:
    description = schema.get("description", "")
    entry: Any = schema.get("additionalProperties")
    if not description and isinstance(entry, dict):
        description = entry.get("description", "")
    return description


# --- writing and checking ------------------------------------------------------------------


def generated_pages() -> dict[Path, str]:
    """Every generated page of docs/, by path."""
    pages = {
        DOCS / "commands" / page_name(name): command_page(name, command, context)
        for name, command, context in commands()
    }
    pages[DOCS / "commands" / "README.md"] = commands_index()
    pages[DOCS / "inventory-reference.md"] = inventory_reference()
    return pages


def stale_pages() -> list[Path]:
    """The generated pages whose file is missing or differs from what the code gives, and the
    pages under docs/commands/ that no command gives any more."""
    pages = generated_pages()
    stale = [path for path, text in pages.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    stale += sorted(path for path in (DOCS / "commands").glob("*.md") if path not in pages)
    return stale


def main(arguments: list[str]) -> int:
    if arguments not in ([], ["--check"]):
        print(f"usage: {WRITE_COMMAND} [--check]", file=sys.stderr)
        return 2
    if arguments == ["--check"]:
        stale = stale_pages()
        for path in stale:
            print(f"error: {path.relative_to(DOCS.parent)} is stale: run {WRITE_COMMAND}", file=sys.stderr)
        return 1 if stale else 0
    (DOCS / "commands").mkdir(parents=True, exist_ok=True)
    pages = generated_pages()
    for path in (DOCS / "commands").glob("*.md"):
        if path not in pages:
            path.unlink()
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
