"""inventory.yaml -> Inventory, with every problem reported by file, line, column and key path.

Validation walks PyYAML's node tree rather than the loaded dict, so that each problem can
point at its exact place and duplicate keys (which a plain load silently merges) are caught.
All problems are collected before raising, so one run of `auditor validate` lists them all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from auditor import exit_codes
from auditor import inventory_schema as shape
from auditor import yaml_nodes as yn
from auditor.errors import InventoryError, Problem
from auditor.files import InputTooLarge, read_input
from auditor.model import (
    API_ROLES,
    BUCKET_STATUSES,
    INVENTORIED,
    POLICY_COMMANDS,
    BucketSpec,
    DeclaredColumn,
    Environment,
    FunctionSpec,
    Group,
    IgnoreRule,
    Inventory,
    PolicySpec,
    RelationSpec,
    TableSpec,
)
from auditor.sizes import SIZE_HELP, parse_size

# 200 times OurVidz's 10 KB: room for thousands of tables, yet loading stays near 1 s and
# 100 MB of memory (PyYAML's node tree takes some 40 times the file's size).
MAX_INVENTORY_BYTES = 2 * 1024 * 1024
MAX_IDENTIFIER_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1

RELATION_SECTIONS = ("views", "materialized_views", "foreign_tables")
# The keys of each mapping, from the JSON Schema of inventory.yaml (one list of them for both)
TOP_KEYS = shape.keys(shape.TOP)
TOP_NULLABLE = shape.nullable_keys(shape.TOP)  # a section left empty (`tables:`); `version:` is no version
AUDIT_KEYS = shape.keys(shape.AUDIT)
DOCS_KEYS = shape.keys(shape.DOCS)
GROUP_KEYS = shape.keys(shape.GROUP)
TABLE_KEYS = shape.keys(shape.TABLE)
RELATION_KEYS = shape.keys(shape.RELATION)
FUNCTION_KEYS = RELATION_KEYS
POLICY_KEYS = shape.keys(shape.POLICY)
BUCKET_KEYS = shape.keys(shape.BUCKET)
DENY_ALL = "deny-all"
BUCKET_CHECKED_KEYS = ("public", "file_size_limit", "allowed_mime_types")
ENVIRONMENT_KEYS = shape.keys(shape.ENVIRONMENT)

_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
_LITERAL_PASSWORD = re.compile(r"://[^/:@]*:([^@/]+)@\[?([^/:?\s\]]*)")
_PASSWORD_PARAMETER = re.compile(r"(?:^|[\s?&])password=(?!\$\{)\S")  # key=value or ?password=
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_LONE_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
ENVIRONMENT_NAME_RULE = (  # a name becomes part of report paths ({env}): it must not leave their folder
    "may hold only letters, digits, '-', '_' and '.', begin with a letter or digit, and have at most "
    "64 characters: it becomes part of report file names through {env}"
)


HeaderCallback = Callable[[Inventory], None]
_EXPRESSION_KEY = re.compile(r"(?:^|[\s{,])(?:using|check)\s*:", re.MULTILINE)


def load_inventory(path: str | os.PathLike[str], on_header: HeaderCallback | None = None) -> Inventory:
    """Read and validate an inventory file; raise InventoryError listing every problem.

    `on_header`, if given, is called once the schemas and environments are validated (and
    before the tables and buckets, most of a large file) with an Inventory that has no tables
    or buckets yet: enough to connect and start reading the catalog meanwhile. It is not called
    when a problem was found by then.
    """
    file = str(path)
    return parse_inventory(_read_text(Path(path), file), file, on_header)


def parse_inventory(text: str, file: str, on_header: HeaderCallback | None = None) -> Inventory:
    """Validate inventory text not (yet) written anywhere; problems name `file`."""
    with yn.no_garbage_collection():
        return _load(text, file, on_header)


def _load(text: str, file: str, on_header: HeaderCallback | None) -> Inventory:
    try:
        root = yn.compose(text)
    except yn.ReaderError as error:  # a character YAML does not allow; its place is a byte offset
        line, column = _place(text.encode(), error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character or "\0")
        message = f"invalid YAML: character U+{code:04X} is not allowed (only tabs, line breaks and printable ones are)"
        raise InventoryError([Problem(file, line, column, "", message)]) from None
    except yn.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        if _character_at(text, line, column) == "\t":
            problem += " (a tab: YAML indents with spaces only)"
        raise InventoryError([Problem(file, line, column, "", f"invalid YAML: {problem}")]) from None
    if root is None:
        raise InventoryError([Problem(file, 1, 1, "", "the inventory is empty")])
    validator = _Validator(file)
    inventory = validator.inventory(root, on_header, expressions_hint=_EXPRESSION_KEY.search(text) is not None)
    if validator.problems:
        raise InventoryError(sorted(validator.problems, key=lambda p: (p.line, p.column)))
    return inventory


def _place(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a byte offset in UTF-8 text; the column counts characters."""
    before = data[:offset]
    start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[start:].decode("utf-8-sig", errors="replace")) + 1


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def _read_text(path: Path, file: str) -> str:
    def fail(message: str) -> InventoryError:
        return InventoryError([Problem(file, 1, 1, "", message)])

    try:  # bounded, and no wait on a FIFO or device (auditor.files)
        data = read_input(path, MAX_INVENTORY_BYTES)
    except IsADirectoryError:
        raise fail("is a directory, not an inventory file") from None
    except InputTooLarge as error:
        if error.size is None:
            raise fail(f"more than the {error.limit:,} bytes an inventory may have") from None
        raise fail(f"file is {error.size:,} bytes, over the {error.limit:,} bytes an inventory may have") from None
    except TimeoutError as error:
        raise fail(f"cannot read the file: {error}") from None
    except FileNotFoundError:
        raise fail(
            "file not found. Write one from a database with auditor snapshot --env NAME, "
            "or name another file with --inventory PATH."
        ) from None
    except PermissionError:
        raise fail("permission denied reading the file") from None
    except OSError as error:
        raise fail(f"cannot read the file: {error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _place(data, error.start)
        raise InventoryError(
            [Problem(file, line, column, "", "not valid UTF-8 text (save the file as UTF-8)")]
        ) from None


class _Validator:
    """Turns a node tree into an Inventory, collecting problems instead of stopping at the first."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    # --- reporting ---------------------------------------------------------------------

    def problem(self, node: yn.Node, path: str, message: str) -> None:
        """Record a problem; names from the file are shown with control characters escaped."""
        line, column = yn.position(node)
        self.problems.append(Problem(self.file, line, column, _printable(_cut(path)), _printable(message)))

    # --- generic shapes ----------------------------------------------------------------

    def mapping(
        self, node: yn.Node, path: str, allowed: tuple[str, ...] | None = None
    ) -> dict[str, tuple[yn.Node, yn.Node]] | None:
        """Entries of a mapping node by key; reports wrong shape, duplicates and unknown keys."""
        if not isinstance(node, yn.MappingNode):
            self.problem(node, path, f"expected a mapping (key: value), got {_describe(node)}")
            return None
        pairs = node.value
        if yn.has_merge_key(node):
            for merged in yn.unmergeable(node):
                self.problem(merged, path, "'<<' merges a mapping or a list of mappings, like *defaults")
            pairs = yn.merged_pairs(node)
        entries: dict[str, tuple[yn.Node, yn.Node]] = {}
        for key, value in pairs:
            if not isinstance(key, yn.ScalarNode):
                self.problem(key, path, "keys must be plain text")
            elif key.value in entries or (allowed is not None and key.value not in allowed):
                self.key_problem(key, path, entries, allowed)
            else:
                entries[key.value] = (key, value)
        return entries

    def key_problem(
        self,
        key: yn.ScalarNode,
        path: str,
        entries: dict[str, tuple[yn.Node, yn.Node]],
        allowed: tuple[str, ...] | None,
    ) -> None:
        """Report a key written twice, or one its mapping does not take."""
        name = key.value
        here = f"{path}.{name}" if path else name
        if name in entries:  # merged keys are unique already: this is a key written twice
            first_line = yn.position(entries[name][0])[0]
            self.problem(key, here, f"duplicate key {name!r} (first defined on line {first_line})")
        else:
            self.problem(key, here, _unknown_key(name, allowed or ()))

    def scalar(self, node: yn.Node, path: str, expected: str) -> object:
        if not isinstance(node, yn.ScalarNode):
            self.problem(node, path, f"expected {expected}, got {_describe(node)}")
            return _INVALID
        try:
            return yn.scalar_value(node)
        except (yn.YAMLError, ValueError):
            self.problem(node, path, f"expected {expected}, got {_shown(node.value)}")
            return _INVALID

    def text(self, node: yn.Node, path: str, *, allow_empty: bool = False) -> str | None:
        value = self.scalar(node, path, "text")
        if value is _INVALID:
            return None
        if not isinstance(value, str):  # a number, true/false, null, a date, !!binary...
            self.problem(node, path, f"expected text, got {_describe(node)} (quote it)")
            return None
        if not allow_empty and not str(value).strip():
            self.problem(node, path, "expected non-empty text")
            return None
        return str(value)

    def identifier(self, node: yn.Node, path: str, name: str, kind: str) -> bool:
        """False, with a problem, for a name no PostgreSQL object can have (it cuts names to 63 bytes)."""
        if not name:
            self.problem(node, path, f"the {kind} name is empty")
            return False
        size = len(name.encode())
        if size > MAX_IDENTIFIER_BYTES:
            self.problem(
                node,
                path,
                f"{kind} name is {size} bytes, longer than {MAX_IDENTIFIER_BYTES} bytes: PostgreSQL truncates "
                f"longer names, so no {kind} is called that (declare the truncated name)",
            )
            return False
        return True

    def boolean(self, node: yn.Node, path: str) -> bool | None:
        value = self.scalar(node, path, "true or false")
        if value is _INVALID:
            return None
        if not isinstance(value, bool):
            self.problem(node, path, f"expected true or false, got {_shown(node.value)}")
            return None
        return value

    def text_list(self, node: yn.Node, path: str) -> list[tuple[yn.Node, str]] | None:
        if not isinstance(node, yn.SequenceNode):
            self.problem(node, path, f"expected a list of text, got {_describe(node)}")
            return None
        items = []
        for index, item in enumerate(node.value):
            value = self.text(item, f"{path}[{index}]")
            if value is not None:
                items.append((item, value))
        return items

    def doc_ref(self, node: yn.Node, path: str) -> str | bool:
        value = self.scalar(node, path, "a doc file name, true or false")
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip():
            name = value.strip()
            if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".md"):
                self.problem(node, path, f"expected a file name in the docs folder ending in .md, got {_shown(name)}")
                return False
            return name
        if value is not _INVALID:
            self.problem(node, path, f"expected a doc file name, true or false, got {_shown(node.value)}")
        return False

    def range_(self, node: yn.Node, path: str) -> tuple[int, int] | None:
        value = self.scalar(node, path, "a number range like 10-19")
        match = _RANGE.match(value) if isinstance(value, str) else None
        if not match:
            if value is not _INVALID:
                self.problem(node, path, f"expected a number range like 10-19, got {_shown(node.value)}")
            return None
        low, high = int(match.group(1)), int(match.group(2))
        if low > high:
            self.problem(node, path, f"range {_shown(node.value)} starts after it ends")
            return None
        return low, high

    # --- sections ----------------------------------------------------------------------

    def inventory(
        self, root: yn.Node, on_header: HeaderCallback | None = None, *, expressions_hint: bool = True
    ) -> Inventory:
        top = self.mapping(root, "", TOP_KEYS) or {}
        # `tables:` alone declares none; a section of the kinds a file may leave out is inventoried
        # as soon as it is there, empty or not
        sections = {key for key in (*RELATION_SECTIONS, "functions", "storage_policies") if key in top}
        top = {key: entry for key, entry in top.items() if not (_is_null(entry[1]) and key in TOP_NULLABLE)}
        if "version" in top:
            version = self.scalar(top["version"][1], "version", "1")
            if version is not _INVALID and (isinstance(version, bool) or version != 1):
                self.problem(
                    top["version"][1],
                    "version",
                    f"unsupported version {top['version'][1].value!r}; expected 1",
                )
        project = self.text(top["project"][1], "project") if "project" in top else None
        schemas = self.schemas(top["schemas"][1]) if "schemas" in top else ("public",)
        exposed = self.exposed_schemas(top["exposed_schemas"][1], schemas) if "exposed_schemas" in top else ("public",)
        docs_folder, naming, stub_bytes = (
            self.docs(top["docs"][1]) if "docs" in top else (None, (), Inventory.docs_stub_bytes)
        )
        groups = self.groups(top["groups"][1]) if "groups" in top else ()
        environments = self.environments(top["environments"][1]) if "environments" in top else ()
        fail_on = self.audit_defaults(top["audit"][1]) if "audit" in top else None
        header = Inventory(
            path=self.file,
            project=project or "",
            schemas=schemas,
            tables=(),
            buckets=(),
            groups=groups,
            environments=environments,
            docs_folder=docs_folder,
            naming=naming,
            docs_stub_bytes=stub_bytes,
            exposed_schemas=exposed,
            fail_on=fail_on,
            policy_expressions=expressions_hint,
        )
        if on_header is not None and not self.problems:
            on_header(header)
        known_groups = {g.key for g in groups}
        tables = self.tables(top["tables"][1], schemas, exposed, known_groups) if "tables" in top else ()
        relations = {
            section: self.relations(top[section][1], section, schemas, known_groups) if section in top else ()
            for section in RELATION_SECTIONS
            if section in sections
        }
        functions = None
        if "functions" in sections:
            functions = self.functions(top["functions"][1], schemas, known_groups) if "functions" in top else ()
        buckets = self.buckets(top["buckets"][1], known_groups) if "buckets" in top else ()
        storage_policies = None
        if "storage_policies" in sections:
            storage_policies = (
                self.policies(top["storage_policies"][1], "storage_policies") if "storage_policies" in top else ()
            )
        if not top and isinstance(root, yn.MappingNode):
            self.problem(root, "", "the inventory declares nothing (expected tables, buckets, ...)")
        inventory = replace(
            header,
            tables=tables,
            buckets=buckets,
            functions=functions,
            storage_policies=storage_policies,
            ignore=self.ignore(top["ignore"][1]) if "ignore" in top else (),
            **relations,
        )
        policies = [p for t in tables for p in t.policies or ()] + list(storage_policies or ())
        inventory = replace(inventory, policy_expressions=any(p.using or p.check for p in policies))
        self.declared_and_ignored(inventory)
        return inventory

    def ignore(self, node: yn.Node) -> tuple[IgnoreRule, ...]:
        """`ignore:` per kind, each name pattern with its reason: objects the team does not own."""
        kinds = {kind.plural: kind for kind in INVENTORIED}
        rules = []
        for section, (_, value) in (self.mapping(node, "ignore", tuple(kinds)) or {}).items():
            for pattern, (key, reason_node) in (self.mapping(value, f"ignore.{section}") or {}).items():
                reason = self.text(reason_node, f"ignore.{section}.{pattern}")
                if reason:
                    rules.append(IgnoreRule(kinds[section].name, pattern, reason, yn.position(key)[0]))
        return tuple(rules)

    def declared_and_ignored(self, inventory: Inventory) -> None:
        """An object both declared and ignored is a contradiction: report it at its declaration."""
        for kind in INVENTORIED:
            for spec in inventory.declared(kind) or ():
                rule = inventory.ignored(kind.name, spec.display(inventory.default_schema))
                if rule is not None:
                    self.problems.append(
                        Problem(
                            self.file,
                            spec.line,
                            3,
                            f"{kind.plural}.{spec.display(inventory.default_schema)}",
                            f"declared and ignored (ignore.{kind.plural} {rule.pattern!r}, line {rule.line}): "
                            "remove one of the two",
                        )
                    )

    def audit_defaults(self, node: yn.Node) -> str | None:
        """The project's defaults for `auditor audit` (an option or its variable wins): `fail_on`."""
        entries = self.mapping(node, "audit", AUDIT_KEYS) or {}
        if "fail_on" not in entries:
            return None
        value_node = entries["fail_on"][1]
        value = self.text(value_node, "audit.fail_on")
        if value is not None and value not in exit_codes.FAIL_ON:
            self.problem(value_node, "audit.fail_on", _unknown_name("fail_on value", value, set(exit_codes.FAIL_ON)))
            return None
        return value

    def schemas(self, node: yn.Node) -> tuple[str, ...]:
        items = self.text_list(node, "schemas")
        if items is None:
            return ("public",)
        if not items:
            self.problem(node, "schemas", "expected at least one schema")
            return ("public",)
        seen: list[str] = []
        for item, name in items:
            if not self.identifier(item, "schemas", name, "schema"):
                continue
            if name in seen:
                self.problem(item, "schemas", f"schema {name!r} is listed twice")
            else:
                seen.append(name)
        return tuple(seen) or ("public",)  # none valid (each reported): go on checking the rest

    def exposed_schemas(self, node: yn.Node, schemas: tuple[str, ...]) -> tuple[str, ...]:
        """Schemas the Data API serves; each must be audited, or its tables would go unchecked."""
        items = self.text_list(node, "exposed_schemas")
        if items is None:
            return ("public",)
        exposed: list[str] = []
        for item, name in items:
            if name not in schemas:
                self.problem(item, "exposed_schemas", f"schema {name!r} is not audited (add it to schemas)")
            elif name in exposed:
                self.problem(item, "exposed_schemas", f"schema {name!r} is listed twice")
            else:
                exposed.append(name)
        return tuple(exposed)

    def docs(self, node: yn.Node) -> tuple[str | None, tuple, int]:
        entries = self.mapping(node, "docs", DOCS_KEYS) or {}
        folder = self.text(entries["folder"][1], "docs.folder") if "folder" in entries else None
        stub_bytes = Inventory.docs_stub_bytes
        if "stub_bytes" in entries:
            value = self.scalar(entries["stub_bytes"][1], "docs.stub_bytes", "a number of bytes")
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                stub_bytes = value
            elif value is not _INVALID:
                self.problem(entries["stub_bytes"][1], "docs.stub_bytes", "expected a whole number of bytes")
        naming: list[tuple[tuple[int, int], str]] = []
        if "naming" in entries:
            for name, (key, value) in (self.mapping(entries["naming"][1], "docs.naming") or {}).items():
                path = f"docs.naming.{name}"
                bounds = self.range_(key, path)
                topic = self.text(value, path)
                if bounds is None or topic is None:
                    continue
                clash = next((r for r, _ in naming if r[0] <= bounds[1] and bounds[0] <= r[1]), None)
                if clash:
                    self.problem(key, path, f"range {name} overlaps {clash[0]:02d}-{clash[1]:02d}")
                    continue
                naming.append((bounds, topic))
        return folder, tuple(naming), stub_bytes

    def groups(self, node: yn.Node) -> tuple[Group, ...]:
        groups = []
        for name, (_, value) in (self.mapping(node, "groups") or {}).items():
            path = f"groups.{name}"
            entries = self.mapping(value, path, GROUP_KEYS)
            if entries is None:
                continue
            if "title" not in entries:
                self.problem(value, path, "missing required key 'title'")
            title = self.text(entries["title"][1], f"{path}.title") if "title" in entries else None
            doc_range = self.range_(entries["docs"][1], f"{path}.docs") if "docs" in entries else None
            groups.append(Group(key=name, title=title or name, doc_range=doc_range))
        return tuple(groups)

    def group_ref(self, entries: dict, path: str, known_groups: set[str]) -> str | None:
        if "group" not in entries:
            return None
        node = entries["group"][1]
        group = self.text(node, f"{path}.group")
        if group is not None and known_groups and group not in known_groups:
            self.problem(node, f"{path}.group", _unknown_name("group", group, known_groups))
        return group

    def tables(
        self, node: yn.Node, schemas: tuple[str, ...], exposed: tuple[str, ...], known_groups: set[str]
    ) -> tuple[TableSpec, ...]:
        tables: list[TableSpec] = []
        seen: dict[tuple[str, str], int] = {}
        for name, (key, value) in (self.mapping(node, "tables") or {}).items():
            path = f"tables.{name}"
            schema, table = split_table_name(name, schemas)
            if schema not in schemas:
                self.problem(
                    key,
                    path,
                    f"schema {_shown(schema)} is not audited (schemas: {', '.join(schemas)}); "
                    f"a table whose name holds a dot is written with its schema, e.g. {schemas[0]}.{name}",
                )
            self.identifier(key, path, table, "table")
            if (schema, table) in seen:
                self.problem(
                    key,
                    path,
                    f"duplicate table {schema}.{table} (first defined on line {seen[(schema, table)]})",
                )
                continue
            line = yn.position(key)[0]
            seen[(schema, table)] = line
            entries = {} if _is_null(value) else self.mapping(value, path, TABLE_KEYS)
            if entries is None:
                continue
            count, columns = (
                self.columns(entries["columns"][1], f"{path}.columns") if "columns" in entries else (None, None)
            )
            rls, deny_all = self.rls(entries, path, exposed=schema in exposed)
            policies = self.policies(entries["policies"][1], f"{path}.policies") if "policies" in entries else None
            if deny_all and policies:
                self.problem(entries["policies"][1], f"{path}.policies", "a deny-all table has no policies")
            exposed_to, reason = self.exposure(value, entries, path, deny_all=deny_all, rls=rls)
            tables.append(
                TableSpec(
                    schema=schema,
                    name=table,
                    group=self.group_ref(entries, path, known_groups),
                    description=self.description(entries, path),
                    column_count=count,
                    columns=columns,
                    doc=self.doc_ref(entries["doc"][1], f"{path}.doc") if "doc" in entries else False,
                    line=line,
                    rls=rls,
                    policies=() if deny_all and policies is None else policies,
                    deny_all=deny_all,
                    exposed_to=exposed_to,
                    reason=reason,
                )
            )
        return tuple(tables)

    def rls(self, entries: dict, path: str, *, exposed: bool) -> tuple[bool | None, bool]:
        """(expected on/off, deny-all) of a declared `rls`: true, false or deny-all (on, with no
        policy, on purpose). By default expected on in an exposed schema, unchecked elsewhere."""
        if "rls" not in entries:
            return (True if exposed else None), False
        node = entries["rls"][1]
        if isinstance(node, yn.ScalarNode) and node.value == DENY_ALL:
            return True, True
        value = self.scalar(node, f"{path}.rls", f"true, false or {DENY_ALL}")
        if isinstance(value, bool):
            return value, False
        if value is not _INVALID:
            self.problem(node, f"{path}.rls", f"expected true, false or {DENY_ALL}, got {_shown(node.value)}")
        return (True if exposed else None), False

    def exposure(
        self, node: yn.Node, entries: dict, path: str, *, deny_all: bool = False, rls: bool | None = None
    ) -> tuple[tuple[str, ...], str]:
        """`exposed_to` (API roles meant to reach the object) and its required `reason`."""
        roles: tuple[str, ...] = ()
        if "exposed_to" in entries:
            roles = self.roles(entries["exposed_to"][1], f"{path}.exposed_to", allowed=API_ROLES)
            if deny_all:
                self.problem(entries["exposed_to"][1], f"{path}.exposed_to", "a deny-all table is exposed to no role")
            elif rls is True:
                self.problem(
                    entries["exposed_to"][1],
                    f"{path}.exposed_to",
                    "row level security protects this table (rls is on): exposed_to needs rls: false",
                )
        reason = self.text(entries["reason"][1], f"{path}.reason") or "" if "reason" in entries else ""
        if (roles or deny_all) and not reason and "reason" not in entries:
            what = f"rls: {DENY_ALL}" if deny_all else "exposed_to"
            self.problem(node, path, f"{what} needs a reason: say why (reason: ...), so a reviewer can judge it")
        elif "reason" in entries and not (roles or deny_all or "exposed_to" in entries or rls is False):
            self.problem(
                entries["reason"][0], f"{path}.reason", f"a reason explains exposed_to, rls: false or rls: {DENY_ALL}"
            )
        return roles, reason

    def roles(self, node: yn.Node, path: str, *, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """A list of role names, sorted, each once; `allowed` limits which."""
        items = self.text_list(node, path)
        if items is None:
            return ()
        found: set[str] = set()
        for item, role in items:
            if allowed is not None and role not in allowed:
                self.problem(item, path, f"expected one of {', '.join(allowed)}, got {_shown(role)}")
            elif role in found:
                self.problem(item, path, f"role {role!r} is listed twice")
            else:
                found.add(role)
        return tuple(sorted(found))

    def policies(self, node: yn.Node, path: str) -> tuple[PolicySpec, ...]:
        """Row level security policies by name: command, roles, optionally their expressions."""
        if _is_null(node):
            return ()
        policies = []
        for name, (key, value) in (self.mapping(node, path) or {}).items():
            here = f"{path}.{name}"
            self.identifier(key, here, name, "policy")
            entries = self.mapping(value, here, POLICY_KEYS)
            if entries is None:
                continue
            for required in ("command", "roles"):
                if required not in entries:
                    self.problem(value, here, f"missing required key {required!r}")
            command = ""
            if "command" in entries:
                command = (self.text(entries["command"][1], f"{here}.command") or "").lower()
                if command and command not in POLICY_COMMANDS:
                    self.problem(
                        entries["command"][1],
                        f"{here}.command",
                        f"expected one of {', '.join(POLICY_COMMANDS)}, got {_shown(command)}",
                    )
            restrictive = entries.get("restrictive")
            policies.append(
                PolicySpec(
                    name=name,
                    command=command,
                    roles=self.roles(entries["roles"][1], f"{here}.roles") if "roles" in entries else (),
                    using=self.expression(entries, "using", here),
                    check=self.expression(entries, "check", here),
                    restrictive=bool(restrictive and self.boolean(restrictive[1], f"{here}.restrictive")),
                    line=yn.position(key)[0],
                    reason=self.expression(entries, "reason", here) or "",
                )
            )
        return tuple(policies)

    def expression(self, entries: dict, key: str, path: str) -> str | None:
        if key not in entries:
            return None
        return self.text(entries[key][1], f"{path}.{key}")

    def relations(
        self, node: yn.Node, section: str, schemas: tuple[str, ...], known_groups: set[str]
    ) -> tuple[RelationSpec, ...]:
        """Views, materialized views or foreign tables (whichever `section` holds)."""
        return tuple(
            RelationSpec(schema, name, line=line, **self.object_fields(node, entries, path, known_groups))
            for (schema, name, _, line), entries, path in self.objects(node, section, schemas, RELATION_KEYS)
        )

    def functions(self, node: yn.Node, schemas: tuple[str, ...], known_groups: set[str]) -> tuple[FunctionSpec, ...]:
        """Functions by name, `name(arguments)` for one overload of several."""
        return tuple(
            FunctionSpec(schema, name, arguments, line=line, **self.object_fields(node, entries, path, known_groups))
            for (schema, name, arguments, line), entries, path in self.objects(
                node, "functions", schemas, FUNCTION_KEYS
            )
        )

    def object_fields(self, node: yn.Node, entries: dict, path: str, known_groups: set[str]) -> dict[str, object]:
        """The fields views and functions share: group, description, doc, exposed_to and reason."""
        exposed_to, reason = self.exposure(node, entries, path)
        return {
            "group": self.group_ref(entries, path, known_groups),
            "description": self.description(entries, path),
            "doc": self.doc_ref(entries["doc"][1], f"{path}.doc") if "doc" in entries else False,
            "exposed_to": exposed_to,
            "reason": reason,
        }

    def objects(
        self, node: yn.Node, section: str, schemas: tuple[str, ...], keys: tuple[str, ...]
    ) -> list[tuple[tuple[str, str, str | None, int], dict, str]]:
        """((schema, name, arguments, line), entries, path) of each entry of a section keyed like
        `tables` (functions: `name(arguments)`, arguments None without), with duplicates,
        unaudited schemas and impossible names reported."""
        found = []
        seen: dict[tuple[str, str], int] = {}
        for name, (key, value) in (self.mapping(node, section) or {}).items():
            path = f"{section}.{name}"
            base, arguments = split_function_name(name) if section == "functions" else (name, None)
            schema, object_name = split_table_name(base, schemas)
            if schema not in schemas:
                self.problem(key, path, f"schema {_shown(schema)} is not audited (schemas: {', '.join(schemas)})")
            self.identifier(key, path, object_name, section.rstrip("s").replace("_", " "))
            identity = (schema, object_name if arguments is None else f"{object_name}({arguments})")
            if identity in seen:
                self.problem(key, path, f"{name} is declared twice (first on line {seen[identity]})")
                continue
            line = yn.position(key)[0]
            seen[identity] = line
            entries = {} if _is_null(value) else self.mapping(value, path, keys)
            if entries is not None:
                found.append(((schema, object_name, arguments, line), entries, path))
        return found

    def description(self, entries: dict, path: str) -> str:
        if "description" not in entries:
            return ""
        return self.text(entries["description"][1], f"{path}.description", allow_empty=True) or ""

    def columns(self, node: yn.Node, path: str) -> tuple[int | None, tuple[DeclaredColumn, ...] | None]:
        if isinstance(node, yn.ScalarNode):
            value = self.scalar(node, path, "a column count or a list of column names")
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value, None
            if value is not _INVALID:
                self.problem(
                    node,
                    path,
                    f"expected a column count (a whole number) or a list of column names, got {_shown(node.value)}",
                )
            return None, None
        if not isinstance(node, yn.SequenceNode):
            self.problem(node, path, f"expected a column count or a list of column names, got {_describe(node)}")
            return None, None
        columns: dict[str, DeclaredColumn] = {}
        for index, item in enumerate(node.value):
            column = self.column(item, f"{path}[{index}]")
            if column is None:
                continue
            if column.name in columns:
                self.problem(item, f"{path}[{index}]", f"column {column.name!r} is listed twice")
                continue
            columns[column.name] = column
        return None, tuple(columns.values())

    def column(self, node: yn.Node, path: str) -> DeclaredColumn | None:
        if isinstance(node, yn.MappingNode):
            entries = self.mapping(node, path) or {}
            if len(entries) != 1:
                self.problem(node, path, "expected one 'name: type' pair per list item")
                return None
            ((name, (key, type_node)),) = entries.items()
            column_type = self.text(type_node, f"{path}.{name}")
            valid = self.identifier(key, path, name, "column")
            return DeclaredColumn(name, column_type) if column_type and valid else None
        name = self.text(node, path)
        return DeclaredColumn(name) if name and self.identifier(node, path, name, "column") else None

    def buckets(self, node: yn.Node, known_groups: set[str]) -> tuple[BucketSpec, ...]:
        buckets: list[BucketSpec] = []
        for name, (key, value) in (self.mapping(node, "buckets") or {}).items():
            path = f"buckets.{name}"
            entries = {} if _is_null(value) else self.mapping(value, path, BUCKET_KEYS)
            if entries is None:
                continue
            public = self.boolean(entries["public"][1], f"{path}.public") if "public" in entries else None
            limit = (
                self.size(entries["file_size_limit"][1], f"{path}.file_size_limit")
                if "file_size_limit" in entries
                else None
            )
            mime_types = (
                self.mime_types(entries["allowed_mime_types"][1], f"{path}.allowed_mime_types")
                if "allowed_mime_types" in entries
                else None
            )
            status = "active"
            if "status" in entries:
                status_node = entries["status"][1]
                status = self.text(status_node, f"{path}.status") or "active"
                if status not in BUCKET_STATUSES:
                    self.problem(
                        status_node,
                        f"{path}.status",
                        f"expected one of {', '.join(BUCKET_STATUSES)}, got {status!r}",
                    )
                    status = "active"
            buckets.append(
                BucketSpec(
                    id=name,
                    group=self.group_ref(entries, path, known_groups),
                    description=self.description(entries, path),
                    public=bool(public),
                    file_size_limit=limit,
                    allowed_mime_types=mime_types,
                    status=status,
                    doc=self.doc_ref(entries["doc"][1], f"{path}.doc") if "doc" in entries else False,
                    declared=frozenset(k for k in BUCKET_CHECKED_KEYS if k in entries),
                    line=yn.position(key)[0],
                    **self.bucket_exposure(value, entries, path),
                )
            )
        return tuple(buckets)

    def bucket_exposure(self, node: yn.Node, entries: dict, path: str) -> dict[str, object]:
        """exposed_to (who may list a public bucket's files) and reason, which a public bucket may
        give on its own."""
        if "exposed_to" in entries:
            exposed_to, reason = self.exposure(node, entries, path)
            return {"exposed_to": exposed_to, "reason": reason}
        reason = self.text(entries["reason"][1], f"{path}.reason") or "" if "reason" in entries else ""
        return {"reason": reason}

    def size(self, node: yn.Node, path: str) -> int | None:
        value = self.scalar(node, path, SIZE_HELP)
        if value is None or value is _INVALID:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.problem(node, path, f"expected {SIZE_HELP}, got {_shown(node.value)}")
            return None
        if isinstance(value, int):
            if value < 0:
                self.problem(node, path, f"a size cannot be negative, got {value}")
                return None
            return value
        try:
            return parse_size(value)
        except ValueError as error:
            self.problem(node, path, str(error))
            return None

    def mime_types(self, node: yn.Node, path: str) -> tuple[str, ...] | None:
        if _is_null(node):
            return None
        items = self.text_list(node, path)
        if items is None:
            return None
        for item, mime in items:
            if "/" not in mime and not mime.endswith("*"):  # Storage also takes "*" (any type)
                self.problem(item, path, f"{mime!r} is not a MIME type like image/png, image/* or *")
        return tuple(sorted({mime for _, mime in items}))

    def environments(self, node: yn.Node) -> tuple[Environment, ...]:
        environments = []
        for name, (key, value) in (self.mapping(node, "environments") or {}).items():
            path = f"environments.{name}"
            if not ENVIRONMENT_NAME.match(name):
                self.problem(key, path, f"environment name {_shown(name)} {ENVIRONMENT_NAME_RULE}")
                continue
            entries = self.mapping(value, path, ENVIRONMENT_KEYS)
            if entries is None:
                continue
            url = None
            if "database_url" not in entries and "supabase_url" not in entries:
                self.problem(
                    value,
                    path,
                    "missing required key 'database_url' (e.g. ${PROD_DATABASE_URL}), "
                    "or 'supabase_url' with 'service_key' for the Storage API",
                )
            elif "database_url" in entries:
                url_node = entries["database_url"][1]
                url = self.text(url_node, f"{path}.database_url")
                if url and _has_literal_secret(url):
                    self.problem(
                        url_node,
                        f"{path}.database_url",
                        "contains a literal password; reference an environment variable instead, "
                        "e.g. ${PROD_DATABASE_URL}",
                    )
            supabase_url, service_key = self.storage_api(entries, value, path)
            environments.append(
                Environment(
                    name=name,
                    database_url=url,
                    description=self.description(entries, path),
                    supabase_url=supabase_url,
                    service_key=service_key,
                )
            )
        return tuple(environments)

    def storage_api(self, entries: dict, node: yn.Node, path: str) -> tuple[str | None, str | None]:
        """supabase_url and service_key: given together; the key only as one ${VAR} reference."""
        for present, missing in (("supabase_url", "service_key"), ("service_key", "supabase_url")):
            if present in entries and missing not in entries:
                self.problem(node, path, f"'{present}' needs '{missing}' as well")
        url = key = None
        if "supabase_url" in entries:
            url_node = entries["supabase_url"][1]
            url = self.text(url_node, f"{path}.supabase_url")
            if url and "${" not in url and not url.startswith(("https://", "http://")):
                self.problem(url_node, f"{path}.supabase_url", "expected an https:// URL or a ${VAR} reference")
            elif url and _has_literal_secret(url):
                self.problem(url_node, f"{path}.supabase_url", "contains a literal password")
        if "service_key" in entries:
            key_node = entries["service_key"][1]
            key = self.text(key_node, f"{path}.service_key")
            if key and not _LONE_REFERENCE.match(key.strip()):
                self.problem(  # never quote the value: it may be the key itself
                    key_node,
                    f"{path}.service_key",
                    "must be a lone environment variable reference such as ${PROD_SERVICE_ROLE_KEY}; "
                    "a literal key (or a ${VAR:-default} holding one) is refused",
                )
                key = None
            elif key:
                key = key.strip()
        return url, key


class _Invalid:
    """Marks a value that failed validation (distinct from a YAML null)."""


_INVALID = _Invalid()


def _is_null(node: yn.Node) -> bool:
    return isinstance(node, yn.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _describe(node: yn.Node) -> str:
    if isinstance(node, yn.MappingNode):
        return "a mapping"
    if isinstance(node, yn.SequenceNode):
        return "a list"
    kind = node.tag.rsplit(":", 1)[-1]
    names = {"str": "text", "int": "a number", "float": "a number", "bool": "true/false", "null": "null"}
    return f"{names.get(kind, kind)} {_shown(node.value)}" if kind != "null" else "null"


def split_table_name(name: str, schemas: tuple[str, ...]) -> tuple[str, str]:
    """(schema, table) of a `tables` key: `profiles` is in the first schema, `auth.users` in auth.

    An audited schema's prefix is matched first, so `public.a.b` is table `a.b` in public.
    """
    if "." not in name:
        return schemas[0], name  # the usual case, and what the rest would find
    for schema in sorted(schemas, key=len, reverse=True):
        if name.startswith(f"{schema}."):
            return schema, name[len(schema) + 1 :]
    schema, _, table = name.rpartition(".")
    return schema or schemas[0], table


_ARGUMENTS = re.compile(r"^(?P<name>.+?)\((?P<arguments>.*)\)$", re.DOTALL)


def split_function_name(key: str) -> tuple[str, str | None]:
    """(name, arguments) of a `functions` key: `search(text, integer)` is one overload of search,
    `search` all of them (arguments None). Arguments are spaced as PostgreSQL prints them."""
    match = _ARGUMENTS.match(key)
    if not match:
        return key, None
    return match.group("name").strip(), normalize_arguments(match.group("arguments"))


def normalize_arguments(arguments: str) -> str:
    """`a  int,b text` -> `a int, b text`, as pg_get_function_identity_arguments spaces them."""
    return ", ".join(" ".join(part.split()) for part in arguments.split(",")) if arguments.strip() else ""


def _closest(name: str, candidates: list[str] | tuple[str, ...]) -> list[str]:
    """The likeliest meant candidate, if any (difflib is imported only for a bad file: ~9 ms)."""
    import difflib

    return difflib.get_close_matches(name, candidates, n=1)


def _unknown_key(name: str, allowed: tuple[str, ...]) -> str:
    close = _closest(name, allowed)
    hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(allowed)}"
    return f"unknown key {_shown(name)}{hint}"


def _cut(text: str, limit: int = 80) -> str:
    """`text` cut short, so that one huge name or value cannot flood the output."""
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text):,} characters)"


def _shown(value: str) -> str:
    """A value from the file as it reads in a message: quoted, and cut short if huge."""
    return repr(value) if len(value) <= 80 else f"{value[:77]!r}... ({len(value):,} characters)"


def _printable(text: str) -> str:
    """`text` with newlines and control characters escaped (\\n, \\x1b): one line, no terminal codes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _unknown_name(kind: str, name: str, known: set[str]) -> str:
    close = _closest(name, sorted(known))
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(known))}"
    return f"unknown {kind} {name!r}{hint}"


def _has_literal_secret(url: str) -> bool:
    """True when the URL spells out a password for a non-loopback host outside a ${VAR}."""
    for match in _LITERAL_PASSWORD.finditer(url):
        password, host = match.groups()
        if not password.startswith("${") and host not in _LOOPBACK_HOSTS:
            return True
    return _PASSWORD_PARAMETER.search(url) is not None
