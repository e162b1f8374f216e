"""The whole exposed API surface against a real database: views, materialized views, foreign
tables, functions and policies, declared in the inventory and checked like the platform's linter.

The OurVidz fixture is snapshotted first (the inventory a team would start from), then
tests/security_cases.sql adds one case of every security rule. Where a rule claims a role can
reach something, the claim is checked by doing it as that role.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from auditor.api import audit
from auditor.drift.rules import RULES
from auditor.inventory import load_inventory
from tests import pg
from tests.conftest import run_auditor

CASES = (Path(__file__).parent / "security_cases.sql").read_text()

EXPECTED_SECURITY = {
    ("rls-disabled", "usage_logs"),
    ("rls-policies-ignored", "jobs"),
    ("table-exposed", "exposed_leads"),
    ("table-exposed", "partitioned_events_2025"),
    ("rls-no-policy", "unreadable_notes"),
    ("bucket-visibility", "image_high"),
    ("bucket-listable", "avatars"),
    ("function-definer-anon", "definer_for_anon"),
    ("function-definer-authenticated", "definer_for_authenticated"),
    ("view-security-definer", "definer_view"),
    ("matview-exposed", "exposed_matview"),
    ("foreign-table-exposed", "exposed_foreign"),
    ("auth-users-exposed", "auth_users_view"),
    ("policy-always-true", "api_providers/Anyone can update providers"),
}

EXPECTED_INVENTORY_DRIFT = {
    ("table-undeclared", "exposed_leads"),
    ("table-undeclared", "unreadable_notes"),
    ("table-undeclared", "partitioned_events"),
    ("table-undeclared", "partitioned_events_2025"),
    ("policy-missing", "usage_logs/Users can view their own usage"),
    ("policy-undeclared", "api_providers/Anyone can update providers"),
    ("policy-undeclared", "storage.objects/Anyone can list avatars"),
    ("function-undeclared", "definer_for_anon"),
    ("function-undeclared", "definer_for_authenticated"),
    ("function-undeclared", "definer_for_nobody"),
    ("function-undeclared", "invoker_for_anon"),
    ("view-undeclared", "auth_users_view"),
    ("view-undeclared", "definer_view"),
    ("view-undeclared", "invoker_view"),
    ("matview-undeclared", "exposed_matview"),
    ("foreign-table-undeclared", "exposed_foreign"),
}


def snapshot(url: str, folder: Path, name: str = "inventory.yaml", *args: str) -> Path:
    result = run_auditor("snapshot", "--env", "test", "--db-url", url, "--output", name, *args, cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / name


@pytest.fixture
def surface(ourvidz_db: str, tmp_path: Path) -> tuple[str, Path]:
    """(URL, inventory): the fixture's snapshot, then every case of security_cases.sql applied."""
    inventory = snapshot(ourvidz_db, tmp_path)
    assert audit(inventory, db_url=ourvidz_db).findings == ()  # the starting point is clean
    pg.execute(ourvidz_db, CASES)
    return ourvidz_db, inventory


def found(url: str, inventory: Path) -> set[tuple[str, str]]:
    return {(f.rule, f.name) for f in audit(inventory, db_url=url).findings}


def as_role(url: str, role: str, query: str) -> list[tuple]:
    """Rows `query` returns to `role`, as the Data API would run it."""
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        return conn.execute(query).fetchall()


def test_every_security_rule_has_a_case_and_each_is_found_and_nothing_else(surface) -> None:
    url, inventory = surface
    security_rules = {code for code, rule in RULES.items() if "security" in rule.tags}
    assert {rule for rule, _ in EXPECTED_SECURITY} == security_rules  # a new rule needs its case
    report = audit(inventory, db_url=url)
    security = {(f.rule, f.name) for f in report.findings if "security" in f.tags}
    assert security == EXPECTED_SECURITY
    assert {(f.rule, f.name) for f in report.findings if "security" not in f.tags} == EXPECTED_INVENTORY_DRIFT
    # the snapshot of the clean fixture accepted nothing but its public buckets
    assert {(a.kind, a.name) for a in report.accepted} == {
        ("bucket", "avatars"),
        ("bucket", "system_assets"),
        ("bucket", "videos"),
    }


