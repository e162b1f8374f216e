"""The drift rules as pure functions: no database, no files."""

from __future__ import annotations

from auditor.drift import RULES, compare
from auditor.model import (
    KINDS,
    BucketSpec,
    Catalog,
    DeclaredColumn,
    Inventory,
    LiveBucket,
    LiveTable,
    Severity,
    TableSpec,
)

MB = 1024 * 1024


def inventory(tables=(), buckets=()) -> Inventory:
    return Inventory(path="inventory.yaml", project="t", schemas=("public",), tables=tables, buckets=buckets)


def live_table(name: str, *columns: tuple[str, str], schema: str = "public") -> LiveTable:
    return LiveTable(schema, name, tuple(c for c, _ in columns), tuple(t for _, t in columns), (True,) * len(columns))


def bucket_spec(id: str, **fields) -> BucketSpec:
    declared = frozenset(k for k in ("public", "file_size_limit", "allowed_mime_types") if k in fields)
    return BucketSpec(id=id, declared=declared, **fields)


def live_bucket(id: str, public=False, limit=None, mime=None, objects=0) -> LiveBucket:
    return LiveBucket(id, id, public, limit, mime, objects, objects * 100)


def rules(findings) -> list[tuple[str, str]]:
    return sorted((f.rule, f.name) for f in findings)


def test_every_rule_has_a_hint_and_known_kind() -> None:
    for rule in RULES.values():
        assert rule.hint.endswith(".")
        assert rule.kind in {kind.name for kind in KINDS}


def test_matching_catalog_gives_no_findings() -> None:
    inv = inventory(
        tables=(TableSpec("public", "profiles", column_count=2),),
        buckets=(bucket_spec("avatars", public=True, file_size_limit=None),),
    )
    catalog = Catalog(
        tables=(live_table("profiles", ("id", "uuid"), ("name", "text")),),
        buckets=(live_bucket("avatars", public=True),),
    )
    assert compare(inv, catalog) == []


def test_table_rules() -> None:
    inv = inventory(
        tables=(
            TableSpec("public", "profiles", column_count=3),
            TableSpec("public", "jobs"),
            TableSpec("public", "notes", column_count=1),
        )
    )
    catalog = Catalog(
        tables=(
            live_table("profiles", ("id", "uuid"), ("name", "text")),
            live_table("notes", ("id", "uuid")),
            live_table("imports", ("id", "uuid")),
            live_table("audit_log", schema="app"),
        ),
        buckets=(),
    )
    findings = compare(inv, catalog)
    assert rules(findings) == [
        ("column-count", "profiles"),
        ("table-missing", "jobs"),
        ("table-undeclared", "app.audit_log"),
        ("table-undeclared", "imports"),
    ]
    count = next(f for f in findings if f.rule == "column-count")
    assert (count.expected, count.actual, count.severity) == (3, 2, Severity.ERROR)
    undeclared = next(f for f in findings if f.name == "imports")
    assert undeclared.severity is Severity.WARNING


def test_column_rules_when_names_are_declared() -> None:
    declared = (DeclaredColumn("id", "uuid"), DeclaredColumn("email", "varchar(100)"), DeclaredColumn("gone"))
    inv = inventory(tables=(TableSpec("public", "profiles", columns=declared),))
    catalog = Catalog(
        tables=(live_table("profiles", ("id", "uuid"), ("email", "text"), ("extra", "jsonb")),),
        buckets=(),
    )
    findings = {f.rule: f for f in compare(inv, catalog)}
    assert sorted(findings) == ["column-missing", "column-type", "column-unexpected"]
    assert findings["column-missing"].name == "profiles.gone"
    assert findings["column-type"].name == "profiles.email"
    assert (findings["column-type"].expected, findings["column-type"].actual) == ("character varying(100)", "text")
    assert findings["column-unexpected"].name == "profiles.extra"
    assert findings["column-unexpected"].kind == "column"


def test_type_aliases_are_not_drift() -> None:
    declared = (DeclaredColumn("at", "timestamptz"), DeclaredColumn("n", "int"))
    inv = inventory(tables=(TableSpec("public", "t", columns=declared),))
    catalog = Catalog(tables=(live_table("t", ("at", "timestamp with time zone"), ("n", "integer")),), buckets=())
    assert compare(inv, catalog) == []


def test_bucket_rules() -> None:
    inv = inventory(
        buckets=(
            bucket_spec("reference_images", public=False, file_size_limit=10 * MB),
            bucket_spec("avatars", public=True, allowed_mime_types=("image/png",)),
            bucket_spec("gone", public=False),
            bucket_spec("image_high", status="legacy"),
            bucket_spec("videos", public=True, file_size_limit=None),
        )
    )
    catalog = Catalog(
        tables=(),
        buckets=(
            live_bucket("reference_images", public=True, limit=20 * MB),
            live_bucket("avatars", public=True, mime=("image/jpeg", "image/png")),
            live_bucket("image_high", objects=3),
            live_bucket("videos", public=True, limit=None),
            live_bucket("surprise"),
        ),
    )
    findings = compare(inv, catalog)
    assert rules(findings) == [
        ("bucket-legacy-in-use", "image_high"),
        ("bucket-mime-types", "avatars"),
        ("bucket-missing", "gone"),
        ("bucket-size-limit", "reference_images"),
        ("bucket-undeclared", "surprise"),
        ("bucket-visibility", "reference_images"),
    ]
    severities = {f.rule: f.severity for f in findings}
    assert severities["bucket-visibility"] is Severity.ERROR
    assert severities["bucket-size-limit"] is Severity.ERROR
    assert severities["bucket-mime-types"] is Severity.WARNING
    assert severities["bucket-legacy-in-use"] is Severity.WARNING
    visibility = next(f for f in findings if f.rule == "bucket-visibility")
    assert (visibility.expected, visibility.actual) == (False, True)


def test_undeclared_fields_are_not_checked() -> None:
    inv = inventory(buckets=(bucket_spec("image_high", status="legacy"),))
    catalog = Catalog(tables=(), buckets=(live_bucket("image_high", public=True, limit=5 * MB),))
    assert compare(inv, catalog) == []


def test_unreadable_sources_give_no_false_drift() -> None:
    inv = inventory(
        tables=(TableSpec("public", "profiles"),),
        buckets=(bucket_spec("image_high", status="legacy"),),
    )
    assert compare(inv, Catalog(tables=None, buckets=None)) == []
    unknown_counts = Catalog(
        tables=(live_table("profiles"),),
        buckets=(LiveBucket("image_high", "image_high", False, None, None, None, None),),
        object_counts_available=False,
    )
    assert compare(inv, unknown_counts) == []


def test_an_empty_mime_type_list_and_none_both_allow_any_type() -> None:
    """Storage reads an empty allowed_mime_types as no restriction, as it reads null."""
    inv = inventory(
        buckets=(bucket_spec("a", allowed_mime_types=()), bucket_spec("b", allowed_mime_types=None)),
    )
    catalog = Catalog(tables=(), buckets=(live_bucket("a", mime=None), live_bucket("b", mime=())))
    assert compare(inv, catalog) == []
    restricted = Catalog(tables=(), buckets=(live_bucket("a", mime=("image/png",)), live_bucket("b")))
    assert rules(compare(inv, restricted)) == [("bucket-mime-types", "a")]
