"""The API roles' read access to each table, as the catalog reader reports it, against PostgreSQL's
own answer (USAGE on the schema and has_any_column_privilege), on three kinds of grants: Supabase's
defaults, the defaults revoked (a plain PostgreSQL), and column-level grants. The reader asks the
column question only of tables with a column ACL; the answers must not change."""

from __future__ import annotations

import psycopg
import pytest

from auditor.catalog.postgres import read_catalog
from auditor.model import API_ROLES
from tests import pg

EXPECTED = """
select c.relname, r.rolname,
       has_schema_privilege(r.oid, n.oid, 'USAGE') and has_any_column_privilege(r.oid, c.oid, 'SELECT')
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
cross join pg_roles r
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  and r.rolname = any(%s)
"""

REVOKED = "revoke all on all tables in schema public from anon, authenticated"

COLUMN_GRANTS = f"""
create table public.col_anon (id int, secret text, shown text);
create table public.col_update_only (id int, note text);
create table public.col_revoked (id int, note text);
create table public.col_public (id int, note text);
create table public.col_dropped (id int, gone text);
create table public.table_grant (id int);
create table public.both (id int, note text);
{REVOKED};  -- the fixture's default privileges granted all of them to the API roles
grant select (shown) on public.col_anon to anon;
grant update (note) on public.col_update_only to anon, authenticated;
grant select (note) on public.col_revoked to authenticated;
revoke select (note) on public.col_revoked from authenticated;
grant select (id) on public.col_public to public;
grant select (gone) on public.col_dropped to anon;
alter table public.col_dropped drop column gone;
grant select on public.table_grant to authenticated;
grant select on public.both to anon;
grant select (note) on public.both to authenticated;
"""


def read_access(url: str, source: str) -> dict[tuple[str, str], bool | None]:
    catalog = read_catalog(url, ("public",), environment="test", catalog_source=source)
    return {
        (table.name, role): getattr(table.security, f"{role}_can_read")
        for table in catalog.tables
        for role in API_ROLES
    }


def expected_access(url: str) -> dict[tuple[str, str], bool]:
    with psycopg.connect(url) as conn:
        return {(table, role): can for table, role, can in conn.execute(EXPECTED, [list(API_ROLES)])}


@pytest.mark.parametrize("grants", ["supabase", "revoked", "columns"])
@pytest.mark.parametrize("source", ["pg_catalog", "information_schema"])
def test_read_access_is_postgresqls_answer(ourvidz_db: str, grants: str, source: str) -> None:
    if grants == "revoked":
        pg.execute(ourvidz_db, REVOKED)
    elif grants == "columns":
        pg.execute(ourvidz_db, COLUMN_GRANTS)
    expected = expected_access(ourvidz_db)
    actual = read_access(ourvidz_db, source)
    assert actual == expected
    readable = {key for key, can in expected.items() if can}
    if grants == "supabase":  # the defaults let both roles read every table
        assert len(readable) == len(expected)
    elif grants == "revoked":
        assert readable == set()
    else:  # each kind of column grant decides on its own
        assert readable == {
            ("col_anon", "anon"),
            ("col_public", "anon"),
            ("col_public", "authenticated"),
            ("table_grant", "authenticated"),
            ("both", "anon"),
            ("both", "authenticated"),
        }