def test_what_the_rules_claim_is_true(surface) -> None:
    url, _ = surface
    # the definer view returns every character to anon, the private one included
    private = "select count(*) from public.characters where not is_public"
    assert as_role(url, "postgres", private) == [(1,)]
    assert as_role(url, "anon", private) == [(0,)]  # row level security hides it in the table
    assert as_role(url, "anon", "select count(*) from public.definer_view where not is_public") == [(1,)]
    assert as_role(url, "anon", "select count(*) from public.invoker_view") == [(0,)]  # caller's rights
    # anon calls the definer function, which counts rows anon cannot see
    assert as_role(url, "anon", "select public.definer_for_anon()")[0][0] > 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(url, "anon", "select public.definer_for_authenticated()")
    assert as_role(url, "authenticated", "select public.definer_for_authenticated()")[0][0] > 0
    # the auth.users view hands out every email
    assert len(as_role(url, "anon", "select email from public.auth_users_view")) > 0
    assert as_role(url, "anon", "select count(*) from public.exposed_matview")[0][0] > 0


def test_the_findings_say_who_and_how(surface) -> None:
    url, inventory = surface
    report = audit(inventory, db_url=url)
    by = {(f.rule, f.name): f for f in report.findings}
    anon = by[("function-definer-anon", "definer_for_anon")]
    assert (anon.severity.value, anon.kind, anon.expected, anon.actual) == (
        "error",
        "function",
        None,
        ["anon", "authenticated"],
    )
    assert "/rest/v1/rpc/definer_for_anon" in anon.message
    assert by[("function-definer-authenticated", "definer_for_authenticated")].actual == ["authenticated"]
    view = by[("view-security-definer", "definer_view")]
    assert "bypasses the row level security of public.characters" in view.message
    assert by[("auth-users-exposed", "auth_users_view")].kind == "view"
    assert ("view-security-definer", "auth_users_view") not in by  # one finding, the most specific
    always = by[("policy-always-true", "api_providers/Anyone can update providers")]
    assert (always.about, always.actual) == ("api_providers", ["USING", "WITH CHECK"])


def test_a_snapshot_accepts_what_it_finds_for_review_and_audits_clean(surface, tmp_path: Path) -> None:
    url, _ = surface
    inventory = snapshot(url, tmp_path, "again.yaml")
    text = inventory.read_text()
    assert "rls: deny-all" in text and "exposed_to: [anon, authenticated]" in text
    report = audit(inventory, db_url=url)
    assert report.findings == ()
    accepted = {(a.kind, a.name): a for a in report.accepted}
    assert set(accepted) >= {
        ("table", "unreadable_notes"),
        ("table", "exposed_leads"),
        ("function", "definer_for_anon"),
        ("function", "definer_for_authenticated"),
        ("view", "definer_view"),
        ("view", "auth_users_view"),
        ("materialized view", "exposed_matview"),
        ("foreign table", "exposed_foreign"),
        ("policy", "api_providers/Anyone can update providers"),
        ("bucket", "image_high"),
    }
    assert accepted[("function", "definer_for_anon")].reason.startswith("to review")
    assert ("view", "invoker_view") not in accepted  # nothing to accept


def test_declared_exposures_are_accepted_with_their_reasons_and_only_for_the_declared_roles(
    surface, tmp_path: Path
) -> None:
    url, _ = surface
    text = snapshot(url, tmp_path, "base.yaml").read_text()  # every exposure accepted for review
    text = text.replace(
        "  definer_for_anon:\n    exposed_to: [anon, authenticated]\n",
        "  definer_for_anon:\n    exposed_to: [authenticated]\n",
    )
    text = text.replace(
        '  definer_view:\n    exposed_to: [anon, authenticated]\n    reason: "to review: as found by',
        "  definer_view:\n    exposed_to: [anon, authenticated]\n    reason: the public gallery  #",
    )
    text = text.replace("  invoker_for_anon: {}\n", "  invoker_for_anon: {exposed_to: [anon], reason: an old one}\n")
    inventory = tmp_path / "declared.yaml"
    inventory.write_text(text)
    report = audit(inventory, db_url=url)
    assert {(f.rule, f.name) for f in report.findings} == {
        ("function-definer-anon", "definer_for_anon"),  # anon can call it, only authenticated is declared
        ("exposure-unused", "invoker_for_anon"),  # an invoker function exposes nothing
    }
    partial = next(f for f in report.findings if f.rule == "function-definer-anon")
    assert partial.expected == ["authenticated"] and "accepts authenticated only" in partial.message
    accepted = {(a.kind, a.name): a.reason for a in report.accepted}
    assert accepted[("view", "definer_view")] == "the public gallery"
    assert ("function", "definer_for_anon") not in accepted


