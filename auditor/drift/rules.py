"""Every drift rule in one registry: a stable code (people grep, ignore and count them), a
severity, the kind of object and a hint that says how to resolve the drift.
"""

from __future__ import annotations

from auditor.docs.rules import DOC_RULES
from auditor.model import (
    Finding,
    Rule,
    Severity,
    kind_named,
)

SECURITY = ("security",)

COLUMN_COUNT_HINT = "Update the column count in inventory.yaml if the migration was intended."
WITHOUT_BASELINE = (
    "Which columns came and went is not known without --baseline (an earlier JSON report of this environment)."
)
"""Said by the column-count hint until a baseline names the columns (auditor.baseline)."""


def _inventory_rules(kind: str, title: str, section: str, how: str) -> tuple[Rule, Rule]:
    """<kind>-missing and <kind>-undeclared of a kind the inventory lists by name."""
    code = kind_named(kind).code
    return (
        Rule(
            f"{code}-missing",
            Severity.ERROR,
            kind,
            f"{title}s are created by migrations ({how}): create it, or remove it from {section} in inventory.yaml.",
        ),
        Rule(
            f"{code}-undeclared",
            Severity.WARNING,
            kind,
            f"Declare it under {section} in inventory.yaml (auditor snapshot --update writes the entry), or drop it.",
        ),
    )


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
            catches="A declared table (rls expected on) whose row level security is off.",
            linter="0013 rls_disabled_in_public",
            accept="`rls: false` on the table (and `exposed_to` with a `reason` if the API roles can read it)",
        ),
        Rule(
            "rls-policies-ignored",
            Severity.ERROR,
            "table",
            "Policies do nothing while row level security is off: enable it on the table.",
            SECURITY,
            catches="A table with policies whose row level security is off, so none of them applies.",
            linter="0007 policy_exists_rls_disabled",
            accept="`rls: false` and a `reason` on the table (with `exposed_to` if the API roles can read it)",
        ),
        Rule(
            "table-exposed",
            Severity.ERROR,
            "table",
            "Anyone with the project's anon key can read every row: enable row level security with "
            "policies, or revoke select on the table from anon and authenticated.",
            SECURITY,
            catches="A table of an exposed schema with row level security off that anon or authenticated can read.",
            linter="0013 rls_disabled_in_public",
            accept="`rls: false`, `exposed_to: [anon, authenticated]` and a `reason` on the table",
        ),
        Rule(
            "rls-no-policy",
            Severity.WARNING,
            "table",
            "With row level security on and no policy, API reads silently return no rows: add a policy, "
            "or revoke the API roles' access if only the server uses the table.",
            SECURITY,
            catches="A table the API roles can read with row level security on and no policy: reads return nothing.",
            linter="0008 rls_enabled_no_policy",
            accept="`rls: deny-all` and a `reason` on the table",
        ),
        Rule(
            "rls-enabled",
            Severity.WARNING,
            "table",
            "Row level security is on, which is safer: remove rls: false from the table in inventory.yaml.",
        ),
        Rule("column-count", Severity.ERROR, "table", f"{COLUMN_COUNT_HINT} {WITHOUT_BASELINE}"),
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
            "A private bucket made public exposes every file in it: revert it, or update inventory.yaml "
            "(auditor accept, never snapshot --update).",
            SECURITY,
            catches="A bucket whose visibility differs from the inventory: a private one made public serves every "
            "file to anyone with its URL.",
            accept="`public: true` on the bucket (its `reason`, if any, is shown in the report)",
        ),
        Rule(
            "bucket-listable",
            Severity.WARNING,
            "bucket",
            "A public bucket serves files by URL without any policy; a SELECT policy on storage.objects "
            "also lets clients list every file: limit it to the user's own folder (auth.uid()) or drop it.",
            SECURITY,
            catches="A public bucket whose files anon or authenticated can list through a broad SELECT policy on "
            "storage.objects.",
            linter="0025 public_bucket_allows_listing",
            accept="`exposed_to: [anon, authenticated]` and a `reason` on the bucket",
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
        *_inventory_rules("view", "View", "views", "create view / drop view"),
        *_inventory_rules("materialized view", "Materialized view", "materialized_views", "a migration"),
        *_inventory_rules("foreign table", "Foreign table", "foreign_tables", "a migration"),
        *_inventory_rules("function", "Function", "functions", "create function / drop function"),
        Rule(
            "policy-missing",
            Severity.ERROR,
            "policy",
            "Create the policy with a migration, or remove it from the table's policies in inventory.yaml.",
        ),
        Rule(
            "policy-undeclared",
            Severity.WARNING,
            "policy",
            "Declare the policy under its table's policies in inventory.yaml (auditor snapshot --update "
            "writes it), or drop it.",
        ),
        Rule(
            "policy-changed",
            Severity.ERROR,
            "policy",
            "The policy's command, roles or expression differ from inventory.yaml: revert the policy, or "
            "update its entry if the change was meant.",
        ),
        Rule(
            "function-definer-anon",
            Severity.ERROR,
            "function",
            "Anyone with the anon key can call it at /rest/v1/rpc/<name> with its owner's rights: revoke "
            "execute from anon (and public), make it SECURITY INVOKER, or move it out of the exposed schema.",
            SECURITY,
            catches="A SECURITY DEFINER function of an exposed schema that anon can execute.",
            linter="0028 anon_security_definer_function_executable",
            accept="`exposed_to: [anon, authenticated]` and a `reason` on the function",
        ),
        Rule(
            "function-definer-authenticated",
            Severity.WARNING,
            "function",
            "Any signed-in user can call it at /rest/v1/rpc/<name> with its owner's rights: revoke execute "
            "from authenticated, make it SECURITY INVOKER, or move it out of the exposed schema.",
            SECURITY,
            catches="A SECURITY DEFINER function of an exposed schema that authenticated (not anon) can execute.",
            linter="0029 authenticated_security_definer_function_executable",
            accept="`exposed_to: [authenticated]` and a `reason` on the function",
        ),
        Rule(
            "view-security-definer",
            Severity.ERROR,
            "view",
            "The view runs with its owner's rights, so it bypasses the row level security of what it reads: "
            "alter view ... set (security_invoker = on), or revoke select from anon and authenticated.",
            SECURITY,
            catches="A view of an exposed schema without security_invoker that anon or authenticated can read.",
            linter="0010 security_definer_view",
            accept="`exposed_to: [anon, authenticated]` and a `reason` on the view",
        ),
        Rule(
            "matview-exposed",
            Severity.WARNING,
            "materialized view",
            "A materialized view has no row level security: revoke select from anon and authenticated, or "
            "move it out of the exposed schema.",
            SECURITY,
            catches="A materialized view of an exposed schema that anon or authenticated can read.",
            linter="0016 materialized_view_in_api",
            accept="`exposed_to: [anon, authenticated]` and a `reason` on the materialized view",
        ),
        Rule(
            "foreign-table-exposed",
            Severity.WARNING,
            "foreign table",
            "A foreign table has no row level security: revoke select from anon and authenticated, or move "
            "it out of the exposed schema.",
            SECURITY,
            catches="A foreign table of an exposed schema that anon or authenticated can read.",
            linter="0017 foreign_table_in_api",
            accept="`exposed_to: [anon, authenticated]` and a `reason` on the foreign table",
        ),
        Rule(
            "auth-users-exposed",
            Severity.ERROR,
            "view",
            "The API roles can read auth.users (emails, phones, metadata) through it: revoke select from anon "
            "and authenticated, or make it a security_invoker view over a table of your own.",
            SECURITY,
            catches="A view or materialized view of an exposed schema over auth.users that anon or authenticated "
            "can read without auth.users' row level security applying.",
            linter="0002 auth_users_exposed",
            accept="`exposed_to` and a `reason` on the view",
        ),
        Rule(
            "policy-always-true",
            Severity.WARNING,
            "policy",
            "A permissive policy whose expression is always true lets the API roles write every row: give it "
            "a real condition (auth.uid() = user_id), or drop it.",
            SECURITY,
            catches="A permissive policy for anon, authenticated or public whose USING (update, delete, all) or "
            "WITH CHECK (insert, update, all) is always true, on a table with row level security on.",
            linter="0024 rls_policy_always_true",
            accept="the policy declared under its table's `policies` with a `reason`",
        ),
        Rule(
            "exposure-unused",
            Severity.INFO,
            "table",
            "Nothing is exposed any more: remove exposed_to and reason (or rls: deny-all) from the entry.",
        ),
        *DOC_RULES,
    )
}


def finding(
    code: str,
    name: str,
    expected: object,
    actual: object,
    message: str,
    *,
    kind: str | None = None,
    about: str | None = None,
) -> Finding:
    """A finding of rule `code`; `kind` when the rule covers objects of several kinds, `about` the
    table (or bucket) a finding on a part of it is about."""
    rule = RULES[code]
    return Finding(
        code, rule.severity, kind or rule.kind, name, expected, actual, message, rule.hint, rule.tags, about=about
    )
