"""Views, materialized views and foreign tables: declared versus live, and what they expose.

The security checks follow Supabase's database linter (splinter) on the exposed schemas, one
finding per object, the most specific: auth-users-exposed (0002) before view-security-definer
(0010), matview-exposed (0016) and foreign-table-exposed (0017).
"""

from __future__ import annotations

from auditor.drift.exposure import Outcome, judge, unused
from auditor.drift.objects import missing, undeclared
from auditor.model import Catalog, Inventory, LiveRelation, RelationSpec, display_name, kind_named

KINDS = tuple(kind_named(name) for name in ("view", "materialized view", "foreign table"))
SECURITY_INVOKER_SINCE = 15  # PostgreSQL major version


def compare(inventory: Inventory, catalog: Catalog) -> list[Outcome]:
    outcomes: list[Outcome] = []
    invoker_views = server_major(catalog.server_version) >= SECURITY_INVOKER_SINCE
    for kind in KINDS:
        live, declared = catalog.live(kind), inventory.declared(kind)
        if live is None:
            continue
        specs = {(s.schema, s.name): s for s in declared or ()}
        if declared is not None:
            live_keys = {(r.schema, r.name) for r in live}
            outcomes += missing(
                kind, [s.display(inventory.default_schema) for s in declared if (s.schema, s.name) not in live_keys]
            )
            outcomes += undeclared(
                kind,
                [
                    display_name(r.schema, r.name, inventory.default_schema)
                    for r in live
                    if (r.schema, r.name) not in specs
                ],
            )
        for relation in live:
            if relation.schema in inventory.exposed_schemas:
                name = display_name(relation.schema, relation.name, inventory.default_schema)
                outcome = exposure(relation, name, specs.get((relation.schema, relation.name)), invoker_views)
                if outcome is not None:
                    outcomes.append(outcome)
    return outcomes


def server_major(version: str) -> int:
    """15 of '15.19 (Debian 15.19-0+deb12u1)'; a large number when unknown (assume a current server)."""
    head = version.split(".", 1)[0].split(" ", 1)[0]
    return int(head) if head.isdigit() else 10**6


def exposure(relation: LiveRelation, name: str, spec: RelationSpec | None, invoker_views: bool) -> Outcome | None:
    """The one security outcome of a relation the API roles can read, if any."""
    declared, reason = (spec.exposed_to, spec.reason) if spec else ((), "")
    readers = relation.readers
    rule = exposure_rule(relation, invoker_views) if readers else None
    if rule is None:
        return unused(relation.kind, name, f"exposed_to {', '.join(declared)}") if declared else None
    who = " and ".join(readers)
    what, message = _wording(rule, relation, name, who)
    return judge(rule, relation.kind, name, readers, declared, reason, exposure=what, message=message)


def exposure_rule(relation: LiveRelation, invoker_views: bool) -> str | None:
    """The rule a relation the API roles can read breaks, if any (the most specific)."""
    definer = relation.kind == "view" and not relation.security_invoker and invoker_views
    if relation.reads_auth_users and (relation.kind == "materialized view" or definer or not relation.auth_users_rls):
        return "auth-users-exposed"
    if definer:
        return "view-security-definer"
    return {"materialized view": "matview-exposed", "foreign table": "foreign-table-exposed"}.get(relation.kind)


def _wording(rule: str, relation: LiveRelation, name: str, who: str) -> tuple[str, str]:
    """(what is exposed, the finding's message)."""
    title = relation.kind.capitalize()
    if rule == "auth-users-exposed":
        return (
            f"reads auth.users; readable by {who}",
            f"{title} {name} reads auth.users and {who} can read it through the API, without auth.users' row "
            "level security applying.",
        )
    if rule == "view-security-definer":
        bypassed = ", ".join(relation.rls_tables)
        bypass = f"the row level security of {bypassed}" if bypassed else "the privileges of whatever it reads"
        return (
            f"runs with its owner's rights; readable by {who}",
            f"View {name} runs with its owner's rights (no security_invoker) and {who} can read it: it bypasses "
            f"{bypass}.",
        )
    return (
        f"no row level security; readable by {who}",
        f"{title} {name} has no row level security and {who} can read every row of it through the API.",
    )
