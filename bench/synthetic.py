"""Synthetic Supabase-shaped databases and their inventories, of any number of tables.

Each database has Supabase's platform schemas (auditor/demo/platform.sql), `size` tables of
20 columns in `public` with row level security and a policy (every 10th also carries two
dropped columns, every 50th is partitioned into 4 partitions), 1,000 storage buckets and
10,000 objects. Its grants are Supabase's (every table granted to anon and authenticated by
default privileges) or plain (those revoked, as on a plain PostgreSQL or a project that revoked
them: the API roles hold no table privilege, so any read-access check looks at the columns).
The inventory declares it with some drift of every kind: undeclared and missing tables, wrong
column counts and types, undeclared and missing buckets, changed size limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files

COLUMNS = 20
BUCKETS = 1000
OBJECTS = 10_000
BATCH = 250  # tables per transaction: creating thousands at once exhausts the lock table
TYPES = ("text", "integer", "bigint", "boolean", "timestamp with time zone", "uuid", "jsonb", "numeric(10,2)")
MISSING_TABLES = 5
MISSING_BUCKETS = 2


def table_name(index: int) -> str:
    return f"t{index:05d}"


def bucket_id(index: int) -> str:
    return f"bucket-{index:04d}"


def column_type(position: int) -> str:
    """Type of column `position` (1 is the id)."""
    return "bigint" if position == 1 else TYPES[position % len(TYPES)]


def column_name(position: int) -> str:
    return "id" if position == 1 else f"c{position:02d}"


def _dropped(index: int) -> bool:
    return index % 10 == 0


def _partitioned(index: int) -> bool:
    return index % 50 == 25


def platform_sql() -> str:
    return (files("auditor") / "demo" / "platform.sql").read_text(encoding="utf-8")


def table_batches(size: int) -> Iterator[str]:
    """CREATE statements for the tables, a few hundred per batch (one transaction each)."""
    statements: list[str] = []
    for index in range(1, size + 1):
        statements.append(_table_sql(index))
        if len(statements) == BATCH:
            yield "\n".join(statements)
            statements = []
    if statements:
        yield "\n".join(statements)


def _table_sql(index: int) -> str:
    name = table_name(index)
    columns = [f"{column_name(p)} {column_type(p)}" for p in range(1, COLUMNS + 1)]
    if _dropped(index):
        columns += ["old_a text", "old_b integer"]
    body = ",\n  ".join(columns)
    if _partitioned(index):
        sql = f"create table public.{name} (\n  {body},\n  primary key (id)\n) partition by range (id);\n"
        for part in range(4):
            low, high = part * 1_000_000, (part + 1) * 1_000_000
            sql += (
                f"create table public.{name}_p{part} partition of public.{name} for values from ({low}) to ({high});\n"
            )
    else:
        sql = f"create table public.{name} (\n  {body},\n  primary key (id)\n);\n"
    if _dropped(index):
        sql += f"alter table public.{name} drop column old_a, drop column old_b;\n"
    # row level security with one policy, as Supabase advises for tables the Data API serves
    return sql + (
        f"alter table public.{name} enable row level security;\n"
        f"create policy reads on public.{name} for select to authenticated using (true);\n"
    )


GRANTS = ("supabase", "plain")


def grants_sql(grants: str) -> str:
    """What makes a database's grants `grants`, run after its tables are created."""
    if grants == "supabase":  # as platform.sql's default privileges give every new table
        return "grant all on all tables in schema public to anon, authenticated, service_role;"
    return "revoke all on all tables in schema public from anon, authenticated, service_role;"


def storage_sql() -> str:
    """1,000 buckets with mixed settings and 10,000 objects spread over a tenth of them."""
    return f"""
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
select 'bucket-' || lpad(i::text, 4, '0'), 'bucket-' || lpad(i::text, 4, '0'), i % 7 = 0,
       case when i % 3 = 0 then null else i * 1024 end,
       case when i % 5 = 0 then array['image/png', 'image/jpeg'] end
from generate_series(1, {BUCKETS}) i;
insert into storage.objects (bucket_id, name, metadata)
select 'bucket-' || lpad((1 + (i % 100) * 10)::text, 4, '0'), 'file-' || i,
       jsonb_build_object('size', i * 10)
from generate_series(1, {OBJECTS}) i;
analyze;
"""


def inventory_yaml(size: int) -> str:
    """The inventory of a database of `size` tables, with drift of every kind."""
    lines = ["version: 1", f"project: bench-{size}", "schemas: [public]", "", "tables:"]
    for index in range(1, size + 1):
        if index % 97 == 0:
            continue  # undeclared: table-undeclared
        name = table_name(index)
        if index % 20 == 0:
            lines.append(f"  {name}:")
            lines.append("    columns:")
            for position in range(1, COLUMNS + 1):
                declared = "text" if (index % 40 == 0 and position == 2) else column_type(position)  # column-type
                lines.append(f"      - {column_name(position)}: {declared}")
        else:
            count = COLUMNS + 1 if index % 13 == 0 else COLUMNS  # column-count drift
            lines.append(f"  {name}: {{columns: {count}}}")
    for extra in range(MISSING_TABLES):
        lines.append(f"  gone_{extra}: {{}}")  # table-missing
    lines += ["", "buckets:"]
    for index in range(1, BUCKETS + 1):
        if index > BUCKETS - 3:
            continue  # bucket-undeclared
        limit = "null" if index % 3 == 0 else index * 1024
        if index % 100 == 1:
            limit = 1  # bucket-size-limit drift
        public = "true" if index % 7 == 0 else "false"
        lines.append(f"  {bucket_id(index)}: {{public: {public}, file_size_limit: {limit}}}")
    for extra in range(MISSING_BUCKETS):
        lines.append(f"  gone-bucket-{extra}: {{}}")  # bucket-missing
    lines += ["", "environments:", "  bench:", "    database_url: ${AUDITOR_BENCH_URL}", ""]
    return "\n".join(lines)
