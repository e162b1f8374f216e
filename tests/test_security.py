"""Security drift against a real database: real API roles, real grants, real policies.

The OurVidz fixture (platform.sql) creates Supabase's roles anon and authenticated in the test
server's cluster if they are missing (idempotently; roles are cluster-wide and never dropped).
Where a rule claims what a role can read, the claim is checked by reading as that role.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from auditor.api import audit
from auditor.embedded import embedded_server
from auditor.errors import InventoryError
from auditor.inventory import load_inventory
from auditor.model import ObjectsAccess, ObjectsPolicy
from auditor.policies import listers
from tests import pg
from tests.conftest import INVENTORY, run_auditor

SECURITY_RULES = {"rls-disabled", "rls-policies-ignored", "table-exposed", "rls-no-policy", "bucket-listable"}


def findings(url: str, inventory: Path = INVENTORY) -> dict[tuple[str, str], object]:
    """Security-related findings of an audit, by (rule, object name)."""
    report = audit(inventory, db_url=url)
    return {(f.rule, f.name): f for f in report.findings if f.rule in SECURITY_RULES | {"rls-enabled"}}


def count_as(url: str, role: str, query: str) -> int:
    """Rows `query` returns to `role`, as the Data API would run it."""
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        return conn.execute(query).fetchone()[0]


def write_inventory(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(text)
    return path


# --- tables ----------------------------------------------------------------------------


def test_the_fixture_is_secure_as_declared(ourvidz_db: str) -> None:
    assert findings(ourvidz_db) == {}
    assert count_as(ourvidz_db, "anon", "select count(*) from public.profiles") == 0  # RLS hides the rows


def test_rls_disabled_on_a_declared_table_is_an_error(ourvidz_db: str) -> None:
    pg.execute(
        ourvidz_db,
        'drop policy "Users can view their own activity" on public.user_activity_log;'
        "alter table public.user_activity_log disable row level security;"
        "insert into public.user_activity_log (action) values ('login');",
    )
    found = findings(ourvidz_db)
    assert list(found) == [("rls-disabled", "user_activity_log")]
    finding = found[("rls-disabled", "user_activity_log")]
    assert (finding.severity.value, finding.expected, finding.actual) == ("error", True, False)
    assert finding.tags == ("security",)
    assert "Roles anon, authenticated can read every row" in finding.message
    assert count_as(ourvidz_db, "anon", "select count(*) from public.user_activity_log") == 1  # it is true


def test_policies_without_rls_are_an_error(ourvidz_db: str) -> None:
    pg.execute(ourvidz_db, "alter table public.profiles disable row level security;")
    found = findings(ourvidz_db)
    assert list(found) == [("rls-policies-ignored", "profiles")]  # one error, not rls-disabled as well
    assert "has 2 policies but row level security is disabled" in found[("rls-policies-ignored", "profiles")].message
    assert count_as(ourvidz_db, "anon", "select count(*) from public.profiles") == 2  # the policies do nothing


def test_rls_without_a_policy_is_a_warning_while_the_api_can_read_it(ourvidz_db: str) -> None:
    pg.execute(ourvidz_db, 'drop policy "Users can view their own roles" on public.user_roles;')
    found = findings(ourvidz_db)
    assert list(found) == [("rls-no-policy", "user_roles")]
    assert found[("rls-no-policy", "user_roles")].severity.value == "warning"
    assert found[("rls-no-policy", "user_roles")].actual is False
    with psycopg.connect(ourvidz_db) as conn:  # 2 rows, and a signed-in user gets none
        conn.execute("set local role authenticated")
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)", ['{"sub": "3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61"}']
        )
        assert conn.execute("select count(*) from public.user_roles").fetchone()[0] == 0

    pg.execute(ourvidz_db, "revoke all on public.user_roles from anon, authenticated;")
    assert findings(ourvidz_db) == {}  # only the server reads it: deny-all by design


def test_undeclared_readable_table_without_rls_is_an_error(ourvidz_db: str) -> None:
    # Supabase's default privileges give anon and authenticated every new table of public.
    pg.execute(ourvidz_db, "create table public.leads (email text); insert into public.leads values ('a@b.example');")
    report = audit(INVENTORY, db_url=ourvidz_db)
    assert [(f.rule, f.severity.value, f.name, f.tags) for f in report.findings if f.kind == "table"] == [
        ("table-exposed", "error", "leads", ("security",)),
        ("table-undeclared", "warning", "leads", ()),  # the inventory drift is reported as well
    ]
    assert findings(ourvidz_db)[("table-exposed", "leads")].actual == ["anon", "authenticated"]
    assert count_as(ourvidz_db, "anon", "select count(*) from public.leads") == 1

    pg.execute(ourvidz_db, "revoke all on public.leads from anon, authenticated;")
    assert findings(ourvidz_db) == {}  # nobody but the server can read it

    pg.execute(ourvidz_db, "grant select (email) on public.leads to anon;")  # one column is enough
    assert findings(ourvidz_db)[("table-exposed", "leads")].actual == ["anon"]
    assert count_as(ourvidz_db, "anon", "select count(email) from public.leads") == 1

    pg.execute(ourvidz_db, "alter table public.leads enable row level security;")
    assert list(findings(ourvidz_db)) == [("rls-no-policy", "leads")]


def test_declaring_rls_false_does_not_hide_an_exposure(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(
        ourvidz_db,
        "create schema internal;"
        "create table public.countries (code text primary key);"
        "create table public.jobs_archive (id int);"
        "revoke all on public.jobs_archive from anon, authenticated;"
        "alter table public.profiles force row level security;"
        "create table internal.audit_trail (id int);"
        "grant usage on schema internal to anon; grant select on internal.audit_trail to anon;",
    )
    inventory = write_inventory(
        tmp_path,
        "schemas: [public, internal]\n"
        "tables:\n"
        "  countries: {rls: false}\n"
        "  jobs_archive: {rls: false}\n"
        "  profiles: {rls: false}\n"
        "  internal.audit_trail: {}\n",
    )
    loaded = load_inventory(inventory)
    assert [(t.name, t.rls) for t in loaded.tables] == [
        ("countries", False),
        ("jobs_archive", False),
        ("profiles", False),
        ("audit_trail", None),  # not an exposed schema: not checked
    ]
    found = findings(ourvidz_db, inventory)
    assert found[("table-exposed", "countries")].severity.value == "error"
    assert ("table-exposed", "jobs_archive") not in found  # rls: false and no API access: as declared
    assert found[("rls-enabled", "profiles")].actual is True
    assert "row level security enabled (forced)" in found[("rls-enabled", "profiles")].message
    assert found[("rls-enabled", "profiles")].tags == ()  # stale inventory, not a risk
    assert not any(name == "internal.audit_trail" for _, name in found)  # readable, but not served

    exposed = write_inventory(tmp_path, "schemas: [public, internal]\nexposed_schemas: [public, internal]\n")
    assert ("table-exposed", "internal.audit_trail") in findings(ourvidz_db, exposed)


# --- buckets ---------------------------------------------------------------------------


def test_public_bucket_listable_by_anyone_is_a_warning(ourvidz_db: str) -> None:
    pg.execute(
        ourvidz_db,
        'create policy "Anyone can read videos and library" on storage.objects '
        "for select using (bucket_id in ('videos', 'user-library'));",
    )
    found = findings(ourvidz_db)
    assert list(found) == [("bucket-listable", "videos")]  # user-library is private: bucket rules cover it
    finding = found[("bucket-listable", "videos")]
    assert (finding.severity.value, finding.tags) == ("warning", ("security",))
    assert finding.actual == ["anon", "authenticated"]
    assert finding.message == (
        "Public bucket videos: every file can be listed by anyone (role anon) and any signed-in user "
        '(role authenticated) through policy "Anyone can read videos and library".'
    )
    assert count_as(ourvidz_db, "anon", "select count(*) from storage.objects where bucket_id = 'videos'") == 2


def test_listing_limited_to_own_folder_or_signed_in_users(ourvidz_db: str) -> None:
    pg.execute(
        ourvidz_db,
        "create policy own on storage.objects for select to anon, authenticated "
        "using (bucket_id = 'system_assets' and owner_id = (select auth.uid())::text);",
    )
    assert findings(ourvidz_db) == {}
    assert count_as(ourvidz_db, "anon", "select count(*) from storage.objects where bucket_id = 'system_assets'") == 0

    pg.execute(ourvidz_db, "create policy members on storage.objects for select to authenticated using (true);")
    finding = findings(ourvidz_db)[("bucket-listable", "avatars")]
    assert finding.actual == ["authenticated"]  # every bucket: the policy names none
    assert {name for _, name in findings(ourvidz_db)} == {"avatars", "system_assets", "videos"}


def test_storage_objects_without_rls_lists_every_public_bucket(ourvidz_db: str) -> None:
    pg.execute(ourvidz_db, "alter table storage.objects disable row level security;")
    found = findings(ourvidz_db)
    assert sorted(found) == [("bucket-listable", b) for b in ("avatars", "system_assets", "videos")]
    assert "row level security is off on storage.objects" in found[("bucket-listable", "videos")].message
    pg.execute(ourvidz_db, "revoke select on storage.objects from anon, authenticated;")
    assert findings(ourvidz_db) == {}  # no privilege, nothing to list


@pytest.mark.parametrize(
    ("qual", "roles", "bucket", "expected"),
    [
        (None, ("public",), "a", ["anon", "authenticated"]),
        ("(bucket_id = 'a'::text)", ("anon",), "a", ["anon"]),
        ("(bucket_id = 'b'::text)", ("public",), "a", []),
        ("(bucket_id = ANY (ARRAY['x'::text, 'it''s'::text]))", ("public",), "it's", ["anon", "authenticated"]),
        ("((bucket_id = 'a'::text) AND (auth.role() = 'authenticated'::text))", ("public",), "a", ["authenticated"]),
        ("((bucket_id = 'a'::text) AND ((storage.foldername(name))[1] = (auth.uid())::text))", ("public",), "a", []),
        ("(name ~~ 'owner/%'::text)", ("public",), "a", ["anon", "authenticated"]),  # 'owner' in a literal
        ("(bucket_id = 'a'::text)", ("service_role",), "a", []),
    ],
)
def test_policy_reading(qual: str | None, roles: tuple[str, ...], bucket: str, expected: list[str]) -> None:
    access = ObjectsAccess(True, True, True, (ObjectsPolicy("p", roles, qual),))
    assert [role for role, _ in listers(access, bucket)] == expected


# --- plain PostgreSQL, the CLI, the inventory ---------------------------------------------


def test_plain_postgresql_without_api_roles_skips_the_role_checks(tmp_path: Path) -> None:
    with embedded_server() as server:  # a fresh cluster: no anon, no authenticated
        pg.execute(
            server.admin_url,
            "create table public.open (id int); create table public.closed (id int);"
            "alter table public.closed enable row level security;",
        )
        inventory = write_inventory(tmp_path, "tables:\n  open: {}\n  closed: {rls: true}\n")
        result = run_auditor(
            "audit", "-f", "json", "--inventory", str(inventory), env={"AUDITOR_DATABASE_URL": server.admin_url}
        )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(f["rule"], f["name"]) for f in report["findings"]] == [
        ("rls-disabled", "open"),
        ("rls-no-policy", "closed"),
    ]
    assert "Roles" not in report["findings"][0]["message"]  # nobody named: the roles could not be checked
    skipped = {s["check"]: s["reason"] for s in report["skipped"] if s["check"].startswith("read access")}
    assert list(skipped) == ["read access of role anon", "read access of role authenticated"]
    assert skipped["read access of role anon"].startswith("the database has no role anon (plain PostgreSQL")


def test_fail_on_security(ourvidz_db: str, tmp_path: Path) -> None:
    """Only security findings fail the run, whatever their severity, and any of them does."""
    inventory = write_inventory(tmp_path, "schemas: [public]\n")  # every table and bucket: undeclared warnings

    def exit_code(fail_on: str) -> int:
        return run_auditor("audit", "--inventory", str(inventory), "--fail-on", fail_on, env=env).returncode

    env = {"AUDITOR_DATABASE_URL": ourvidz_db}
    pg.execute(
        ourvidz_db, "create table public.scratch (id int); revoke all on public.scratch from anon, authenticated;"
    )
    assert exit_code("warning") == 1
    assert exit_code("security") == 0  # warnings, none a risk

    pg.execute(ourvidz_db, "create policy everyone on storage.objects for select using (bucket_id = 'videos');")
    assert exit_code("error") == 0  # bucket-listable is a warning
    result = run_auditor("audit", "--inventory", str(inventory), "--fail-on", "error", env=env)
    assert re.match(r"▲ Drift found: \d+ warnings \(not failing: --fail-on error\)\n", result.stdout)
    result = run_auditor("audit", "--inventory", str(inventory), "--fail-on", "security", env=env)
    assert result.returncode == 1, result.stderr
    assert re.match(r"✖ Drift found: \d+ warnings\n", result.stdout)
    assert "\n  bucket-listable · security\n    ▲ Public bucket videos: every file can be listed" in result.stdout
    assert "\n  found       1 warning · bucket-listable: videos\n" in result.stdout
    assert "security" in run_auditor("audit", "--help").stdout


def test_inventory_keys_are_validated(tmp_path: Path) -> None:
    path = write_inventory(
        tmp_path,
        "schemas: [public]\nexposed_schemas: [public, api]\ntables:\n  profiles:\n    rls: maybe\n",
    )
    with pytest.raises(InventoryError) as error:
        load_inventory(path)
    assert [str(p) for p in error.value.problems] == [
        f"{path}:2:27: exposed_schemas: schema 'api' is not audited (add it to schemas)",
        f"{path}:5:10: tables.profiles.rls: expected true, false or deny-all, got 'maybe'",
    ]
    loaded = load_inventory(write_inventory(tmp_path, "exposed_schemas: []\ntables:\n  profiles: {}\n"))
    assert loaded.exposed_schemas == () and loaded.tables[0].rls is None
