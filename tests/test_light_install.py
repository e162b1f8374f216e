"""The base install has no Storage API client: `supabase` is the storage-api extra.

Without it, every command works except for an environment that reads buckets through the
Storage API, which gets a usage error (exit 2) naming the extra and how to install it.
The package is hidden from a real `auditor` process (sys.modules[name] = None makes Python
refuse to import it, as if it were not installed). .ci/run also installs the auditor into a
fresh virtual environment without extras and runs it there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import INVENTORY, REPO
from tests.storage_api_server import inventory_with_environments

ENVIRONMENTS = """
environments:
  api:
    supabase_url: ${SIA_SUPABASE_URL}
    service_key: ${SIA_SERVICE_KEY}
  sql:
    database_url: ${SIA_DATABASE_URL}
"""


def run_without_supabase(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    hide = "import sys; sys.modules['supabase'] = None; sys.argv[0] = 'auditor'; from auditor.cli import main; main()"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "SIA_"))}
    return subprocess.run(
        [sys.executable, "-c", hide, *args],
        capture_output=True,
        text=True,
        env={**environment, "NO_COLOR": "1", **env},
        timeout=60,
    )


def test_the_base_install_does_not_require_the_supabase_client() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.startswith("supabase")]
    assert [d for d in project["optional-dependencies"]["storage-api"] if d.startswith("supabase")]
    assert [d for d in project["optional-dependencies"]["dev"] if d.startswith("supabase")]  # the API tests


def test_an_api_environment_without_the_extra_says_how_to_install_it(tmp_path: Path) -> None:
    inventory = inventory_with_environments(INVENTORY, tmp_path, ENVIRONMENTS)
    variables = {"SIA_SUPABASE_URL": "https://abcdefgh.supabase.co", "SIA_SERVICE_KEY": "sb_secret_x"}
    report = tmp_path / "audit.json"
    result = run_without_supabase(
        "audit", "--inventory", str(inventory), "--env", "api", "--json", str(report), env=variables
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: Environment 'api' reads its buckets through the Storage API")
    assert "storage-api extra" in result.stderr and "pip install '.[storage-api]'" in result.stderr
    assert "pip install 'supabase" in result.stderr  # the requirement, for an install from elsewhere
    assert "Traceback" not in result.stderr and "sb_secret_x" not in result.stderr
    assert json.loads(report.read_text())["status"] == "failed"  # as for any audit without a verdict


def test_everything_else_works_without_the_client(ourvidz_db: str, tmp_path: Path) -> None:
    inventory = inventory_with_environments(INVENTORY, tmp_path, ENVIRONMENTS)
    result = run_without_supabase("validate", "--inventory", str(inventory), env={})
    assert result.returncode == 0, result.stderr
    result = run_without_supabase(
        "audit", "--inventory", str(inventory), "--env", "sql", "-f", "json", env={"SIA_DATABASE_URL": ourvidz_db}
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "clean"
