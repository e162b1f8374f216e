"""Turning findings into edits of a person's inventory.yaml: `snapshot --update` and `accept`.

The audit's findings are the list of differences; each rule that describes the inventory being
out of date maps to one splice of the file (text_edit), so a refresh touches only the lines that
changed. What disappeared from the database is marked with a comment line above it,

    # gone from prod on 2026-11-26: table usage_logs

which keeps the file valid and the audit honest (it still reports the table missing) until a
person removes the entry or runs with --prune; the marker goes away by itself if the object
comes back. Entries a person declared partially stay partial: a key left out is not added.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from auditor import yaml_nodes as yn
from auditor.drift.policies import STORAGE_OBJECTS
from auditor.errors import UsageError
from auditor.inventory import DENY_ALL, split_function_name, split_table_name
from auditor.model import INVENTORIED, Catalog, Finding, Inventory, display_name
from auditor.snapshot.entries import (
    WRITERS,
    Entry,
    EntryOptions,
    column_item,
    policy_value,
    size_text,
)
from auditor.snapshot.text_edit import AFTER, BEFORE, NEWLINE, Document, Edit
from auditor.snapshot.yaml_text import flow_list, scalar

MARKER = re.compile(r"^[ \t]*# gone from (?P<env>\S+) on \d{4}-\d{2}-\d{2}: (?P<what>.*?)[ \t]*\r?$")
_VALUE_PREFIX = re.compile(r"(?:[&!]\S*[ \t]+)*")  # an anchor or tag before a value is kept

REMOVED_WHEN_GONE = (*(f"{kind.code}-missing" for kind in INVENTORIED), "column-missing", "policy-missing")
SORTED_EVIDENCE = 3  # entries in order before a section counts as sorted (one or two always are)
STORAGE = "storage.objects"  # what policy findings on storage.objects are `about`
ACCEPT_ONLY = ("bucket-legacy-in-use", "rls-enabled", "rls-disabled", "doc-missing", "policy-changed")
"""Rules only `accept` applies: whether a legacy bucket is back in use, a table's row level
security or a policy is as intended, or a doc page may stay unwritten is a person's decision,
not something a refresh should assume. So is every finding tagged security (a bucket made
public, a new exposure): a refresh leaves them all to `auditor accept`."""
SECURITY = "security"
EXPOSURE_RULES = (
    "table-exposed",
    "view-security-definer",
    "matview-exposed",
    "foreign-table-exposed",
    "auth-users-exposed",
    "function-definer-anon",
    "function-definer-authenticated",
)
"""Rules accepted by declaring `exposed_to` with a reason on the object."""


@dataclass(frozen=True)
class Change:
    """One finding resolved in the inventory: what it was, and the splices that resolve it."""

    rule: str
    name: str
    summary: str
    edits: tuple[Edit, ...]


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    left: list[Finding] = field(default_factory=list)  # findings no edit resolves (database problems)

    @property
    def edits(self) -> list[Edit]:
        return [edit for change in self.changes for edit in change.edits]


class Planner:
    """Plans the edits that bring `doc` in line with `catalog`, one finding at a time."""

    def __init__(
        self,
        doc: Document,
        inventory: Inventory,
        catalog: Catalog,
        *,
        environment: str,
        today: str,
        options: EntryOptions,
        reason: str | None = None,
    ):
        self.doc, self.inventory, self.catalog = doc, inventory, catalog
        self.environment, self.today, self.options = environment, today, options
        self.reason = reason  # why an exposure is accepted (accept --reason)
        self.reason_used = False  # whether an edit wrote it: a reason given and not written is refused
        self.default_schema = inventory.default_schema
        if not isinstance(doc.root, yn.MappingNode) or doc.root.flow_style is True:
            raise doc.cannot(doc.root or yn.ScalarNode("", ""), "the file is not a block mapping of sections")
        self.sections = doc.pairs(doc.root)
        self.overloads = Counter((f.schema, f.name) for f in catalog.functions or ())
        self.live = {
            kind.name: {self.object_name(kind.name, obj): obj for obj in catalog.live(kind) or ()}
            for kind in INVENTORIED
        }
        self.nodes = {kind.name: self.named_entries(kind.name, kind.plural) for kind in INVENTORIED}
        self.live_tables, self.live_buckets = self.live["table"], self.live["bucket"]
        self.live_policies = {
            (STORAGE if (p.schema, p.table) == STORAGE_OBJECTS else self.name(p.schema, p.table), p.name): p
            for p in catalog.policies or ()
        }
        self.table_nodes, self.bucket_nodes = self.nodes["table"], self.nodes["bucket"]
        self.opened: set[str] = set()
        self.ended = False  # whether an insert gave the file the line break its last line lacks

    def entries(self, section: str) -> dict[str, tuple[yn.Node, yn.Node]]:
        """A section's entries by key text. An entry written as an alias (`user_roles: *prof`) is
        left out: editing it would edit the anchored entry, so its findings stay for a person."""
        pair = self.sections.get(section)
        if pair is None or not isinstance(pair[1], yn.MappingNode):
            return {}
        return {text: entry for text, entry in self.doc.pairs(pair[1]).items() if not self.doc.is_alias(*entry)}

    def name(self, schema: str, table: str) -> str:
        return display_name(schema, table, self.default_schema)

    def object_name(self, kind: str, obj: object) -> str:
        """A live object's name, as findings give it."""
        if kind == "bucket":
            return obj.id
        if kind == "function" and self.overloads[(obj.schema, obj.name)] > 1:
            return f"{self.name(obj.schema, obj.name)}({obj.arguments})"  # one overload of several
        return self.name(obj.schema, obj.name)

    def named_entries(self, kind: str, section: str) -> dict[str, tuple[yn.Node, yn.Node]]:
        """A section's entries by the name findings give their object."""
        entries = self.entries(section)
        if kind == "bucket":
            return entries
        if kind == "function":
            named = {}
            for text, pair in entries.items():
                base, arguments = split_function_name(text)
                name = self.name(*split_table_name(base, self.inventory.schemas))
                named[name if arguments is None else f"{name}({arguments})"] = pair
            return named
        return {self.name(*split_table_name(text, self.inventory.schemas)): pair for text, pair in entries.items()}

    # --- planning ------------------------------------------------------------------------

    def plan(self, findings: list[Finding], *, prune: bool, accept: bool = False) -> Plan:
        plan = Plan()
        for finding in findings:
            if (finding.rule in ACCEPT_ONLY or SECURITY in finding.tags) and not accept:
                plan.left.append(finding)
                continue
            change = self.change(finding, remove=accept or prune)
            if change is None:
                plan.left.append(finding)
            else:
                plan.changes.append(change)
        if not accept:
            plan.changes += self.unmarks(findings)
        return plan

    def change(self, finding: Finding, *, remove: bool) -> Change | None:
        handler = getattr(self, "_" + finding.rule.replace("-", "_"), None)
        if finding.kind in WRITERS and finding.rule.endswith(("-undeclared", "-missing")):
            handler = self.undeclared if finding.rule.endswith("-undeclared") else self.missing
        elif finding.rule in EXPOSURE_RULES:
            handler = self.expose
        if handler is None:
            return None
        try:
            summary, edits = handler(finding, remove) if finding.rule in REMOVED_WHEN_GONE else handler(finding)
        except KeyError:  # declared through a merge key or an alias: not an entry of its own to edit
            return None
        return Change(finding.rule, finding.name, summary, tuple(edits))

    # --- objects of any kind -------------------------------------------------------------

    def undeclared(self, finding: Finding) -> tuple[str, list[Edit]]:
        writer = WRITERS[finding.kind]
        entry = writer.entry(self.live[finding.kind][finding.name], self.options)
        return f"added {finding.kind} {finding.name}", self.add_to_section(writer.kind.plural, entry)

    def missing(self, finding: Finding, remove: bool) -> tuple[str, list[Edit]]:
        key, value = self.nodes[finding.kind][finding.name]
        section = self.sections[WRITERS[finding.kind].kind.plural][1]
        return self.gone(f"{finding.kind} {scalar(finding.name)}", key, value, remove, section)

    def declare(self, finding: Finding, keys: list[tuple[str, str]]) -> list[Edit]:
        """Set keys on the object's entry; an undeclared object is added with them."""
        pair = self.nodes[finding.kind].get(finding.name)
        if pair is not None:
            return self.set_keys(pair, keys)
        writer = WRITERS[finding.kind]
        entry = writer.entry(self.live[finding.kind][finding.name], self.options)
        fields = [(name, value) for name, value in entry.fields if name not in dict(keys)]
        entry = replace(entry, fields=(*fields, *keys))
        return self.add_to_section(writer.kind.plural, entry)

    def given_reason(self, rule: str) -> str:
        self.reason_used = True
        if not self.reason:
            raise UsageError(f"Accepting {rule} declares why it is meant: give the reason with --reason TEXT.")
        return scalar(self.reason)

    # --- security: exposures declared on purpose (accept only) ---------------------------

    def expose(self, finding: Finding) -> tuple[str, list[Edit]]:
        roles = flow_list(tuple(finding.actual))
        keys = [("exposed_to", roles), ("reason", self.given_reason(finding.rule))]
        if finding.kind == "table":
            keys.insert(0, ("rls", "false"))
        return f"{finding.kind} {finding.name}: exposed_to: {roles}", self.declare(finding, keys)

    def _rls_no_policy(self, finding: Finding) -> tuple[str, list[Edit]]:
        keys = [("rls", DENY_ALL), ("reason", self.given_reason(finding.rule))]
        pair = self.nodes[finding.kind].get(finding.name)
        written = self.explicit(pair) if pair is not None else {}
        policies = written.get("policies", (None, None))[1]
        if isinstance(policies, yn.MappingNode) and policies.value:
            names = [str(key.value) for key, _ in policies.value]
            accepts = "; ".join(f"auditor accept policy-missing {finding.name}/{name}" for name in names)
            raise UsageError(
                f"Table {finding.name} declares policies ({', '.join(names)}), which a deny-all table has not: "
                f"accept each as gone first ({accepts}), then accept rls-no-policy."
            )
        unexposed = self.unexpose(pair)
        removed = " (exposed_to removed)" if unexposed else ""
        return f"table {finding.name}: rls: {DENY_ALL}{removed}", self.declare(finding, keys) + unexposed

    def _policy_always_true(self, finding: Finding) -> tuple[str, list[Edit]]:
        _, pair = self.policy_pair(finding)
        return f"policy {finding.name}: reason", self.set_keys(pair, [("reason", self.given_reason(finding.rule))])

    def _exposure_unused(self, finding: Finding) -> tuple[str, list[Edit]]:
        pair = self.nodes[finding.kind][finding.name]
        written = self.explicit(pair)
        edits = [
            self.remove_pair(pair[1], *written[name], name) for name in ("exposed_to", "reason") if name in written
        ]
        return f"{finding.kind} {finding.name}: exposed_to removed", edits

    # --- policies ------------------------------------------------------------------------

    def policies_pair(self, table: str) -> tuple[yn.Node, yn.Node]:
        """The `policies` mapping of a declared table, or the `storage_policies` section."""
        if table == STORAGE:
            return self.sections["storage_policies"]
        return self.explicit(self.table_nodes[table])["policies"]

    def policy_pair(self, finding: Finding) -> tuple[str, tuple[yn.Node, yn.Node]]:
        """(policy name, its entry) of a policy finding (`about` is its table)."""
        name = finding.name[len(finding.about) + 1 :]
        _, mapping = self.policies_pair(finding.about)
        if not isinstance(mapping, yn.MappingNode):
            raise KeyError(finding.name)
        return name, self.doc.pairs(mapping)[name]

    def _policy_undeclared(self, finding: Finding) -> tuple[str, list[Edit]]:
        name = finding.name[len(finding.about) + 1 :]
        policy = self.live_policies[(finding.about, name)]
        value = policy_value(policy, self.options)
        return f"policy {finding.name}: added", self.add_key(self.policies_pair(finding.about), scalar(name), value)

    def _policy_missing(self, finding: Finding, remove: bool) -> tuple[str, list[Edit]]:
        _, (key, value) = self.policy_pair(finding)
        return self.gone(f"policy {scalar(finding.name)}", key, value, remove, self.policies_pair(finding.about)[1])

    def _policy_changed(self, finding: Finding) -> tuple[str, list[Edit]]:
        name, (key, value) = self.policy_pair(finding)
        written = self.explicit((key, value))
        policy = self.live_policies[(finding.about, name)]
        text = policy_value(policy, self.options, expressions="using" in written or "check" in written)
        return f"policy {finding.name}: {', '.join(finding.actual)} updated", [self.replace(key, value, text)]

    # --- tables --------------------------------------------------------------------------

    def _column_count(self, finding: Finding) -> tuple[str, list[Edit]]:
        edits = self.set_key(self.table_nodes[finding.name], "columns", str(finding.actual))
        return f"table {finding.name}: columns {finding.expected} -> {finding.actual}", edits

    def column_target(self, finding: Finding) -> tuple[str, tuple[yn.Node, yn.Node]]:
        """The column's name and its table's `columns` key and list, from a `table.column` finding name.

        The longest declared table name that prefixes it wins, so `a.b.c` finds table `a.b`."""
        for table_name in sorted(self.table_nodes, key=len, reverse=True):
            if finding.name.startswith(table_name + "."):
                columns = self.explicit(self.table_nodes[table_name])["columns"]
                return finding.name[len(table_name) + 1 :], columns
        raise KeyError(finding.name)

    def _column_type(self, finding: Finding) -> tuple[str, list[Edit]]:
        column, (_, sequence) = self.column_target(finding)
        item = self.find_item(sequence, column)
        type_key, type_node = item.value[0]
        edits = [self.replace(type_key, type_node, scalar(str(finding.actual), flow=sequence.flow_style is not True))]
        return f"column {finding.name}: type {finding.expected} -> {finding.actual}", edits

    def _column_unexpected(self, finding: Finding) -> tuple[str, list[Edit]]:
        column, (key, sequence) = self.column_target(finding)
        item = column_item(column, str(finding.actual))
        return f"column {finding.name}: added ({finding.actual})", self.append_item(key, sequence, item)

    def _column_missing(self, finding: Finding, remove: bool) -> tuple[str, list[Edit]]:
        column, (key, sequence) = self.column_target(finding)
        item = self.find_item(sequence, column)
        what = f"column {scalar(finding.name)}"
        if not remove:
            return f"column {finding.name}: marked gone", self.mark(what, item)
        if len(sequence.value) == 1:
            start = key.end_mark.index
            return f"column {finding.name}: removed", [Edit(start, self.doc.content_end(sequence), ": []")]
        return f"column {finding.name}: removed", [self.remove_item(sequence, item)]

    def _rls_disabled(self, finding: Finding) -> tuple[str, list[Edit]]:
        return f"table {finding.name}: rls: false", self.set_key(self.table_nodes[finding.name], "rls", "false")

    def _rls_enabled(self, finding: Finding) -> tuple[str, list[Edit]]:
        pair = self.table_nodes[finding.name]
        unexposed = self.unexpose(pair, keep_reason=False)
        removed = " (exposed_to removed)" if unexposed else ""
        return f"table {finding.name}: rls: true{removed}", self.set_key(pair, "rls", "true") + unexposed

    def unexpose(self, pair: tuple[yn.Node, yn.Node] | None, *, keep_reason: bool = True) -> list[Edit]:
        """Remove from a table's entry an `exposed_to` that row level security makes stale, and its
        reason unless the new state keeps one."""
        written = self.explicit(pair) if pair is not None else {}
        if "exposed_to" not in written:
            return []
        names = ("exposed_to",) if keep_reason else ("exposed_to", "reason")
        return [self.remove_pair(pair[1], *written[name], name) for name in names if name in written]

    # --- docs ----------------------------------------------------------------------------

    def object_pair(self, name: str) -> tuple[yn.Node, yn.Node]:
        """The entry of the object findings call `name`: a table, else a view, a function... a bucket."""
        pair = next((nodes[name] for nodes in self.nodes.values() if name in nodes), None)
        if pair is None:
            raise KeyError(name)
        return pair

    def _doc_missing(self, finding: Finding) -> tuple[str, list[Edit]]:
        return f"{finding.name}: doc: false", self.set_key(self.object_pair(finding.name), "doc", "false")

    def _doc_undeclared(self, finding: Finding) -> tuple[str, list[Edit]]:
        from auditor.docs.scan import split_name

        _, slug = split_name(finding.name)
        edits = self.set_key(self.object_pair(slug or finding.name), "doc", scalar(finding.name))
        return f"{slug}: doc: {finding.name}", edits

    # --- buckets -------------------------------------------------------------------------

    def bucket_setting(self, finding: Finding, key: str, text: str) -> tuple[str, list[Edit]]:
        return f"bucket {finding.name}: {key}: {text}", self.set_key(self.bucket_nodes[finding.name], key, text)

    def _bucket_visibility(self, finding: Finding) -> tuple[str, list[Edit]]:
        public = finding.actual is True
        if not (public and self.reason):
            return self.bucket_setting(finding, "public", scalar(public))
        keys = [("public", "true"), ("reason", self.given_reason(finding.rule))]  # shown in the security section
        return f"bucket {finding.name}: public: true, reason", self.set_keys(self.bucket_nodes[finding.name], keys)

    def _bucket_size_limit(self, finding: Finding) -> tuple[str, list[Edit]]:
        return self.bucket_setting(
            finding, "file_size_limit", size_text(self.live_buckets[finding.name].file_size_limit)
        )

    def _bucket_mime_types(self, finding: Finding) -> tuple[str, list[Edit]]:
        types = self.live_buckets[finding.name].allowed_mime_types
        pair = self.bucket_nodes[finding.name]
        value = self.explicit(pair).get("allowed_mime_types")
        if value and isinstance(value[1], yn.SequenceNode) and value[1].flow_style is not True and types:
            return f"bucket {finding.name}: allowed_mime_types: {flow_list(types)}", [
                self.replace_block_list(value[1], [scalar(t, flow=False) for t in types])
            ]
        return self.bucket_setting(finding, "allowed_mime_types", flow_list(types))

    def _bucket_legacy_in_use(self, finding: Finding) -> tuple[str, list[Edit]]:
        return self.bucket_setting(finding, "status", "active")

    # --- environments --------------------------------------------------------------------

    def add_environment(self, environment: str, variable: str) -> Change:
        entry = Entry(scalar(environment), (("database_url", f"${{{variable}}}"),))
        edits = tuple(self.add_to_section("environments", entry))
        return Change("environment", environment, f"added environment {environment}", edits)

    # --- markers -------------------------------------------------------------------------

    def gone(self, what: str, key: yn.Node, value: yn.Node, remove: bool, parent: yn.Node) -> tuple[str, list[Edit]]:
        if not remove:
            return f"{what}: marked gone", self.mark(what, key)
        return f"{what}: removed", [self.remove_pair(parent, key, value, what)]

    def mark(self, what: str, node: yn.Node) -> list[Edit]:
        """A `# gone from ENV on DATE: WHAT` line above the node's line, unless one is there already."""
        start = self.doc.line_start(node.start_mark.index)
        if any(m.group("env") == self.environment and m.group("what") == what for m in self.markers_above(start)):
            return []
        line = self.doc.text[start : self.doc.line_end(start)]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        marker = f"{indent}# gone from {self.environment} on {self.today}: {what}\n"
        return [Edit(start, start, self.doc.lines(marker), BEFORE)]

    def markers_above(self, start: int) -> list[re.Match[str]]:
        found = []
        while start > 0:
            previous = self.doc.line_start(start - 1)
            match = MARKER.match(self.doc.text[previous : start - 1])
            if not match:
                break
            found.append(match)
            start = previous
        return found

    def first_marker_line(self, start: int) -> int:
        """Start of the first of the marker lines directly above `start` (or `start`)."""
        while start > 0:
            previous = self.doc.line_start(start - 1)
            if not MARKER.match(self.doc.text[previous : start - 1]):
                break
            start = previous
        return start

    def unmarks(self, findings: list[Finding]) -> list[Change]:
        """Remove this environment's markers of objects that are no longer gone."""
        still_gone = {f"{f.kind} {scalar(f.name)}" for f in findings if f.rule in REMOVED_WHEN_GONE}
        changes = []
        position = 0
        for line in self.doc.text.splitlines(keepends=True):
            match = MARKER.match(line.rstrip("\n"))
            if match and match.group("env") == self.environment and match.group("what") not in still_gone:
                summary = f"{match.group('what')}: back in {self.environment}, marker removed"
                changes.append(
                    Change("marker", match.group("what"), summary, (Edit(position, position + len(line), ""),))
                )
            position += len(line)
        return changes

    # --- splices -------------------------------------------------------------------------

    def explicit(self, pair: tuple[yn.Node, yn.Node]) -> dict[str, tuple[yn.Node, yn.Node]]:
        value = pair[1]
        return self.doc.pairs(value) if isinstance(value, yn.MappingNode) else {}

    def replace(self, key: yn.Node, value: yn.Node, text: str) -> Edit:
        start, end = self.doc.value_span(key, value)
        start += len(_VALUE_PREFIX.match(self.doc.text, start).group())
        if isinstance(value, yn.ScalarNode) and not (value.tag.endswith(":null") and start == end):
            return Edit(start, end, text)
        return Edit(key.end_mark.index, end, f": {text}")  # a block list or an empty value

    def set_key(self, pair: tuple[yn.Node, yn.Node], name: str, text: str) -> list[Edit]:
        """Set `name: text` in an entry: replace the written value, or add the key."""
        written = self.explicit(pair).get(name)
        if written is not None:
            return [self.replace(*written, text)]
        return self.add_key(pair, name, text)

    def add_key(self, pair: tuple[yn.Node, yn.Node], name: str, text: str) -> list[Edit]:
        return self.add_keys(pair, [(name, text)])

    def add_keys(self, pair: tuple[yn.Node, yn.Node], keys: list[tuple[str, str]]) -> list[Edit]:
        """Add `name: text` pairs at the end of an entry's mapping, in one splice, in its style."""
        key, value = pair
        if isinstance(value, yn.MappingNode) and value.flow_style is not True and value.value:
            indent = " " * value.value[0][0].start_mark.column
            at = self.doc.line_end(self.doc.content_end(value))
            return self.insert(at, "".join(f"{indent}{name}: {text}\n" for name, text in keys), AFTER)
        flow = ", ".join(f"{name}: {text}" for name, text in keys)
        if isinstance(value, yn.MappingNode) and value.value:  # {a: 1} -> {a: 1, name: text}
            return [Edit(value.end_mark.index - 1, value.end_mark.index - 1, f", {flow}")]
        if isinstance(value, yn.MappingNode) or (isinstance(value, yn.ScalarNode) and value.tag.endswith(":null")):
            return [Edit(key.end_mark.index, self.doc.value_span(key, value)[1], f": {{{flow}}}")]
        raise self.doc.cannot(key, "the entry is not a mapping")

    def set_keys(self, pair: tuple[yn.Node, yn.Node], keys: list[tuple[str, str]]) -> list[Edit]:
        """Set several keys of an entry: replace those written, add the others in one splice."""
        written = self.explicit(pair)
        edits = [self.replace(*written[name], text) for name, text in keys if name in written]
        added = [(name, text) for name, text in keys if name not in written]
        return edits + (self.add_keys(pair, added) if added else [])

    def insert(self, at: int, block: str, side: int) -> list[Edit]:
        """Lines inserted at `at` (a line start, or the end of the text), in the file's newline style.

        At the end of a file whose last line has no line break, the first insert there also adds
        that line break, as an edit of its own that goes before all others there."""
        text = self.doc.text
        edits = [Edit(at, at, self.doc.lines(block), side)]
        if at == len(text) and text and not text.endswith("\n") and not self.ended:
            self.ended = True
            edits.insert(0, Edit(at, at, self.doc.newline, NEWLINE))
        return edits

    def find_item(self, sequence: yn.SequenceNode, column: str) -> yn.Node:
        for item in sequence.value:
            if isinstance(item, yn.MappingNode) and item.value and item.value[0][0].value == column:
                return item
            if isinstance(item, yn.ScalarNode) and item.value == column:
                return item
        raise KeyError(column)

    def append_item(self, key: yn.Node, sequence: yn.Node, item: str) -> list[Edit]:
        if not isinstance(sequence, yn.SequenceNode):
            raise self.doc.cannot(key, "columns is not a list")
        if sequence.flow_style is True:
            at = sequence.end_mark.index - 1
            return [Edit(at, at, (", " if sequence.value else "") + "{" + item + "}")]
        first = sequence.value[0]
        start = self.doc.line_start(first.start_mark.index)
        prefix = self.doc.text[start : first.start_mark.index]
        if prefix.strip() != "-":
            raise self.doc.cannot(first, "the list is not written one item per line")
        at = self.doc.line_end(self.doc.item_end(sequence, len(sequence.value) - 1))
        return self.insert(at, prefix + item + "\n", AFTER)

    def replace_block_list(self, sequence: yn.SequenceNode, items: list[str]) -> Edit:
        first = sequence.value[0]
        start = self.doc.line_start(first.start_mark.index)
        prefix = self.doc.text[start : first.start_mark.index]
        end = self.doc.content_end(sequence)
        return Edit(start, end, self.doc.lines("\n".join(prefix + item for item in items)))

    def remove_item(self, sequence: yn.SequenceNode, item: yn.Node) -> Edit:
        index = next(i for i, node in enumerate(sequence.value) if node is item)
        if sequence.flow_style is True:
            return self.remove_flow_element(item.start_mark.index, self.doc.content_end(item), sequence)
        start = self.first_marker_line(self.doc.line_start(item.start_mark.index))
        return Edit(start, self.doc.line_end(self.doc.item_end(sequence, index)), "")

    def remove_pair(self, parent: yn.Node, key: yn.Node, value: yn.Node, what: str) -> Edit:
        end = self.doc.value_span(key, value)[1]
        if getattr(parent, "flow_style", None) is True:
            return self.remove_flow_element(key.start_mark.index, end, parent)
        start = self.first_marker_line(self.doc.line_start(key.start_mark.index))
        return Edit(start, self.doc.line_end(end), "")

    def remove_flow_element(self, start: int, end: int, parent: yn.Node) -> Edit:
        text = self.doc.text
        after = re.compile(r"[ \t]*,[ \t]*").match(text, end)
        if after:
            return Edit(start, after.end(), "")
        before = re.compile(r",[ \t]*$").search(text, parent.start_mark.index, start)
        return Edit(before.start() if before else start, end, "")

    def add_to_section(self, section: str, entry: Entry) -> list[Edit]:
        """Append an entry to a top-level section (tables, buckets, environments), creating it if needed."""
        pair = self.sections.get(section)
        opened = section in self.opened  # an empty or missing section gets its header once
        self.opened.add(section)
        if pair is None:
            at = len(self.doc.text)
            header = "" if opened else f"\n{section}:\n"
            return self.insert(at, header + entry.block(2), BEFORE)
        key, node = pair
        if isinstance(node, yn.MappingNode) and node.value and node.flow_style is not True:
            indent = self.doc.block_indent(node, 2)
            at = self.sorted_place(node, entry) or self.doc.line_end(self.doc.content_end(node))
            return self.insert(at, entry.block(indent, self.child_step(node)), BEFORE)
        if isinstance(node, yn.MappingNode) and node.value:
            at = node.end_mark.index - 1
            return [Edit(at, at, f", {entry.key}: {entry.flow()}")]
        if isinstance(node, yn.MappingNode) or (isinstance(node, yn.ScalarNode) and node.tag.endswith(":null")):
            at = self.doc.line_end(key.start_mark.index)
            edits = self.insert(at, entry.block(2), BEFORE)
            if not opened:
                edits.insert(0, Edit(key.end_mark.index, self.doc.value_span(key, node)[1], ":"))
            return edits
        raise self.doc.cannot(key, f"{section} is not a mapping")

    def sorted_place(self, section: yn.MappingNode, entry: Entry) -> int | None:
        """Where a new entry goes in a section whose keys are in sorted order: before the first key
        that sorts after it, above that entry's own comment lines. None: at the end (the section
        is not sorted, or the entry sorts last)."""
        keys = [k.value for k, _ in section.value if isinstance(k, yn.ScalarNode)]
        if len(keys) < SORTED_EVIDENCE or len(keys) != len(section.value) or keys != sorted(keys):
            return None
        name = str(yn.compose(entry.key).value)
        following = next((k for k, _ in section.value if k.value > name), None)
        if following is None:
            return None
        start = self.doc.line_start(following.start_mark.index)
        while start > 0:
            previous = self.doc.line_start(start - 1)
            if not self.doc.text[previous:start].lstrip().startswith("#"):
                break
            start = previous
        return start

    def child_step(self, section: yn.MappingNode) -> int:
        """How much deeper than its key an entry's fields are indented in this file (default 2)."""
        for key, value in section.value:
            if isinstance(value, yn.MappingNode) and value.flow_style is not True and value.value:
                return max(1, value.value[0][0].start_mark.column - key.start_mark.column)
        return 2
