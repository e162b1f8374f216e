"""inventory.yaml loading and validation: every problem with file, line, column and key path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from auditor import inventory as inventory_module
from auditor.errors import InventoryError
from auditor.inventory import load_inventory
from auditor.model import DeclaredColumn
from tests.conftest import INVENTORY


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    return [str(p) for p in caught.value.problems]


def test_repository_inventory_is_the_complete_seed() -> None:
    inventory = load_inventory(INVENTORY)
    assert inventory.project == "OurVidz"
    assert len(inventory.tables) == 26
    assert len(inventory.buckets) == 10
    assert {e.name for e in inventory.environments} == {"prod", "staging", "local"}
    tables = {t.name: t for t in inventory.tables}
    counted = {name: t.column_count for name, t in tables.items() if t.column_count is not None}
    assert counted == {
        "profiles": 7,
        "user_roles": 4,
        "user_activity_log": 9,
        "api_providers": 12,
        "api_models": 19,
        "model_config_history": 8,
        "model_performance_logs": 11,
        "model_test_results": 30,
        "negative_prompts": 10,
        "enhancement_presets": 13,
        "compel_configs": 10,
        "user_collections": 6,
        "workspace_assets": 18,
        "scenes": 10,
        "projects": 14,
        "prompt_ab_tests": 13,
        "usage_logs": 8,
        "admin_development_progress": 14,
    }
    assert all(t.group and t.description for t in inventory.tables)
    assert tables["jobs"].doc == "30-jobs.md"
    assert tables["messages"].doc == "20-conversations_messages.md"
    buckets = {b.id: b for b in inventory.buckets}
    assert buckets["reference_images"].file_size_limit == 10 * 1024 * 1024
    assert buckets["avatars"].public is True and buckets["avatars"].file_size_limit is None
    assert "file_size_limit" in buckets["avatars"].declared
    assert {b.id for b in inventory.buckets if b.status == "legacy"} == {
        "image_high",
        "sdxl_image_fast",
        "sdxl_image_high",
        "video_high",
    }
    assert inventory.naming[2] == ((20, 29), "Conversations and messaging")


def test_no_secret_in_repository_inventory() -> None:
    inventory = load_inventory(INVENTORY)
    for environment in inventory.environments:
        if environment.name != "local":
            assert environment.database_url.startswith("${")


def test_columns_as_names_and_types(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        tables:
          profiles:
            columns:
              - id: uuid
              - username
              - created_at: timestamptz
          auth.users: {}
        schemas: [public, auth]
        """,
    )
    inventory = load_inventory(path)
    profiles, users = inventory.tables
    assert profiles.columns == (
        DeclaredColumn("id", "uuid"),
        DeclaredColumn("username"),
        DeclaredColumn("created_at", "timestamptz"),
    )
    assert profiles.column_count is None
    assert (users.schema, users.name) == ("auth", "users")


