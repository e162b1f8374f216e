"""Optional parts of the auditor, installed as extras (`pip install '.[storage-api]'`), and the
message a person gets when a feature needs one that is not installed.

The base install stays small: the Storage API client (supabase, with some 40 packages) and the
demo's embedded PostgreSQL are only needed by the people who use them.
"""

from __future__ import annotations

import importlib.util
from importlib import metadata

from auditor.errors import UsageError

DISTRIBUTION = "supabase-inventory-auditor"


def require(module: str, extra: str, feature: str) -> None:
    """Raise a UsageError (exit 2) naming the extra to install when `module` cannot be imported.

    Finds the module without importing it, so a check costs next to nothing.
    """
    if importlib.util.find_spec(module) is None:
        raise UsageError(f"{feature} needs the auditor's {extra} extra, not installed here. {install_hint(extra)}")


def install_hint(extra: str) -> str:
    """How to install an extra, from a clone of the auditor or into any environment that runs it."""
    hint = f"Install it with pip install '.[{extra}]' in a clone of the auditor"
    requirements = _requirements(extra)
    if requirements:
        hint += f", or with pip install {' '.join(repr(r) for r in requirements)} in the environment that runs it"
    return hint + "."


def _requirements(extra: str) -> list[str]:
    """The extra's requirements as the installed package declares them (none if it is not installed)."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return []
    marker = f"extra == {extra!r}"
    return [r.split(";", 1)[0].strip() for r in declared if r.partition(";")[2].strip() == marker]
