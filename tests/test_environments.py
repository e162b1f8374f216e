"""Several environments in one command: concurrent, reported separately, failures kept apart."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import INVENTORY, run_auditor

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/postgres"  # nothing listens on port 1


def test_two_environments_one_failing_each_reported(ourvidz_db: str, tmp_path: Path) -> None:
    env = {"OURVIDZ_LOCAL_DATABASE_URL": ourvidz_db, "OURVIDZ_STAGING_DATABASE_URL": UNREACHABLE}
    args = ("--env", "local", "--env", "staging", "--connect-retries", "0")
    result = run_auditor(
        "audit", *args, "--json", str(tmp_path / "{env}.json"), "--markdown", str(tmp_path / "{env}.md"), env=env
    )
    assert result.returncode == 3, result.stderr  # the failure wins over "no drift"
    local = json.loads((tmp_path / "local.json").read_text())
    staging = json.loads((tmp_path / "staging.json").read_text())
    assert local["status"] == "clean" and local["environment"] == "local"
    assert staging["status"] == "failed" and staging["findings"] == []
    assert "environment 'staging'" in staging["failure"]["message"]
    assert staging["failure"]["exit_code"] == 3
    assert "says nothing about drift" in (tmp_path / "staging.md").read_text()
    # the terminal shows both, in the order asked
    assert result.stdout.index("local") < result.stdout.index("staging")
    assert "No drift" in result.stdout and "Audit failed" in result.stdout
    assert "environment 'staging'" in result.stderr


def test_all_envs_reports_missing_credentials_per_environment(ourvidz_db: str, tmp_path: Path) -> None:
    env = {"OURVIDZ_LOCAL_DATABASE_URL": ourvidz_db, "OURVIDZ_PROD_DATABASE_URL": "", "AUDITOR_DATABASE_URL": ""}
    result = run_auditor("audit", "--all-envs", "--json", str(tmp_path / "{env}.json"), env=env)
    assert result.returncode == 2, result.stderr  # prod and staging have no URL set
    statuses = {p.stem: json.loads(p.read_text())["status"] for p in tmp_path.glob("*.json")}
    assert statuses == {"prod": "failed", "staging": "failed", "local": "clean"}


def test_several_environments_need_env_in_output_paths(tmp_path: Path) -> None:
    result = run_auditor("audit", "--env", "prod", "--env", "staging", "--json", str(tmp_path / "a.json"))
    assert result.returncode == 2
    assert "--json needs {env} in its path" in result.stderr
    result = run_auditor("audit", "--env", "prod", "--env", "staging", "--format", "json")
    assert result.returncode == 2 and "needs --output" in result.stderr


def test_unknown_environment_is_a_usage_error_before_any_audit() -> None:
    result = run_auditor("audit", "--inventory", str(INVENTORY), "--env", "local", "--env", "prdo")
    assert result.returncode == 2
    assert "Unknown environment 'prdo'" in result.stderr and "prod, staging, local" in result.stderr


def test_a_single_failed_audit_writes_a_failed_report_not_a_stale_one(tmp_path: Path) -> None:
    report = tmp_path / "audit.json"
    report.write_text('{"status": "clean"}')  # last night's report
    result = run_auditor(
        "audit", "--env", "local", "--connect-retries", "0", "--json", str(report),
        env={"OURVIDZ_LOCAL_DATABASE_URL": UNREACHABLE},
    )  # fmt: skip
    assert result.returncode == 3
    data = json.loads(report.read_text())
    assert data["status"] == "failed" and "Connection refused" in data["failure"]["message"]
    assert result.stderr.count("error:") == 1
