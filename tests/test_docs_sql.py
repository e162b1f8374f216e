"""CREATE TABLE in doc pages: the columns read must be those PostgreSQL itself creates.

Each statement is run on a real server, and the table's columns as the catalog lists them are
compared with what auditor.docs.sql reads from the same text.
"""

from __future__ import annotations

import psycopg
import pytest

from auditor.docs.markdown import parse_page
from auditor.docs.reading import read_page
from auditor.docs.sql import SqlError, create_tables
from auditor.docs.tree import ObjectRef
from tests import pg

STATEMENTS = {
    "constraints": """
        CREATE TABLE IF NOT EXISTS doc.t1 (
          id uuid NOT NULL,
          a int NOT NULL CHECK (a > 0),
          b numeric(10, 2) DEFAULT 0,
          CONSTRAINT t1_a_b UNIQUE (a, b),
          PRIMARY KEY (id),
          CHECK (b >= 0)
        )""",
    "quoted and folded names": (
        'create table doc."T2" (\n'
        '  "Display ""Name""" text,\n'
        "  CreatedAt timestamptz,\n"
        '  "select" int,\n'
        "  exclude boolean,\n"
        '  "a,b" text\n'
        ")"
    ),
    "strings, comments and dollar quotes": """
        create unlogged table doc.t3 (
          x text default E'it\\'s, (not) a column',  -- a comment, with (a comma)
          /* a block /* nested */ comment, with ) */ y text default 'a''b,c',
          z text check (z <> $$),($$) default $tag$;,$tag$
        )""",
    "generated, arrays, identity, exclusion": """
        CREATE TABLE doc.t4 (
          id bigint GENERATED ALWAYS AS IDENTITY,
          a int, b int,
          total int GENERATED ALWAYS AS (a + b) STORED,
          tags varchar(20) ARRAY,
          ranges int4range[],
          period tstzrange,
          EXCLUDE USING gist (period WITH &&),
          FOREIGN KEY (a) REFERENCES doc.t5 (id) ON DELETE CASCADE
        )""",
    "partitioned, with options after the list": """
        CREATE TABLE doc.t8 (day date NOT NULL, n int, PRIMARY KEY (day)) PARTITION BY RANGE (day)""",
}
SETUP = "create extension if not exists btree_gist; create schema doc; create table doc.t5 (id int primary key);"


@pytest.fixture(scope="module")
def database(server: str):
    with pg.fresh_database(server, "auditor_docsql") as url:
        pg.execute(url, SETUP)
        yield url


def columns_in_catalog(url: str, table: str) -> list[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0 and not attisdropped "
            "order by attnum",
            (table,),
        ).fetchall()
    return [name for (name,) in rows]


@pytest.mark.parametrize("case", list(STATEMENTS))
def test_the_columns_read_are_those_postgresql_creates(database: str, case: str) -> None:
    statement = STATEMENTS[case]
    pg.execute(database, statement)
    (table,) = create_tables(statement)
    assert table.complete and table.notes == ()
    qualified = f'doc."{table.name}"'
    assert [name for name, _ in table.columns] == columns_in_catalog(database, qualified)


def test_like_and_ellipses_make_a_partial_list_and_lines_are_counted(database: str) -> None:
    code = "-- first line\ncreate table doc.t6 (\n  like doc.t5,\n  extra text,\n  ...\n  last text\n);\n"
    (table,) = create_tables(code, first_line=10)
    assert (table.name, table.line, table.complete) == ("t6", 11, False)
    assert table.columns == (("extra", 13), ("last", 15))
    assert table.notes == ((12, "LIKE copies the columns of another table"), (14, "... stands for columns not shown"))


def test_statements_that_create_no_column_list_are_not_read() -> None:
    code = (
        "create table doc.p1 partition of doc.t4 for values from (1) to (10);\n"
        "create table doc.copy as select * from doc.t5;\n"
        "create index t5_idx on doc.t5 (id);\n"
        "create table doc.t7 (id int); alter table doc.t7 add column later text;\n"
    )
    assert [(t.name, [c for c, _ in t.columns]) for t in create_tables(code)] == [("t7", ["id"])]


def test_text_that_cannot_be_split_into_tokens_is_reported_not_read() -> None:
    with pytest.raises(SqlError, match="quoted string is not closed"):
        create_tables("create table t (a text default 'open)")
    page = parse_page("# t\n\n```sql\ncreate table t (a text /* open)\n```\n")
    reading = read_page(page, ObjectRef("table", "t"))
    assert reading.of("columns") == []
    assert [(s.line, s.why, s.partial) for s in reading.skipped] == [
        (3, "cannot be read (a /* comment is not closed)", True)
    ]
