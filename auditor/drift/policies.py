"""Row level security policies: declared versus live (per table, and on storage.objects), and
policies whose expression is always true (splinter's 0024 rls_policy_always_true).

A table's policies are checked when its entry declares `policies:` (or `rls: deny-all`, which
declares none); storage.objects' when the inventory has `storage_policies:`. A policy's USING
and WITH CHECK expressions are compared only when declared, as PostgreSQL prints them, with
runs of white space read as one.
"""

from __future__ import annotations

from collections import defaultdict

from auditor.drift.exposure import Outcome
from auditor.drift.rules import finding
from auditor.model import AcceptedExposure, Catalog, Finding, Inventory, LivePolicy, PolicySpec, display_name

STORAGE_OBJECTS = ("storage", "objects")
_API_ROLES = {"public", "anon", "authenticated"}
_ALWAYS_TRUE = {"true", "(true)", "1=1", "(1=1)"}


def policy_name(table: str, policy: str) -> str:
    """How findings name a policy: `profiles/Users can view their own profile`."""
    return f"{table}/{policy}"


def compare(inventory: Inventory, catalog: Catalog) -> list[Outcome]:
    if catalog.policies is None:
        return []
    live: dict[tuple[str, str], dict[str, LivePolicy]] = defaultdict(dict)
    for policy in catalog.policies:
        live[(policy.schema, policy.table)][policy.name] = policy
    live_tables = {(t.schema, t.name) for t in catalog.tables or ()}
    default_schema = inventory.default_schema
    declared: dict[tuple[str, str], dict[str, PolicySpec]] = {}
    outcomes: list[Outcome] = []
    for table in inventory.tables:
        key = (table.schema, table.name)
        if table.policies is not None and key in live_tables:
            declared[key] = {p.name: p for p in table.policies}
            outcomes += compare_table(display_name(*key, default_schema), declared[key], live.get(key, {}))
    if inventory.storage_policies is not None and catalog.objects_access is not None:
        declared[STORAGE_OBJECTS] = {p.name: p for p in inventory.storage_policies}
        outcomes += compare_table("storage.objects", declared[STORAGE_OBJECTS], live.get(STORAGE_OBJECTS, {}))
    for (schema, table), policies in live.items():
        if schema in inventory.schemas:
            specs = declared.get((schema, table), {})
            name = display_name(schema, table, default_schema)
            outcomes += [o for p in policies.values() if (o := always_true(p, name, specs.get(p.name)))]
    return outcomes


def compare_table(table: str, declared: dict[str, PolicySpec], live: dict[str, LivePolicy]) -> list[Finding]:
    findings = []
    for name, spec in declared.items():
        policy = live.get(name)
        shown = policy_name(table, name)
        if policy is None:
            findings.append(
                finding(
                    "policy-missing",
                    shown,
                    True,
                    False,
                    f"Policy {name!r} on {table} is declared but not there.",
                    about=table,
                )
            )
            continue
        changes = _changes(spec, policy)
        if changes:
            expected = {field: was for field, (was, _) in changes.items()}
            actual = {field: now for field, (_, now) in changes.items()}
            said = "; ".join(f"{field} {_said(was)} -> {_said(now)}" for field, (was, now) in changes.items())
            findings.append(
                finding(
                    "policy-changed",
                    shown,
                    expected,
                    actual,
                    f"Policy {name!r} on {table} changed: {said}.",
                    about=table,
                )
            )
    findings += [
        finding(
            "policy-undeclared",
            policy_name(table, name),
            False,
            True,
            f"Policy {name!r} on {table} ({policy.command} for {', '.join(policy.roles)}) is not in the inventory.",
            about=table,
        )
        for name, policy in live.items()
        if name not in declared
    ]
    return findings


def _changes(spec: PolicySpec, policy: LivePolicy) -> dict[str, tuple[object, object]]:
    """field -> (declared, live) for each declared field the live policy differs in."""
    pairs = {
        "command": (spec.command, policy.command),
        "roles": (list(spec.roles), list(policy.roles)),
        "restrictive": (spec.restrictive, policy.restrictive),
    }
    for field, declared, now in (("using", spec.using, policy.using), ("check", spec.check, policy.check)):
        if declared is not None:
            pairs[field] = (declared, now)
    return {
        field: (was, now)
        for field, (was, now) in pairs.items()
        if (_spaced(was) if isinstance(was, str) else was) != (_spaced(now) if isinstance(now, str) else now)
    }


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _said(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    if value is None:
        return "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def always_true(policy: LivePolicy, table: str, spec: PolicySpec | None) -> Outcome | None:
    """The finding (or the declared acceptance) of a permissive policy for the API roles whose
    expression lets them write every row, as the platform's linter reads it."""
    if not policy.rls_enabled or policy.restrictive or not _API_ROLES.intersection(policy.roles):
        return None
    using, check = _normalized(policy.using), _normalized(policy.check)
    writes = policy.command in ("update", "delete", "all")
    loose_using = writes and (using in _ALWAYS_TRUE or not policy.has_using)
    loose_check = (
        check in _ALWAYS_TRUE
        or (not policy.has_check and policy.command == "insert")
        or (not policy.has_check and policy.command in ("update", "all") and using in _ALWAYS_TRUE)
    )
    if not (loose_using or loose_check):
        return None
    which = " and ".join(w for w, loose in (("USING", loose_using), ("WITH CHECK", loose_check)) if loose)
    name = policy_name(table, policy.name)
    roles = tuple(policy.roles)
    reason = spec.reason if spec is not None else ""
    if reason:
        return AcceptedExposure("policy", name, f"{policy.command} for {', '.join(roles)}, {which} always true", reason)
    return finding(
        "policy-always-true",
        name,
        None,
        [clause for clause, loose in (("USING", loose_using), ("WITH CHECK", loose_check)) if loose],
        f"Policy {policy.name!r} on {table} lets {', '.join(roles)} {policy.command} with {which} always true: "
        "row level security does not restrict it.",
        about=table,
    )


def _normalized(expression: str | None) -> str:
    return "".join((expression or "").lower().split())
