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


def _inventory_rules(kind: str, section: str, how: str, used: str, served: str, note: str = "") -> tuple[Rule, Rule]:
    """<kind>-missing and <kind>-undeclared of a kind the inventory lists by name (`section`).

    `how`: the statements that create and drop one; `used`: what fails without one; `served`: what
    the Data API does with one in an exposed schema; `note`: how a declaration names one."""
    code = kind_named(kind).code
    title = kind[0].upper() + kind[1:]
    checked = f"checked when the file has a `{section}` section"
    return (
        Rule(
            f"{code}-missing",
            Severity.ERROR,
            kind,
            f"{title}s are created by migrations ({how}): create it, or remove it from {section} in inventory.yaml.",
            catches=f"A {kind} declared under `{section}` in inventory.yaml that is not in the database ({checked})."
            + (f" {note}" if note else ""),
            why=f"{used}. Usually a migration did not run in this environment, or the {kind} was dropped on "
            "purpose and is still listed.",
            accept=f"If it was dropped on purpose, `auditor accept {code}-missing NAME` removes its entry. "
            "`auditor snapshot --update` marks the entry with a `# gone from ENV on DATE` line instead, and "
            "removes it with `--prune`.",
        ),
        Rule(
            f"{code}-undeclared",
            Severity.WARNING,
            kind,
            f"Declare it under {section} in inventory.yaml (auditor snapshot --update writes the entry), or drop it.",
            catches=f"A {kind} in an audited schema (`schemas`) that `{section}` does not declare ({checked}: "
            f"`{section}: {{}}` declares there are none).",
            why=f"Nobody reviewed it: it is in no document, and in an exposed schema the Data API {served}.",
            accept=f"`auditor accept {code}-undeclared NAME` adds its entry, and so does `auditor snapshot "
            f"--update`. For one your team does not own, list its name or a pattern under `ignore: {section}:` "
            "with a reason instead.",
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
            catches="A table declared under `tables` in inventory.yaml that is not in the database. Names are "
            "case-sensitive: the message names a table that differs only by case.",
            why="Queries, the app's API calls and the pages that document the table fail or mislead. Usually a "
            "migration did not run in this environment, or the table was dropped on purpose and is still listed.",
            accept="If it was dropped on purpose, `auditor accept table-missing TABLE` removes its entry. "
            "`auditor snapshot --update` marks the entry with a `# gone from ENV on DATE` line instead, and "
            "removes it with `--prune`.",
        ),
        Rule(
            "table-undeclared",
            Severity.WARNING,
            "table",
            "Declare the table in inventory.yaml (auditor snapshot can write the entry), or drop it.",
            catches="A table in an audited schema (`schemas`, default public) that inventory.yaml does not "
            "declare. Partitions count as their parent table.",
            why="Nobody reviewed it: its columns are not tracked, it is in no document, and in an exposed schema "
            "the Data API serves it to every role with a grant on it (Supabase grants anon and authenticated "
            "access to new tables in public by default).",
            accept="`auditor accept table-undeclared TABLE` adds its entry, and so does `auditor snapshot "
            "--update`. For a table your team does not own (migration bookkeeping, an extension's), list its "
            "name or a pattern under `ignore: tables:` with a reason instead.",
        ),
        Rule(
            "rls-disabled",
            Severity.ERROR,
            "table",
            "Enable row level security (alter table ... enable row level security) and add policies; "
            "or, for a table the API roles cannot read, set rls: false in inventory.yaml.",
            SECURITY,
            catches="A declared table that should have row level security on (`rls: true`, implied in an exposed "
            "schema) and has it off, with no policy.",
            why="The inventory says row level security protects the table, and nothing does: every role with a "
            "grant on it reads and writes every row, through the Data API for anon and authenticated.",
            linter="0013 rls_disabled_in_public",
            accept="`auditor accept rls-disabled TABLE` writes `rls: false` on the table; if anon or "
            "authenticated can read it, the next audit reports `table-exposed`, which is accepted in turn with "
            "`exposed_to` and a `reason`. `auditor snapshot --update` never does either.",
        ),
        Rule(
            "rls-policies-ignored",
            Severity.ERROR,
            "table",
            "Policies do nothing while row level security is off: enable it on the table.",
            SECURITY,
            catches="A table with policies whose row level security is off, so none of them applies (in any "
            "audited schema).",
            why="The policies look like protection in the dashboard and in review, but PostgreSQL applies none of "
            "them while row level security is off: every role with a grant on the table reads and writes every "
            "row.",
            linter="0007 policy_exists_rls_disabled",
            accept="By hand (`auditor accept` has no edit for it): `rls: false` and a `reason` on the table's "
            "entry, with `exposed_to` listing the roles that can read it, if any. `auditor snapshot "
            "--update` never writes it.",
        ),
        Rule(
            "table-exposed",
            Severity.ERROR,
            "table",
            "Anyone with the project's anon key can read every row: enable row level security with "
            "policies, or revoke select on the table from anon and authenticated.",
            SECURITY,
            catches="A table of an exposed schema with row level security off that anon or authenticated can read; "
            "also a partition with it off under a parent with it on, which the Data API serves past the parent's "
            "policies.",
            why="The anon key ships in every client app, so this is the same as publishing the table: anyone can "
            "read every row at /rest/v1/TABLE, and write them too where the grants allow it.",
            linter="0013 rls_disabled_in_public",
            accept="`auditor accept table-exposed TABLE --reason TEXT` writes `rls: false`, `exposed_to` with the "
            "roles that can read it and the `reason` on the table (adding its entry if it has none). `auditor "
            "snapshot --update` never does.",
        ),
        Rule(
            "rls-no-policy",
            Severity.WARNING,
            "table",
            "With row level security on and no policy, API reads silently return no rows: add a policy, "
            "or revoke the API roles' access if only the server uses the table.",
            SECURITY,
            catches="A table the API roles can read with row level security on and no policy: reads return nothing.",
            why="Row level security without a policy denies every row to anon and authenticated: reads return an "
            "empty list and updates change nothing, with no error, and inserts are refused. Right for a table only "
            "the server reads with the service key; a bug for one the app reads.",
            linter="0008 rls_enabled_no_policy",
            accept="`auditor accept rls-no-policy TABLE --reason TEXT` writes `rls: deny-all` and the `reason` on "
            "the table. `auditor snapshot --update` never does.",
        ),
        Rule(
            "rls-enabled",
            Severity.WARNING,
            "table",
            "Row level security is on, which is safer: remove rls: false from the table in inventory.yaml.",
            catches="A table declared with `rls: false` whose row level security is on.",
            why="The inventory is out of date in the safe direction: whoever reads it believes the table is open "
            "to every role with a grant, and decisions about it (an `exposed_to`, a new grant) are taken on "
            "wrong facts.",
            accept="`auditor accept rls-enabled TABLE` writes `rls: true`. `auditor snapshot --update` never does: "
            "whether row level security stays on is a person's decision.",
        ),
        Rule(
            "column-count",
            Severity.ERROR,
            "table",
            f"{COLUMN_COUNT_HINT} {WITHOUT_BASELINE}",
            catches="A declared table whose number of columns differs from its `columns: N` count in "
            "inventory.yaml (dropped columns are not counted).",
            why="A column was added or dropped, by a migration or in the dashboard: code, generated types and "
            "documents written against the old shape no longer match the table.",
            accept="`auditor accept column-count TABLE` writes the live count, and so does `auditor snapshot "
            "--update`.",
        ),
        Rule(
            "column-missing",
            Severity.ERROR,
            "column",
            "Add the column with a migration, or remove it from the table's columns in inventory.yaml.",
            catches="A column listed in a table's `columns` in inventory.yaml that the table does not have "
            "(checked when the entry lists its columns by name).",
            why="Queries, inserts and generated types that use the column fail. Usually a migration dropped or "
            "renamed it, or the one that adds it did not run here.",
            accept="If it was dropped on purpose, `auditor accept column-missing TABLE.COLUMN` removes it from "
            "the list. `auditor snapshot --update` marks it with a `# gone from ENV on DATE` line instead, and "
            "removes it with `--prune`.",
        ),
        Rule(
            "column-unexpected",
            Severity.WARNING,
            "column",
            "Add the column to the table's columns in inventory.yaml, or drop it.",
            catches="A column of a declared table that the table's `columns` list in inventory.yaml leaves out "
            "(checked when the entry lists its columns by name).",
            why="Nobody reviewed it: a column added in the dashboard or by an unreviewed migration may hold data "
            "that row level security and the documents do not account for.",
            accept="`auditor accept column-unexpected TABLE.COLUMN` adds it with its type to the list, and so "
            "does `auditor snapshot --update`.",
        ),
        Rule(
            "column-type",
            Severity.ERROR,
            "column",
            "Alter the column's type, or correct the type in inventory.yaml.",
            catches="A column whose type differs from the type declared for it in inventory.yaml. Spellings of one "
            "type are the same type (`timestamptz` and `timestamp with time zone`, `int` and `integer`).",
            why="Clients, generated types (`supabase gen types`) and documents written against the old type break, "
            "or convert values silently.",
            accept="`auditor accept column-type TABLE.COLUMN` writes the live type, and so does `auditor snapshot "
            "--update`.",
        ),
        Rule(
            "bucket-missing",
            Severity.ERROR,
            "bucket",
            "Create the bucket (dashboard or migration), or remove it from inventory.yaml.",
            catches="A bucket declared under `buckets` in inventory.yaml that does not exist.",
            why="Uploads and downloads in it fail. Usually it was created by hand in one project's dashboard and "
            "never in this one, or it was deleted on purpose and is still listed.",
            accept="If it was deleted on purpose, `auditor accept bucket-missing BUCKET` removes its entry. "
            "`auditor snapshot --update` marks the entry with a `# gone from ENV on DATE` line instead, and "
            "removes it with `--prune`.",
        ),
        Rule(
            "bucket-undeclared",
            Severity.WARNING,
            "bucket",
            "Declare the bucket in inventory.yaml with its visibility and limits, or delete it.",
            catches="A storage bucket that inventory.yaml does not declare.",
            why="Nobody reviewed its settings: whether it is public (every file readable by URL), how large a "
            "file it takes, which types.",
            accept="`auditor accept bucket-undeclared BUCKET` adds its entry with its visibility and limits, and so "
            "does `auditor snapshot --update`. For one your team does not own, list it under `ignore: buckets:` "
            "with a reason instead.",
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
            why="A public bucket serves every file by its URL to anyone, without asking any policy: made public "
            "by mistake, it leaks every file in it. Made private, the public URLs the app hands out stop working.",
            accept="`auditor accept bucket-visibility BUCKET` writes the live `public:` value; a `reason` added "
            "to a public bucket's entry is shown in the report's security section. `auditor snapshot --update` "
            "never does.",
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
            why="Serving a public bucket's files needs no policy; the policy only adds the power to list them, "
            "so anyone can enumerate every file name, and fetch files whose URLs were never shared.",
            linter="0025 public_bucket_allows_listing",
            accept="By hand (`auditor accept` has no edit for it): `exposed_to` with the roles that can list it "
            "and a `reason` on the bucket's entry. `auditor snapshot --update` never writes it.",
        ),
        Rule(
            "bucket-size-limit",
            Severity.ERROR,
            "bucket",
            "Set file_size_limit on the bucket back, or update file_size_limit in inventory.yaml.",
            catches="A bucket whose `file_size_limit` differs from the one its entry declares.",
            why="The limit is the largest upload the bucket takes: raised, users can fill storage (and the bill) "
            "with large files; lowered, uploads the app allows start to fail.",
            accept="`auditor accept bucket-size-limit BUCKET` writes the live limit, and so does `auditor "
            "snapshot --update`.",
        ),
        Rule(
            "bucket-mime-types",
            Severity.WARNING,
            "bucket",
            "Align the bucket's allowed MIME types with allowed_mime_types in inventory.yaml.",
            catches="A bucket whose `allowed_mime_types` differ from the ones its entry declares (none and an empty "
            "list both allow any type).",
            why="The list decides which files the bucket takes: widened, it accepts types the app never expects "
            "(HTML or SVG served from the project's storage URL); narrowed, uploads the app allows fail.",
            accept="`auditor accept bucket-mime-types BUCKET` writes the live list, and so does `auditor snapshot "
            "--update`.",
        ),
        Rule(
            "bucket-legacy-in-use",
            Severity.WARNING,
            "bucket",
            "A legacy bucket still holds objects: migrate or delete them, or mark the bucket active.",
            catches="A bucket declared `status: legacy` that still holds objects (needs the object counts of "
            "storage.objects, which the Storage API alone does not give).",
            why="A legacy bucket is one being retired: files still in it are still served and still billed, and "
            "something may still be writing them.",
            accept="`auditor accept bucket-legacy-in-use BUCKET` writes `status: active`. `auditor snapshot "
            "--update` never does: whether the bucket is back in use is a person's decision.",
        ),
        Rule(
            "bucket-source-mismatch",
            Severity.ERROR,
            "bucket",
            "The database and the Storage API should describe one project: check the environment's "
            "database_url and supabase_url point at the same one.",
            catches="With both bucket sources, storage.buckets and the Storage API's listing disagree about a "
            "bucket: whether it exists, its visibility, size limit or MIME types.",
            why="They are two views of one project, so they differ when the environment's URLs point at two "
            "projects (staging's database, prod's API): the audit then compares against data that is not the "
            "environment's.",
            accept="It cannot be accepted: correct the environment's `database_url` or `supabase_url`.",
        ),
        Rule(
            "bucket-api-key",
            Severity.WARNING,
            "bucket",
            "Give the environment the service_role key (or an sb_secret_ key): other keys see only the "
            "buckets row level security shows them, usually none.",
            catches="The Storage API was asked with a key that cannot see every bucket (the anon key, a "
            "publishable key, or a key of unknown role that listed none); its listing was not used.",
            why="Row level security hides buckets from such keys without an error, so their listing would make "
            "every bucket look missing: the bucket checks are made without it.",
            accept="It cannot be accepted: give the environment a service key, or audit buckets through SQL alone.",
        ),
        *_inventory_rules(
            "view",
            "views",
            "create view / drop view",
            "Queries of the view, and the pages and reports built on it, fail",
            "serves it to every role that may select it",
        ),
        *_inventory_rules(
            "materialized view",
            "materialized_views",
            "create materialized view / drop materialized view",
            "Queries of the materialized view, and its refresh jobs, fail",
            "serves it, without row level security, to every role that may select it",
        ),
        *_inventory_rules(
            "foreign table",
            "foreign_tables",
            "create foreign table / drop foreign table",
            "Queries of the foreign table fail",
            "serves it, without row level security, to every role that may select it",
        ),
        *_inventory_rules(
            "function",
            "functions",
            "create function / drop function",
            "Calls to it (`supabase.rpc(...)`, other functions) fail",
            "lets every role that may execute it call it (PostgreSQL grants execute to PUBLIC unless revoked)",
            note="A function declared by name stands for all its overloads; `name(arguments)` for one.",
        ),
        Rule(
            "policy-missing",
            Severity.ERROR,
            "policy",
            "Create the policy with a migration, or remove it from the table's policies in inventory.yaml.",
            catches="A policy declared under a table's `policies` (or under `storage_policies`) that is not on the "
            "table (or on storage.objects).",
            why="The access it gave or restricted is gone: users lose rows the app relies on, or, where a "
            "restrictive policy is gone, reach rows they should not.",
            accept="If it was dropped on purpose, `auditor accept policy-missing TABLE/POLICY` removes its entry. "
            "`auditor snapshot --update` marks the entry with a `# gone from ENV on DATE` line instead, and "
            "removes it with `--prune`.",
        ),
        Rule(
            "policy-undeclared",
            Severity.WARNING,
            "policy",
            "Declare the policy under its table's policies in inventory.yaml (auditor snapshot --update "
            "writes it), or drop it.",
            catches="A policy on a table whose entry lists its `policies` (or on storage.objects, when the file "
            "has `storage_policies`) that the inventory does not list.",
            why="Policies decide which rows each role reads and writes: one added in the dashboard and never "
            "reviewed can open rows to every signed-in user, or to everyone.",
            accept="`auditor accept policy-undeclared TABLE/POLICY` adds it with its command and roles, and so "
            "does `auditor snapshot --update`.",
        ),
        Rule(
            "policy-changed",
            Severity.ERROR,
            "policy",
            "The policy's command, roles or expression differ from inventory.yaml: revert the policy, or "
            "update its entry if the change was meant.",
            catches="A declared policy whose command, roles or restrictive flag differ, or whose `using` or "
            "`check` expression differs where the entry declares one (as PostgreSQL prints it, white space "
            "aside).",
            why="A policy whose roles widen from authenticated to public, or whose expression loses its "
            "`auth.uid()` check, opens rows without any error: the change is invisible until it is read.",
            accept="`auditor accept policy-changed TABLE/POLICY` writes the live policy into its entry. `auditor "
            "snapshot --update` never does: whether a policy is as intended is a person's decision.",
        ),
        Rule(
            "function-definer-anon",
            Severity.ERROR,
            "function",
            "Anyone with the anon key can call it at /rest/v1/rpc/<name> with its owner's rights: revoke "
            "execute from anon (and public), make it SECURITY INVOKER, or move it out of the exposed schema.",
            SECURITY,
            catches="A SECURITY DEFINER function of an exposed schema that anon can execute.",
            why="It runs with its owner's rights (usually postgres, which owns the tables, so row level security "
            "does not apply to it), and the anon key ships in every client: anyone can call it with any "
            "arguments.",
            linter="0028 anon_security_definer_function_executable",
            accept="`auditor accept function-definer-anon FUNCTION --reason TEXT` writes `exposed_to` with the "
            "roles that can call it and the `reason` on the function. `auditor snapshot --update` never does.",
        ),
        Rule(
            "function-definer-authenticated",
            Severity.WARNING,
            "function",
            "Any signed-in user can call it at /rest/v1/rpc/<name> with its owner's rights: revoke execute "
            "from authenticated, make it SECURITY INVOKER, or move it out of the exposed schema.",
            SECURITY,
            catches="A SECURITY DEFINER function of an exposed schema that authenticated (not anon) can execute.",
            why="It runs with its owner's rights (usually postgres, so row level security does not apply to it) "
            "for any signed-in user, and on most projects anyone can sign up.",
            linter="0029 authenticated_security_definer_function_executable",
            accept="`auditor accept function-definer-authenticated FUNCTION --reason TEXT` writes `exposed_to: "
            "[authenticated]` and the `reason` on the function. `auditor snapshot --update` never does.",
        ),
        Rule(
            "view-security-definer",
            Severity.ERROR,
            "view",
            "The view runs with its owner's rights, so it bypasses the row level security of what it reads: "
            "alter view ... set (security_invoker = on), or revoke select from anon and authenticated.",
            SECURITY,
            catches="A view of an exposed schema without security_invoker that anon or authenticated can read "
            "(checked on PostgreSQL 15 and later).",
            why="A view reads its tables with its owner's rights: the row level security of those tables is "
            "checked for the owner (usually postgres, which owns them and is not subject to it), so the API "
            "roles read every row the view selects, whatever the policies say.",
            linter="0010 security_definer_view",
            accept="`auditor accept view-security-definer VIEW --reason TEXT` writes `exposed_to` with the roles "
            "that can read it and the `reason` on the view. `auditor snapshot --update` never does.",
        ),
        Rule(
            "matview-exposed",
            Severity.WARNING,
            "materialized view",
            "A materialized view has no row level security: revoke select from anon and authenticated, or "
            "move it out of the exposed schema.",
            SECURITY,
            catches="A materialized view of an exposed schema that anon or authenticated can read.",
            why="A materialized view is a stored copy of its query's rows with no row level security: whoever can "
            "select it reads every row, whatever the policies of the tables it was built from.",
            linter="0016 materialized_view_in_api",
            accept="`auditor accept matview-exposed MATVIEW --reason TEXT` writes `exposed_to` with the roles "
            "that can read it and the `reason` on the materialized view. `auditor snapshot --update` never does.",
        ),
        Rule(
            "foreign-table-exposed",
            Severity.WARNING,
            "foreign table",
            "A foreign table has no row level security: revoke select from anon and authenticated, or move "
            "it out of the exposed schema.",
            SECURITY,
            catches="A foreign table of an exposed schema that anon or authenticated can read.",
            why="A foreign table has no row level security: whoever can select it reads every row the remote "
            "source returns to the wrapper's credentials.",
            linter="0017 foreign_table_in_api",
            accept="`auditor accept foreign-table-exposed TABLE --reason TEXT` writes `exposed_to` with the "
            "roles that can read it and the `reason` on the foreign table. `auditor snapshot --update` never "
            "does.",
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
            why="auth.users holds every user's email, phone and metadata: a view over it that the API roles can "
            "read publishes them to anyone with the anon key (or any signed-in user).",
            linter="0002 auth_users_exposed",
            accept="`auditor accept auth-users-exposed VIEW --reason TEXT` writes `exposed_to` with the roles "
            "that can read it and the `reason` on the view (or materialized view). `auditor snapshot --update` "
            "never does.",
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
            why="The policy's expression is the row filter: always true, every role it names may change or "
            "delete any row (or insert anything) for that command, and row level security protects nothing.",
            linter="0024 rls_policy_always_true",
            accept="With the policy declared under its table's `policies` (`auditor accept policy-undeclared "
            "TABLE/POLICY` adds it), `auditor accept policy-always-true TABLE/POLICY --reason TEXT` writes its "
            "`reason`. `auditor snapshot --update` never does.",
        ),
        Rule(
            "exposure-unused",
            Severity.INFO,
            "table",
            "Nothing is exposed any more: remove exposed_to and reason from the entry.",
            catches="An `exposed_to` declaration (on a table, view, materialized view, foreign table, function or "
            "bucket) that nothing needs any more: the API roles no longer reach the object that way.",
            why="A stale acceptance is a blank cheque: if the object is exposed again later (a migration that "
            "grants select again), the audit accepts it silently under the old reason.",
            accept="`auditor accept exposure-unused OBJECT` removes `exposed_to` and `reason` from the entry, and "
            "so does `auditor snapshot --update`.",
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
    return RULES[code].finding(name, expected, actual, message, kind=kind, about=about)
