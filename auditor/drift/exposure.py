"""Exposures: what the API roles can reach that the platform's linter questions. One the inventory
declares (`exposed_to` with a `reason`) is accepted and listed in the report's security section;
any other is a finding."""

from __future__ import annotations

from auditor.drift.rules import finding
from auditor.model import AcceptedExposure, Finding

Outcome = Finding | AcceptedExposure
"""What a security check concludes about one object: drift, or an exposure declared on purpose."""


def judge(
    rule: str,
    kind: str,
    name: str,
    roles: tuple[str, ...],
    declared: tuple[str, ...],
    reason: str,
    *,
    exposure: str,
    message: str,
) -> Outcome:
    """The finding of `rule`, unless the inventory declares every role in `roles` (then accepted).

    `exposure` says what is exposed ("SECURITY DEFINER, callable by anon"); `message` the finding's
    text. The finding's expected value is the declared roles (None: none), its actual the live ones.
    """
    undeclared = tuple(role for role in roles if role not in declared)
    if not undeclared:
        return AcceptedExposure(kind, name, exposure, reason)
    if declared:
        message += f" The inventory accepts {', '.join(declared)} only."
    return finding(rule, name, list(declared) or None, list(roles), message, kind=kind)


def unused(kind: str, name: str, declared: str) -> Finding:
    """The inventory accepts an exposure (or deny-all) that is no longer there."""
    return finding(
        "exposure-unused",
        name,
        declared,
        None,
        f"The inventory declares {kind} {name} {declared}, but nothing of the kind is exposed any more.",
        kind=kind,
    )