def test_policies_missing_undeclared_and_changed(ourvidz_db: str, tmp_path: Path) -> None:
    inventory = snapshot(ourvidz_db, tmp_path, "inventory.yaml", "--policy-expressions")
    assert "using: " in inventory.read_text()  # expressions as PostgreSQL prints them
    assert audit(inventory, db_url=ourvidz_db).findings == ()
    pg.execute(
        ourvidz_db,
        # roles widened, expression loosened, one dropped, one added, on a table and on storage.objects
        'alter policy "Users can view their own jobs" on public.jobs to anon, authenticated;'
        'drop policy "Users can view their own roles" on public.user_roles;'
        'create policy "Staff can read roles" on public.user_roles for select to authenticated using (true);'
        'alter policy "Users can view their own activity" on public.user_activity_log using (true);'
        'drop policy "Users can upload their own avatar" on storage.objects;',
    )
    findings = {(f.rule, f.name): f for f in audit(inventory, db_url=ourvidz_db).findings}
    assert set(findings) == {
        ("policy-changed", "jobs/Users can view their own jobs"),
        ("policy-changed", "user_activity_log/Users can view their own activity"),
        ("policy-missing", "user_roles/Users can view their own roles"),
        ("policy-undeclared", "user_roles/Staff can read roles"),
        ("policy-missing", "storage.objects/Users can upload their own avatar"),
    }
    roles = findings[("policy-changed", "jobs/Users can view their own jobs")]
    assert (roles.expected, roles.actual) == ({"roles": ["public"]}, {"roles": ["anon", "authenticated"]})
    using = findings[("policy-changed", "user_activity_log/Users can view their own activity")]
    assert using.actual == {"using": "true"} and "using (auth.uid() = user_id) -> true" in using.message
    assert findings[("policy-undeclared", "user_roles/Staff can read roles")].about == "user_roles"


