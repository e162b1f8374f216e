"""The JSON Schema of inventory.yaml agrees with the validator: what the validator accepts, the
schema accepts (it is never stricter), and broken files of every shape fail both. The schema is
shipped in the package and under docs/, and `auditor schema` prints it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from auditor.errors import InventoryError
from auditor.inventory import load_inventory, parse_inventory
from auditor.inventory_schema import inventory_schema, schema_text
from tests import readme
from tests.conftest import REPO, run_auditor
from tests.test_inventory_fuzz import documents, mutated_inventories

VALIDATOR = jsonschema.Draft202012Validator(inventory_schema())


def schema_errors(text: str) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(yaml.safe_load(text))]


def validator_accepts(text: str) -> bool:
    try:
        parse_inventory(text, "inventory.yaml")
    except InventoryError:
        return False
    return True


def example_inventories() -> list[Path]:
    """Every inventory in the repository: the project's, the golden ones, the docs corpus's."""
    candidates = [REPO / "inventory.yaml", *sorted((REPO / "tests").rglob("*.yaml"))]
    found = []
    for path in candidates:
        try:
            load_inventory(path)
        except InventoryError:
            continue
        found.append(path)
    return found


def test_the_shipped_schema_files_are_the_schema_and_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(inventory_schema())
    for path in (REPO / "auditor" / "schemas" / "inventory.schema.json", REPO / "docs" / "inventory.schema.json"):
        assert path.read_text() == schema_text(), f"{path} is stale: write it with auditor schema -o {path}"
    result = run_auditor("schema")
    assert result.returncode == 0 and result.stdout == schema_text()
    assert json.loads(run_auditor("schema", "report").stdout)["$id"].startswith("urn:supabase-inventory-auditor:report")


def test_every_example_inventory_in_the_repository_matches_the_schema() -> None:
    examples = example_inventories()
    assert REPO / "inventory.yaml" in examples and len(examples) >= 5
    for path in examples:
        assert schema_errors(path.read_text()) == [], path


def test_the_manual_examples_match_the_schema() -> None:
    text = "".join(page.read_text() for page in readme.manual_pages())
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    whole = [block for block in blocks if validator_accepts(block)]
    assert len(whole) >= 3
    for block in whole:
        assert schema_errors(block) == [], block


BROKEN = {
    "unknown top-level key": "version: 1\ntabels: {}\n",
    "unknown table key": "tables:\n  profiles: {colums: 7}\n",
    "negative count": "tables:\n  profiles: {columns: -1}\n",
    "count as text": "tables:\n  profiles: {columns: seven}\n",
    "rls not a boolean": "tables:\n  profiles: {rls: maybe}\n",
    "exposed to an unknown role": "tables:\n  t: {rls: false, exposed_to: [service_role], reason: x}\n",
    "policy without roles": "tables:\n  t:\n    policies:\n      p: {command: select}\n",
    "policy command": "tables:\n  t:\n    policies:\n      p: {command: upsert, roles: [anon]}\n",
    "doc not a page": "tables:\n  t: {doc: notes.txt}\n",
    "bucket public not a boolean": "buckets:\n  b: {public: sometimes}\n",
    "bucket size": "buckets:\n  b: {file_size_limit: 10 XB}\n",
    "bucket status": "buckets:\n  b: {status: archived}\n",
    "MIME type without a slash": "buckets:\n  b: {allowed_mime_types: [png]}\n",
    "environment without a URL": "environments:\n  prod: {description: x}\n",
    "unknown environment key": "environments:\n  prod: {database_url: x, password: y}\n",
    "group without a title": "groups:\n  core: {docs: 10-19}\n",
    "version 2": "version: 2\n",
    "empty schemas": "schemas: []\n",
    "ignore of an unknown kind": "ignore:\n  indexes: {x: y}\n",
    "fail_on value": "audit: {fail_on: sometimes}\n",
    "views as a list": "views: [a, b]\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_shape_fails_the_schema_and_the_validator(text: str) -> None:
    assert schema_errors(text), "the schema accepts it"
    assert not validator_accepts(text), "the validator accepts it"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_inventories())
def test_what_the_validator_accepts_the_schema_accepts(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
        loaded = yaml.safe_load(text)
    except Exception:  # not YAML, or a tagged value PyYAML cannot build (!!timestamp x): nothing to compare
        return
    if validator_accepts(text):
        assert [e.message for e in VALIDATOR.iter_errors(loaded)] == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_documents_accepted_by_the_validator_match_the_schema(document: object) -> None:
    text = yaml.safe_dump(document)
    if validator_accepts(text):
        assert [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(text))] == []


def test_a_new_snapshot_names_the_schema_and_writes_it_beside(ourvidz_db: str, tmp_path: Path) -> None:
    result = run_auditor("snapshot", "--env", "prod", "--db-url", ourvidz_db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "inventory.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=inventory.schema.json\n")
    assert (tmp_path / "inventory.schema.json").read_text() == schema_text()
    assert schema_errors(text) == []
    (tmp_path / "inventory.schema.json").write_text("{}")  # a schema already there is never replaced
    run_auditor("snapshot", "--env", "prod", "--db-url", ourvidz_db, "--force", cwd=tmp_path)
    assert (tmp_path / "inventory.schema.json").read_text() == "{}"


@pytest.mark.parametrize("key", ["version", "project", "schemas", "exposed_schemas"])
def test_a_key_left_empty_is_rejected_by_both_unless_it_is_a_section(key: str) -> None:
    """`tables:` empty declares no table; `version:` empty is no version (found by the fuzz test above)."""
    text = (REPO / "inventory.yaml").read_text().replace(f"\n{key}: ", f"\n{key}: \n# was: ", 1)
    assert schema_errors(text) and not validator_accepts(text)
    sections = (REPO / "inventory.yaml").read_text() + "\nviews:\n"
    assert not schema_errors(sections) and validator_accepts(sections)