def test_broken_inventory_lists_every_problem_with_its_place(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        tables:
          profiles:
            colums: 7
          jobs:
            columns: seven
          profiles:
            columns: 7
        buckets:
          avatars:
            public: yes please
            file_size_limit: 10 XB
          videos:
            file_size_limit: -1
            status: retired
        docs:
          naming:
            10-19: core
            15-25: overlapping
            30-20: backwards
        """,
    )
    found = problems(path)
    file = str(path)
    assert found == [
        f"{file}:3:5: tables.profiles.colums: unknown key 'colums'; did you mean 'columns'?",
        f"{file}:5:14: tables.jobs.columns: expected a column count (a whole number) or a list of column names,"
        " got 'seven'",
        f"{file}:6:3: tables.profiles: duplicate key 'profiles' (first defined on line 2)",
        f"{file}:10:13: buckets.avatars.public: expected true or false, got 'yes please'",
        f"{file}:11:22: buckets.avatars.file_size_limit: '10 XB' is not a size in bytes or like 5MB (5,000,000"
        " bytes), 10MiB (10 x 1024 x 1024), 500KB, 1GiB, or null for no limit",
        f"{file}:13:22: buckets.videos.file_size_limit: a size cannot be negative, got -1",
        f"{file}:14:13: buckets.videos.status: expected one of active, legacy, got 'retired'",
        f"{file}:18:5: docs.naming.15-25: range 15-25 overlaps 10-19",
        f"{file}:19:5: docs.naming.30-20: range '30-20' starts after it ends",
    ]


def test_duplicate_table_through_qualified_name(tmp_path: Path) -> None:
    path = write(tmp_path, "tables:\n  profiles: {}\n  public.profiles: {}\n")
    assert problems(path) == [
        f"{path}:3:3: tables.public.profiles: duplicate table public.profiles (first defined on line 2)"
    ]


def test_wrong_types_and_shapes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 2
        schemas: public
        tables:
          - profiles
        buckets:
          avatars:
            allowed_mime_types: [image/png, png]
            doc: 12
        environments:
          prod:
            database_url: postgresql://postgres:hunter2@db.example.supabase.co:5432/postgres
          staging: {}
        """,
    )
    found = problems(path)
    assert len(found) == 7, found
    joined = "\n".join(found)
    assert ":1:10: version: unsupported version '2'; expected 1" in joined
    assert ":2:10: schemas: expected a list of text, got text 'public'" in joined
    assert ":4:3: tables: expected a mapping (key: value), got a list" in joined
    assert ":7:37: buckets.avatars.allowed_mime_types: 'png' is not a MIME type" in joined
    assert ":8:10: buckets.avatars.doc: expected a doc file name, true or false, got '12'" in joined
    assert ":11:19: environments.prod.database_url: contains a literal password" in joined
    assert ":12:12: environments.staging: missing required key 'database_url'" in joined
    assert "hunter2" not in joined


