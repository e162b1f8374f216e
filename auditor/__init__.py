"""Inventory drift auditor for Supabase (PostgreSQL) projects.

Library use::

    from auditor import audit
    report = audit("inventory.yaml", environment="prod")
    print(report.counts)
"""

__version__ = "0.1.0"


def audit(*args, **kwargs):
    """Run an audit and return its Report; see `auditor.api.audit`. Imported lazily."""
    from auditor.api import audit as _audit

    return _audit(*args, **kwargs)


__all__ = ["__version__", "audit"]
