"""Every drift rule in one registry: a stable code (people grep, ignore and count them), a
severity, the kind of object and a hint that says how to resolve the drift.
"""

from __future__ import annotations

from auditor.docs.rules import DOC_RULES
from auditor.model import (
    Finding,
    Rule,
    Severity,
)

SECURITY = ("security",)

RULES = {
    rule.code: rule
    for rule in (
        Rule(
            "table-missing",
            Severity.ERROR,
            "table",
            "Create the table with a migration, or remove it from inventory.yaml if it was dropped on purpose.",
        ),
        Rule(
            "table-undeclared",
            Severity.WARNING,
            "table",
            "Declare the table in inventory.yaml (auditor snapshot can write the entry), or drop it.",
        ),
        Rule(
            "rls-disabled",
            Severity.ERROR,
            "table",
            "Enable row level security (alter table ... enable row level security) and add policies; "
            "or, for a table the API roles cannot read, set rls: false in inventory.yaml.",
            SECURITY,
        ),
        Rule(
            "rls-policies-ignored",
            Severity.ERROR,
            "table",
            "Policies do nothing while row level security is off: enable it on the table.",
            SECURITY,
        ),
        Rule(
            "table-exposed",
            Severity.ERROR,
            "table",
            "Anyone with the project's anon key can read every row: enable row level security with "
            "policies, or revoke select on the table from anon and authenticated.",
            SECURITY,
        ),
        Rule(
            "rls-no-policy",
            Severity.WARNING,
            "table",
            "With row level security on and no policy, API reads silently return no rows: add a policy, "
            "or revoke the API roles' access if only the server uses the table.",
            SECURITY,
        ),
        Rule(
            "rls-enabled",
            Severity.WARNING,
            "table",
            "Row level security is on, which is safer: remove rls: false from the table in inventory.yaml.",
        ),
        Rule(
            "column-count",
            Severity.ERROR,
            "table",
            "Update the column count in inventory.yaml if the migration was intended.",
        ),
        Rule(
            "column-missing",
            Severity.ERROR,
            "column",
            "Add the column with a migration, or remove it from the table's columns in inventory.yaml.",
        ),
        Rule(
            "column-unexpected",
            Severity.WARNING,
            "column",
            "Add the column to the table's columns in inventory.yaml, or drop it.",
        ),
        Rule(
            "column-type",
            Severity.ERROR,
            "column",
            "Alter the column's type, or correct the type in inventory.yaml.",
        ),
        Rule(
            "bucket-missing",
            Severity.ERROR,
            "bucket",
            "Create the bucket (dashboard or migration), or remove it from inventory.yaml.",
        ),
        Rule(
            "bucket-undeclared",
            Severity.WARNING,
            "bucket",
            "Declare the bucket in inventory.yaml with its visibility and limits, or delete it.",
        ),
        Rule(
            "bucket-visibility",
            Severity.ERROR,
            "bucket",
            "A private bucket made public exposes every file in it: revert it, or update inventory.yaml.",
        ),
        Rule(
            "bucket-listable",
            Severity.WARNING,
            "bucket",
            "A public bucket serves files by URL without any policy; a SELECT policy on storage.objects "
            "also lets clients list every file: limit it to the user's own folder (auth.uid()) or drop it.",
            SECURITY,
        ),
        Rule(
            "bucket-size-limit",
            Severity.ERROR,
            "bucket",
            "Set file_size_limit on the bucket back, or update file_size_limit in inventory.yaml.",
        ),
        Rule(
            "bucket-mime-types",
            Severity.WARNING,
            "bucket",
            "Align the bucket's allowed MIME types with allowed_mime_types in inventory.yaml.",
        ),
        Rule(
            "bucket-legacy-in-use",
            Severity.WARNING,
            "bucket",
            "A legacy bucket still holds objects: migrate or delete them, or mark the bucket active.",
        ),
        Rule(
            "bucket-source-mismatch",
            Severity.ERROR,
            "bucket",
            "The database and the Storage API should describe one project: check the environment's "
            "database_url and supabase_url point at the same one.",
        ),
        Rule(
            "bucket-api-key",
            Severity.WARNING,
            "bucket",
            "Give the environment the service_role key (or an sb_secret_ key): other keys see only the "
            "buckets row level security shows them, usually none.",
        ),
        *DOC_RULES,
    )
}


def finding(code: str, name: str, expected: object, actual: object, message: str) -> Finding:
    rule = RULES[code]
    return Finding(code, rule.severity, rule.kind, name, expected, actual, message, rule.hint, rule.tags)
