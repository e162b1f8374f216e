"""Property: whatever bytes inventory.yaml holds, loading it gives an Inventory or an InventoryError
whose every problem has a place (line and column >= 1); never another exception, never a hang.

Inputs are mutations of the repository's real inventory.yaml (lines deleted, duplicated or
re-indented, characters swapped, bytes inserted, values replaced by other YAML types, tags and
aliases) and YAML documents generated from the inventory's own vocabulary.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import InventoryError
from auditor.inventory import load_inventory
from auditor.model import Inventory
from tests.conftest import INVENTORY

LINES = INVENTORY.read_bytes().splitlines(keepends=True)

# Values that change a YAML node's type or shape, or use YAML features the loader must survive.
REPLACEMENTS = [
    b"",
    b"~",
    b"[]",
    b"{}",
    b"[a, [b, {c: d}]]",
    b"{a: 1, a: 2}",
    b"- x",
    b"true",
    b"no",
    b"-1",
    b"0x1F",
    b"1e999",
    b".nan",
    b"2024-01-01",
    b"'quoted'",
    b'"\\e[31mred\\u0000"',
    b"!!bool maybe",
    b"!!int nope",
    b"!!float x",
    b"!!timestamp x",
    b"!!binary '@@@'",
    b"!!set {a: 1}",
    b"!!omap [a: 1]",
    b"!!python/object:os.system x",
    b"!custom x",
    b"&anchor {public: true}",
    b"*anchor",
    b"*undefined",
    b"{<<: *anchor}",
    b"{<<: [*anchor, 5]}",
    b"{<<: 5}",
    b"&loop [*loop]",
    b"? [complex]\n  : key",
    b"|\n  literal\n  block",
    b">-\n  folded",
    b"\t",
    b"'''",
    b"%YAML 1.1",
    b"--- \n...",
    b"x" * 5000,
]

VOCABULARY = [
    "version",
    "project",
    "schemas",
    "docs",
    "folder",
    "naming",
    "groups",
    "title",
    "tables",
    "buckets",
    "environments",
    "group",
    "description",
    "columns",
    "doc",
    "public",
    "file_size_limit",
    "allowed_mime_types",
    "status",
    "database_url",
    "<<",
    "profiles",
    "public.profiles",
    "auth.users",
    "10-19",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(VOCABULARY),
    st.sampled_from(["50MB", "1 GB", "-5", "image/png", "legacy", "${PROD_URL}", "10-5", "x" * 70]),
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(VOCABULARY) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@st.composite
def mutated_inventories(draw: st.DrawFn) -> bytes:
    """The real inventory with a few random edits."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        edit = draw(st.sampled_from(["delete", "duplicate", "indent", "swap", "insert", "replace", "bytes"]))
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, line)
        elif edit == "indent":
            lines[at] = draw(st.sampled_from([b" ", b"  ", b"\t", b"    "])) + line
        elif edit == "swap" and len(line) > 1:
            i = draw(st.integers(0, len(line) - 2))
            lines[at] = line[:i] + line[i + 1 : i + 2] + line[i : i + 1] + line[i + 2 :]
        elif edit == "insert":
            i = draw(st.integers(0, len(line)))
            lines[at] = line[:i] + draw(st.text(max_size=5)).encode() + line[i:]
        elif edit == "replace" and b": " in line:
            head = line.split(b": ", 1)[0]
            lines[at] = head + b": " + draw(st.sampled_from(REPLACEMENTS)) + b"\n"
        elif edit == "bytes":
            i = draw(st.integers(0, len(line)))
            lines[at] = line[:i] + draw(st.binary(min_size=1, max_size=4)) + line[i:]
    return b"".join(lines)


def generated_documents() -> st.SearchStrategy[bytes]:
    """YAML documents built from the inventory's own keys, with random shapes and values."""
    top = st.dictionaries(st.sampled_from(VOCABULARY), documents, max_size=6) | documents
    return top.map(lambda doc: yaml.safe_dump(doc, allow_unicode=True).encode())


inputs = st.one_of(
    mutated_inventories(),
    generated_documents(),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    started = time.perf_counter()
    try:
        inventory = load_inventory(path)
    except InventoryError as error:
        assert error.problems, "an InventoryError without problems"
        for problem in error.problems:
            assert problem.file == str(path)
            assert problem.line >= 1 and problem.column >= 1, problem
            assert problem.message.strip()
            assert str(problem).isprintable(), f"control characters in {problem!s}"
    else:
        assert isinstance(inventory, Inventory)
        for table in inventory.tables:
            assert isinstance(table.name, str) and table.name and isinstance(table.description, str)
        for bucket in inventory.buckets:
            assert isinstance(bucket.id, str) and isinstance(bucket.public, bool)
    assert time.perf_counter() - started < 2, "loading took over 2 s"


# Each example takes milliseconds; the deadline only catches a hang (the machine may be busy).
FUZZ = settings(
    max_examples=400,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(content=inputs)
def test_loads_or_reports_every_problem_with_a_place(workdir: Path, content: bytes) -> None:
    check(workdir / "inventory.yaml", content)


def value_lines() -> list[int]:
    """The first `key: value` line of each distinct key in the real inventory."""
    first: dict[bytes, int] = {}
    for at, line in enumerate(LINES):
        if b": " in line and not line.lstrip().startswith(b"#"):
            first.setdefault(line.split(b": ", 1)[0].strip(), at)
    return sorted(first.values())


@pytest.mark.parametrize("replacement", REPLACEMENTS)
def test_every_replacement_in_every_kind_of_value(workdir: Path, replacement: bytes) -> None:
    """Not random: each special value in place of each kind of `key: value` of the real inventory."""
    for at in value_lines():
        head = LINES[at].split(b": ", 1)[0]
        mutated = [*LINES[:at], head + b": " + replacement + b"\n", *LINES[at + 1 :]]
        check(workdir / "inventory.yaml", b"".join(mutated))