def test_functions_are_named_with_their_arguments_only_when_overloaded(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(
        ourvidz_db,
        "create function public.search(q text) returns int language sql as 'select 1';"
        "create function public.search(q text, lim integer) returns int language sql as 'select 1';"
        "create function public.ping() returns int language sql as 'select 1';",
    )
    inventory = snapshot(ourvidz_db, tmp_path)
    text = inventory.read_text()
    assert "  ping: {}\n" in text and "  search(q text): {}\n" in text and '  "search(q text, lim integer)": {}' in text
    assert audit(inventory, db_url=ourvidz_db).findings == ()
    pg.execute(
        ourvidz_db,
        "drop function public.search(text, integer); drop function public.ping();"
        "create function public.search(q text, lim bigint) returns int language sql as 'select 1';",
    )
    assert found(ourvidz_db, inventory) == {
        ("function-missing", "search(q text, lim integer)"),
        ("function-missing", "ping"),
        ("function-undeclared", "search(q text, lim bigint)"),
    }
    # a name alone declares every overload
    inventory.write_text(
        re.sub(r'  "search\(q text[^"]*\)": \{\}\n', "", text).replace("  ping: {}\n", "  search: {}\n")
    )
    assert found(ourvidz_db, inventory) == set()


def test_a_section_left_out_is_not_inventoried_but_its_security_is_checked(surface, tmp_path: Path) -> None:
    url, inventory = surface
    text = inventory.read_text()
    for section in ("views", "materialized_views", "foreign_tables", "functions"):
        text = text.replace(f"\n{section}: {{}}\n", "\n")
    inventory.write_text(text)
    assert load_inventory(inventory).views is None
    rules = {rule for rule, _ in found(url, inventory)}
    assert not rules & {"view-undeclared", "matview-undeclared", "foreign-table-undeclared", "function-undeclared"}
    assert {"view-security-definer", "function-definer-anon", "matview-exposed"} <= rules
    report = json.loads(run_auditor("audit", "--db-url", url, "-i", str(inventory), "-f", "json").stdout)
    assert report["summary"]["views_declared"] is None and report["summary"]["views_live"] == 3


def test_update_never_accepts_a_security_finding_and_accept_needs_a_reason(surface) -> None:
    url, inventory = surface
    before = inventory.read_text()
    result = run_auditor("snapshot", "--env", "test", "--db-url", url, "--update", "-i", str(inventory))
    assert result.returncode == 0, result.stderr
    after = inventory.read_text()
    assert "  image_high:  # empty\n    public: false\n" in after  # still private: a person decides
    assert "exposed_to" not in after and "deny-all" not in after  # no exposure accepted
    assert "definer_for_anon: {}" in after  # the new function is declared, its exposure is not
    assert after != before
    left = result.stderr.split("  left for auditor accept (security: a refresh never accepts it", 1)[1]
    assert "\n    bucket-visibility: image_high\n" in left.split("  left for a person", 1)[0]  # listed once, under it
    security = {(f.rule, f.name) for f in audit(inventory, db_url=url).findings if "security" in f.tags}
    assert security == EXPECTED_SECURITY

    refused = run_auditor("accept", "function-definer-anon", "definer_for_anon", "--env", "test", "--db-url", url,
                          "-i", str(inventory))  # fmt: skip
    assert refused.returncode == 2 and "--reason" in refused.stderr
    accepted = run_auditor(
        "accept", "function-definer-anon", "definer_for_anon", "--env", "test", "--db-url", url, "-i", str(inventory),
        "--reason", "counts profiles for the landing page",
    )  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    report = audit(inventory, db_url=url)
    assert ("function-definer-anon", "definer_for_anon") not in {(f.rule, f.name) for f in report.findings}
    assert [(a.name, a.reason) for a in report.accepted if a.kind == "function"] == [
        ("definer_for_anon", "counts profiles for the landing page")
    ]


def test_the_manual_security_table_is_generated_from_the_rules() -> None:
    from auditor.reference import security_table
    from tests.conftest import REPO

    page = (REPO / "docs" / "security.md").read_text()
    assert security_table() in page  # regenerate it with auditor.reference.security_table()
    assert security_table().count("\n| `") == sum("security" in r.tags for r in RULES.values())


def test_the_manual_security_example_is_a_valid_inventory(tmp_path: Path) -> None:
    from tests.conftest import REPO

    section = (REPO / "docs" / "security.md").read_text().split("## Declaring an exposure as intended")[1]
    (block,) = re.findall(r"```yaml\n(.*?)```", section.split("\n## ")[0], flags=re.DOTALL)
    path = tmp_path / "inventory.yaml"
    path.write_text(block)
    inventory = load_inventory(path)
    assert inventory.tables[1].deny_all and inventory.views[0].exposed_to == ("anon",)
    assert [f.display("public") for f in inventory.functions][-1] == "search(q text, lim integer)"


def test_ignored_objects_are_counted_not_reported_and_never_hide_a_leak(ourvidz_db: str, tmp_path: Path) -> None:
    inventory = snapshot(ourvidz_db, tmp_path)
    text = inventory.read_text().replace(
        "\n# Connection URLs",
        '\nignore:\n  tables:\n    "_*": tables of our job runner, which migrates them itself\n'
        "  functions:\n    pgrst_*: PostgREST hooks\n\n# Connection URLs",
    )
    inventory.write_text(text)
    pg.execute(
        ourvidz_db,
        "create table public._runner_state (id int); alter table public._runner_state enable row level security;"
        "revoke all on public._runner_state from anon, authenticated;"
        "create table public._runner_leak (id int);"  # no row level security: anyone can read it
        "create function public.pgrst_watch() returns int language sql as 'select 1';",
    )
    report = audit(inventory, db_url=ourvidz_db)
    assert {(f.rule, f.name) for f in report.findings} == {("table-exposed", "_runner_leak")}  # only the leak
    assert report.checked["tables_ignored"] == 2 and report.checked["functions_ignored"] == 1
    result = run_auditor("audit", "--db-url", ourvidz_db, "-i", str(inventory), env={"COLUMNS": "200"})
    assert "26 tables declared, 28 live (2 of them ignored)" in result.stdout
    updated = run_auditor("snapshot", "--env", "test", "--db-url", ourvidz_db, "--update", "-i", str(inventory))
    assert updated.returncode == 0, updated.stderr
    assert "_runner" not in inventory.read_text().split("\nignore:")[0]  # never written into the inventory

    inventory.write_text(text.replace("\ntables:\n", "\ntables:\n  _runner_state: {}\n"))
    result = run_auditor("validate", "-i", str(inventory))
    assert result.returncode == 2 and "declared and ignored (ignore.tables '_*'" in result.stderr


def test_the_inventory_document_lists_views_and_functions_with_their_exposures(surface, tmp_path: Path) -> None:
    url, _ = surface
    (tmp_path / "docs" / "database").mkdir(parents=True)
    inventory = snapshot(url, tmp_path, "documented.yaml", "--docs", "docs/database")
    result = run_auditor("docs", "inventory", "-i", str(inventory), "-o", str(tmp_path / "INVENTORY.md"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "INVENTORY.md").read_text()
    views = text.split("\n## Views\n")[1].split("\n## ")[0]
    assert "- **definer_view** (exposed to anon, authenticated: to review: as found by auditor snapshot)" in views
    assert "- **invoker_view**\n" in views
    assert "\n## Materialized views\n" in text and "\n## Foreign tables\n" in text and "\n## Functions\n" in text
    assert "### ❌ Functions Without Documentation (4)" in text


def test_a_view_s_documentation_findings_are_accepted_like_a_table_s(ourvidz_db: str, tmp_path: Path) -> None:
    (tmp_path / "docs" / "database").mkdir(parents=True)
    pg.execute(
        ourvidz_db, "create view public.gallery with (security_invoker = on) as select id from public.characters"
    )
    inventory = snapshot(ourvidz_db, tmp_path, "inventory.yaml", "--docs", "docs/database")
    inventory.write_text(inventory.read_text().replace("  gallery:\n    doc: false\n", "  gallery:\n    doc: true\n"))
    assert ("doc-missing", "gallery") in found(ourvidz_db, inventory)
    args = ("accept", "doc-missing", "gallery", "--env", "test", "--db-url", ourvidz_db, "-i", str(inventory))
    accepted = run_auditor(*args)
    assert accepted.returncode == 0, accepted.stderr
    assert "  gallery:\n    doc: false\n" in inventory.read_text()
    assert ("doc-missing", "gallery") not in found(ourvidz_db, inventory)


def test_policy_expressions_naming_columns_are_printed_only_when_asked_for(ourvidz_db: str) -> None:
    """Printing them costs the server each table's relation cache entry (auditor/sql/policies.sql)."""
    from auditor.catalog.postgres import read_catalog

    pg.execute(ourvidz_db, "create policy anyone on public.api_providers for update to anon using (true)")

    def policies(expressions: bool) -> dict[str, tuple]:
        catalog = read_catalog(ourvidz_db, ("public",), environment="test", policy_expressions=expressions)
        return {p.name: (p.has_using, p.using) for p in catalog.policies}

    cheap, full = policies(False), policies(True)
    assert cheap["Users can view their own jobs"] == (True, None)  # names user_id: not printed
    assert full["Users can view their own jobs"] == (True, "(auth.uid() = user_id)")
    assert cheap["anyone"] == full["anyone"] == (True, "true")  # names no column: always printed


def test_accepting_row_level_security_turned_on_removes_the_exposure_it_makes_stale(
    ourvidz_db: str, tmp_path: Path
) -> None:
    """A table accepted as exposed (rls: false, exposed_to, reason) then locked down: accepting
    rls-no-policy or rls-enabled drops the stale exposed_to, and the audit is clean. A table still
    declaring a policy that was dropped cannot be deny-all: the accept says which to accept first."""
    pg.execute(ourvidz_db, "create table public.countries (id int); grant select on public.countries to anon")
    inventory = snapshot(ourvidz_db, tmp_path)
    assert (
        "  countries:\n    columns: 1\n    rls: false\n    exposed_to: [anon, authenticated]\n" in inventory.read_text()
    )
    pg.execute(ourvidz_db, "alter table public.countries enable row level security")
    base = inventory.read_text()

    def accept(*args: str) -> subprocess.CompletedProcess:
        return run_auditor("accept", *args, "--env", "test", "--db-url", ourvidz_db, "-i", str(inventory))

    assert found(ourvidz_db, inventory) == {("rls-no-policy", "countries"), ("rls-enabled", "countries")}
    result = accept("rls-no-policy", "countries", "--reason", "read by the server only")
    assert result.returncode == 0, result.stderr
    assert (
        "  countries:\n    columns: 1\n    rls: deny-all\n    reason: read by the server only\n"
        in inventory.read_text()
    )
    assert "exposed_to removed" in result.stderr
    assert found(ourvidz_db, inventory) == set()

    inventory.write_text(base)
    result = accept("rls-enabled", "countries")
    assert result.returncode == 0, result.stderr
    countries = next(t for t in load_inventory(inventory).tables if t.name == "countries")
    assert (countries.rls, countries.exposed_to) == (True, ())
    assert found(ourvidz_db, inventory) == {("rls-no-policy", "countries")}

    pg.execute(ourvidz_db, 'drop policy "Users can view their own usage" on public.usage_logs')
    result = accept("rls-no-policy", "usage_logs", "--reason", "the server writes it")
    assert result.returncode == 2, result.stderr
    assert "accept policy-missing usage_logs/Users can view their own usage" in result.stderr


def test_a_new_overload_of_an_accepted_function_is_not_accepted_by_the_old_review(
    ourvidz_db: str, tmp_path: Path
) -> None:
    """An exposure accepted on a bare name covers that name's only overload; a second overload,
    callable by anon, is reported (each overload then by its arguments) until it is accepted itself."""
    pg.execute(ourvidz_db, "create function public.get_stats() returns int language sql security definer as 'select 1'")
    inventory = snapshot(ourvidz_db, tmp_path)
    assert found(ourvidz_db, inventory) == set()  # the snapshot accepted it, for review
    pg.execute(
        ourvidz_db,
        "create function public.get_stats(user_id uuid) returns int language sql security definer as 'select 2'",
    )
    report = audit(inventory, db_url=ourvidz_db)
    assert {(f.rule, f.name) for f in report.findings} == {
        ("function-definer-anon", "get_stats()"),
        ("function-definer-anon", "get_stats(user_id uuid)"),
    }
    new = next(f for f in report.findings if f.name == "get_stats(user_id uuid)")
    assert "declare get_stats(user_id uuid) with its own exposed_to" in new.message
    assert not [a for a in report.accepted if a.kind == "function"]
    for name in ("get_stats()", "get_stats(user_id uuid)"):
        result = run_auditor("accept", "function-definer-anon", name, "--reason", "the stats widget",
                             "--env", "test", "--db-url", ourvidz_db, "-i", str(inventory))  # fmt: skip
        assert result.returncode == 0, result.stderr
    report = audit(inventory, db_url=ourvidz_db)
    assert report.findings == ()
    assert sorted(a.name for a in report.accepted if a.kind == "function") == ["get_stats()", "get_stats(user_id uuid)"]


def test_a_reason_given_to_accept_is_written_or_refused_never_lost(surface) -> None:
    """A bucket made public is accepted with its reason, shown in the security section; a rule
    that keeps no reason refuses --reason rather than dropping it."""
    url, inventory = surface

    def accept(*args: str) -> subprocess.CompletedProcess:
        return run_auditor("accept", *args, "--env", "test", "--db-url", url, "-i", str(inventory))

    before = inventory.read_text()
    refused = accept("policy-missing", "usage_logs/Users can view their own usage", "--reason", "gone on purpose")
    assert refused.returncode == 2 and "--reason would be lost" in refused.stderr, refused.stderr
    assert inventory.read_text() == before
    result = accept("bucket-visibility", "image_high", "--reason", "shared renders")
    assert result.returncode == 0, result.stderr
    report = audit(inventory, db_url=url)
    assert ("bucket-visibility", "image_high") not in {(f.rule, f.name) for f in report.findings}
    assert ("bucket", "image_high", "shared renders") in {(a.kind, a.name, a.reason) for a in report.accepted}


@pytest.mark.parametrize("source", ["pg_catalog", "information_schema"])
def test_a_partition_without_row_level_security_under_a_parent_with_it_is_exposed(surface, source: str) -> None:
    """The parent's policies hide the row; the partition, served as a table of its own, gives it to anon."""
    url, inventory = surface
    assert as_role(url, "anon", "select count(*) from public.partitioned_events") == [(0,)]
    assert as_role(url, "anon", "select count(*) from public.partitioned_events_2025") == [(1,)]
    report = audit(inventory, db_url=url, catalog_source=source)
    exposed = {f.name: f for f in report.findings if f.rule == "table-exposed"}
    assert set(exposed) == {"exposed_leads", "partitioned_events_2025"}  # not 2026: its RLS is on
    assert (
        "partition of partitioned_events, which has row level security on" in exposed["partitioned_events_2025"].message
    )


def test_policies_ignored_are_found_outside_the_exposed_schemas_too(ourvidz_db: str, tmp_path: Path) -> None:
    """Policies on a table whose row level security is off apply to nothing, exposed or not (0007)."""
    inventory = snapshot(ourvidz_db, tmp_path)
    inventory.write_text(inventory.read_text().replace("schemas: [public]\n", "schemas: [public, private]\n", 1))
    pg.execute(
        ourvidz_db,
        "create schema private; create table private.jobs (id int);"
        'create policy "Workers read jobs" on private.jobs for select to public using (true);',
    )
    expected = {("table-undeclared", "private.jobs"), ("rls-policies-ignored", "private.jobs")}
    assert found(ourvidz_db, inventory) == expected
