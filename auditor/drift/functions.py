"""Functions: declared versus live, and SECURITY DEFINER functions the API roles can call.

A declared `name` stands for every overload of that name, `name(arguments)` for one. Findings
name a function with its arguments only when its name is overloaded in the database. An exposure
accepted on a bare name covers the name's only overload: once the name is overloaded, each
overload's exposure is accepted only by its own `name(arguments)` entry, so a new overload is
never accepted by a review of another.
"""

from __future__ import annotations

from collections import Counter

from auditor.drift.exposure import Outcome, judge, unused
from auditor.drift.objects import missing, undeclared
from auditor.inventory import normalize_arguments
from auditor.model import Catalog, FunctionSpec, Inventory, LiveFunction, display_name, kind_named

KIND = kind_named("function")


def compare(inventory: Inventory, catalog: Catalog) -> list[Outcome]:
    live = catalog.functions
    if live is None:
        return []
    default_schema = inventory.default_schema
    overloads = Counter((f.schema, f.name) for f in live)

    def name_of(function: LiveFunction) -> str:
        name = display_name(function.schema, function.name, default_schema)
        return f"{name}({function.arguments})" if overloads[(function.schema, function.name)] > 1 else name

    specs = {(s.schema, s.name, s.arguments): s for s in inventory.functions or ()}
    outcomes: list[Outcome] = []
    if inventory.functions is not None:
        matched = {id(_spec(specs, f)) for f in live}
        matched |= {id(s) for s in specs.values() if s.arguments is None and (s.schema, s.name) in overloads}
        outcomes += missing(KIND, [s.display(default_schema) for s in specs.values() if id(s) not in matched])
        outcomes += undeclared(KIND, [name_of(f) for f in live if _spec(specs, f) is None])
    for function in live:
        if function.schema in inventory.exposed_schemas:
            spec = _spec(specs, function)
            overloaded = overloads[(function.schema, function.name)] > 1
            outcome = exposure(
                function,
                name_of(function),
                spec,
                by_name_only=overloaded and spec is not None and spec.arguments is None,
            )
            if outcome is not None:
                outcomes.append(outcome)
    return outcomes


def _key(function: LiveFunction) -> tuple[str, str, str]:
    return function.schema, function.name, normalize_arguments(function.arguments)


def _spec(specs: dict[tuple[str, str, str | None], FunctionSpec], function: LiveFunction) -> FunctionSpec | None:
    """The entry declaring this overload: by its arguments, else by its name alone."""
    schema, name, arguments = _key(function)
    return specs.get((schema, name, arguments)) or specs.get((schema, name, None))


def exposure(function: LiveFunction, name: str, spec: FunctionSpec | None, *, by_name_only: bool) -> Outcome | None:
    """`by_name_only`: `spec` is a bare name's entry and the name is overloaded; its exposure
    accepts none of the overloads."""
    declared, reason = (spec.exposed_to, spec.reason) if spec and not by_name_only else ((), "")
    callers = function.callers if function.security_definer else ()
    if not callers:
        return unused("function", name, f"exposed_to {', '.join(declared)}") if declared else None
    rule = "function-definer-anon" if "anon" in callers else "function-definer-authenticated"
    who = " and ".join(callers)
    bare = function.name
    return judge(
        rule,
        "function",
        name,
        callers,
        declared,
        reason,
        exposure=f"SECURITY DEFINER, callable by {who}",
        message=f"Function {name} runs with its owner's rights (SECURITY DEFINER) and {who} can call it at "
        f"/rest/v1/rpc/{bare}."
        + (
            f" The exposure declared on {bare} stands for no overload now that the name has several: "
            f"declare {name} with its own exposed_to."
            if by_name_only and spec.exposed_to
            else ""
        ),
    )