def test_unknown_group_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "groups:\n  core: {title: Core}\ntables:\n  profiles: {group: cor}\n")
    assert problems(path) == [f"{path}:4:21: tables.profiles.group: unknown group 'cor'; did you mean 'core'?"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "1:1: the inventory is empty"),
        (b"tables: [\n", "invalid YAML"),
        (b"tables:\n\tprofiles: {}\n", "2:1: invalid YAML: found character that cannot start any token (a tab"),
        (b"project: caf\xe9\n", "1:13: not valid UTF-8 text"),
        (b"- a\n- b\n", "1:1: expected a mapping (key: value), got a list"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_bytes(content)
    (found,) = problems(path)
    assert message in found


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "file not found" in problems(tmp_path / "nope.yaml")[0]
    assert "is a directory" in problems(tmp_path)[0]


def test_anchors_and_merge_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        buckets:
          base: &private {public: false, file_size_limit: 50MiB}
          user-library:
            <<: *private
            description: merged
          workspace-temp:
            <<: *private
            file_size_limit: 10MB
        """,
    )
    buckets = {b.id: b for b in load_inventory(path).buckets}
    assert buckets["user-library"].file_size_limit == 50 * 1024 * 1024
    assert buckets["workspace-temp"].file_size_limit == 10_000_000
    assert buckets["workspace-temp"].public is False


def test_nested_merge_bomb_is_fast(tmp_path: Path) -> None:
    levels = ["a0: &a0 {public: true}"]
    for level in range(1, 12):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        levels.append(f"a{level}: &a{level} {{<<: [{refs}]}}")
    text = "x:\n" + "\n".join(f"  {line}" for line in levels) + "\nbuckets:\n  avatars: {<<: *a11}\n"
    path = tmp_path / "inventory.yaml"
    path.write_text(text)
    found = problems(path)  # `x` is an unknown key; the bucket itself is valid
    assert len(found) == 1 and "unknown key 'x'" in found[0]


def test_empty_sections_are_allowed(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, "project: new\ntables:\nbuckets:\nenvironments:\n"))
    assert (inventory.tables, inventory.buckets, inventory.environments) == ((), (), ())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("buckets:\n  a: {public: !!bool maybe}\n", "2:15: buckets.a.public: expected true or false, got 'maybe'"),
        ("project: !!timestamp x\n", "1:10: project: expected text, got 'x'"),
        ("project: !!binary AAAA\n", "1:10: project: expected text, got binary 'AAAA' (quote it)"),
        ("project: 2024-01-01\n", "1:10: project: expected text, got timestamp '2024-01-01' (quote it)"),
        ("x: &a {? [1] : v}\nbuckets:\n  b: {<<: *a}\n", "1:10: buckets.b: keys must be plain text"),
        ("buckets:\n  b: {<<: 5}\n", "2:11: buckets.b: '<<' merges a mapping or a list of mappings"),
        ('tables:\n  "\\e[2J": {colour: red}\n', "2:13: tables.\\x1b[2J.colour: unknown key 'colour'"),
        ("version: " + "9" * 5000 + "\n", "1:10: version: expected 1, got '99999"),
        ("project: caf\u00e9\x1f\n", "1:14: invalid YAML: character U+001F is not allowed"),
        ("tables:\n  " + "t" * 64 + ": {}\n", "table name is 64 bytes, longer than 63 bytes"),
        ("tables:\n  t: {columns: [{" + "c" * 64 + ": text}]}\n", "column name is 64 bytes"),
        ("tables:\n  '': {}\n", "2:3: tables.: the table name is empty"),
        ("tables:\n  a.b: {}\n", "schema 'a' is not audited (schemas: public); a table whose name holds a dot"),
    ],
)
def test_odd_values_give_located_problems(tmp_path: Path, text: str, message: str) -> None:
    """Tags the safe loader cannot construct, merged non-text keys, control characters, huge values."""
    found = problems(write(tmp_path, text))
    assert any(message in problem for problem in found), found
    assert all(problem.isprintable() and len(problem) < 1000 for problem in found), found


def test_dotted_table_name_with_its_schema(tmp_path: Path) -> None:
    (table,) = load_inventory(write(tmp_path, "schemas: [public, auth]\ntables:\n  public.a.b: {}\n")).tables
    assert (table.schema, table.name) == ("public", "a.b")


def test_long_merge_chain_needs_no_recursion(tmp_path: Path) -> None:
    chain = "".join(f"  a{i}: &a{i} {{<<: *a{i - 1}}}\n" for i in range(1, 5000))
    path = write(tmp_path, f"x:\n  a0: &a0 {{public: true}}\n{chain}buckets:\n  b: {{<<: *a4999}}\n")
    found = problems(path)
    assert len(found) == 1 and "unknown key 'x'" in found[0]


def test_endless_file_is_cut_at_the_size_cap() -> None:
    (found,) = problems(Path("/dev/zero"))
    assert "/dev/zero:1:1: more than the 2,097,152 bytes an inventory may have" in found


def test_literal_passwords_are_found_in_every_spelling() -> None:
    literal = inventory_module._has_literal_secret
    assert literal("postgresql://u:pass word@db.example.com/p")  # unencoded space
    assert literal("host=db.example.com password=hunter2")  # libpq key=value
    assert literal("postgresql://u@db.example.com/p?password=hunter2")
    assert not literal("postgresql://u:${PASSWORD}@db.example.com/p")
    assert not literal("host=db.example.com password=${PASSWORD}")
    assert not literal("postgresql://postgres:postgres@127.0.0.1:54322/postgres")  # the local default
    assert not literal("postgresql://db.example.com:5432/p?application_name=a@b")
    assert not literal("postgresql:///?service=ourvidz_prod")


@pytest.mark.parametrize("doc", ["../guides/profiles.md", "sub/12-profiles.md", "12-profiles.MD", ".hidden.md"])
def test_a_doc_value_must_be_a_plain_md_file_name(tmp_path: Path, doc: str) -> None:
    path = write(tmp_path, f"version: 1\ndocs: {{folder: docs}}\ntables:\n  profiles: {{doc: '{doc}'}}\n")
    found = problems(path)
    expected = "expected a file name in the docs folder ending in .md"
    assert found == [f"{path}:4:19: tables.profiles.doc: {expected}, got '{doc}'"]


# Plain scalars whose YAML 1.1 tag PyYAML's resolver decides by regular expression, and near misses.
TRICKY_SCALARS = [
    *("yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "oN", "off", "Off", "OFF", "y", "n", "Y"),
    *("true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "tru", "t00001", "text"),
    *("~", "null", "Null", "NULL", "nULL", "nil", "None"),
    *("0", "-0", "+0", "00", "012", "019", "0o12", "0x1F", "0x_1F", "0X1F", "0b101", "0b_1", "0b2"),
    *("1_000", "-1_000", "1__0", "1_", "_1", "+12", "20", "21", "1:30", "190:20:30", "-1:30", "1:60", "0:0"),
    *("1.5", "1_000.5", ".5", "-.5", "0.", "1e3", "1.0e+3", "1.0e3", "1E-3", "3.14.15", "1:30.5", "."),
    *(".inf", "-.inf", "+.Inf", ".INF", ".iNf", ".nan", ".NaN", ".NAN", ".nAn", "nan", "inf", "Infinity"),
    *("2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43Z"),
    *("2001-1-1", "2001-1-1 1:2:3", "2001-12-14x", "12:30:45", "10-19"),
    *("<<", "=", "==", "<", "-x", "é", "日本", "public.profiles", "${PROD_URL}", "50MB", "image/png"),
]


def test_cached_tag_resolution_matches_pyyamls_safe_loader() -> None:
    """The loader resolves each plain scalar's tag once per document: the tags must be PyYAML's own."""
    import yaml

    from auditor import yaml_nodes

    quoted = [f"'{value}'" for value in TRICKY_SCALARS] + [f'"{value}"' for value in TRICKY_SCALARS]
    tagged = ["!!str 12", "! 12", "!!int '12'", "!!float 1", "!custom yes", "|\n    yes", ">-\n    0x1F", "''", ""]
    items = [*TRICKY_SCALARS, *quoted, *tagged, "[yes, '1', {~: .inf}]", "{=: <<, 'on': 0b1}"]
    text = "".join(f"- {item}\n" for item in items * 2)  # twice: the second time the tag is cached

    def tags(node: yaml.Node) -> list[tuple[str, str, object]]:
        if isinstance(node, yaml.ScalarNode):
            return [("scalar", node.tag, node.value)]
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        return [(type(node).__name__, node.tag, None)] + [tag for child in children for tag in tags(child)]

    ours = tags(yaml_nodes.compose(text))
    assert ours == tags(yaml.compose(text, Loader=yaml.SafeLoader))
    assert ours == tags(yaml.compose(text, Loader=yaml.CSafeLoader))
    assert len(ours) > 4 * len(TRICKY_SCALARS)


def test_shared_scalar_values_are_right_for_each_tag_and_failures_are_not_kept() -> None:
    from auditor import yaml_nodes

    def value(tag: str, text: str) -> object:
        return yaml_nodes.scalar_value(yaml_nodes.ScalarNode(f"tag:yaml.org,2002:{tag}", text))

    assert value("int", "20") == 20 and value("float", "20") == 20.0 and isinstance(value("float", "20"), float)
    assert value("bool", "on") is True and value("null", "~") is None and value("str", "20") == "20"
    for _ in range(2):
        with pytest.raises(ValueError, match=r"invalid tag:yaml\.org,2002:int value"):
            value("int", "nope")


def test_only_invalid_schema_names_are_reported_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, f"schemas: [{'a' * 70}]\ntables:\n  profiles: {{}}\n")
    assert problems(path) == [
        f"{path}:1:11: schemas: schema name is 70 bytes, longer than 63 bytes: PostgreSQL truncates longer "
        "names, so no schema is called that (declare the truncated name)"
    ]
