"""Several environments in one command: concurrent, reported separately, failures kept apart."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.conftest import INVENTORY, run_auditor, run_on_a_terminal

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


MALFORMED = "postgres://u:s3cr3t-pw@[::1/db"  # an IPv6 bracket never closed


def test_a_malformed_url_fails_its_environment_only(ourvidz_db: str, tmp_path: Path) -> None:
    env = {"OURVIDZ_LOCAL_DATABASE_URL": ourvidz_db, "OURVIDZ_PROD_DATABASE_URL": ourvidz_db}
    env["OURVIDZ_STAGING_DATABASE_URL"] = MALFORMED
    result = run_auditor("audit", "--all-envs", "--json", str(tmp_path / "{env}.json"), env=env)
    assert result.returncode == 2, result.stderr  # a usage error, not a crash (4)
    reports = {p.stem: json.loads(p.read_text()) for p in tmp_path.glob("*.json")}
    assert {name: r["status"] for name, r in reports.items()} == {
        "prod": "clean",
        "staging": "failed",
        "local": "clean",
    }
    staging = reports["staging"]
    assert "database URL of environment 'staging' is malformed" in staging["failure"]["message"]
    assert staging["failure"]["exit_code"] == 2
    assert "s3cr3t-pw" not in result.stderr + (tmp_path / "staging.json").read_text()
    # a failed report has the same summary keys, in the same order; what was never read is null
    assert list(staging["summary"]) == list(reports["local"]["summary"])
    assert staging["summary"]["tables_declared"] == reports["local"]["summary"]["tables_declared"] > 0
    assert staging["summary"]["tables_live"] is None and staging["summary"]["buckets_live"] is None


def test_a_malformed_url_alone_is_a_usage_error(tmp_path: Path) -> None:
    result = run_auditor("audit", "--db-url", MALFORMED)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: The URL given with --db-url or AUDITOR_DATABASE_URL is malformed: end of")
    assert "s3cr3t" not in result.stderr


class _Environ(dict):
    """Environment variables where reading one raises: stands in for a bug hit by one environment."""

    def get(self, key, default=None):
        if key == "OURVIDZ_STAGING_DATABASE_URL":
            raise RuntimeError("boom")
        return super().get(key, default)


def test_a_bug_in_one_environment_fails_its_report_only(ourvidz_db: str) -> None:
    import pytest

    from auditor.api import audit_environments
    from auditor.inventory import load_inventory

    inventory = load_inventory(INVENTORY)
    environ = _Environ(OURVIDZ_LOCAL_DATABASE_URL=ourvidz_db)
    local, staging = audit_environments(inventory, ["local", "staging"], environ=environ)
    assert local.status == "clean" and staging.status == "failed"
    assert staging.failure.exit_code == 4
    assert "internal error: RuntimeError while auditing environment 'staging'" in staging.failure.message
    assert "This is a bug" in staging.failure.message and "AUDITOR_DEBUG=1" in staging.failure.message
    with pytest.raises(RuntimeError):  # AUDITOR_DEBUG: the traceback, as for one environment
        audit_environments(inventory, ["local", "staging"], environ=_Environ(environ, AUDITOR_DEBUG="1"))


def test_one_report_that_cannot_be_written_does_not_stop_the_others(ourvidz_db: str, tmp_path: Path) -> None:
    (tmp_path / "staging").mkdir()
    full = tmp_path / "staging" / "audit.json"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a private /dev/full: every write fails
    env = {"OURVIDZ_LOCAL_DATABASE_URL": ourvidz_db, "OURVIDZ_STAGING_DATABASE_URL": ourvidz_db}
    json_path = str(tmp_path / "{env}" / "audit.json")
    result = run_auditor("audit", "--env", "staging", "--env", "local", "--json", json_path, env=env)
    assert result.returncode == 2, result.stderr
    assert f"Cannot write the json report to {full}: No space left on device" in result.stderr
    assert json.loads((tmp_path / "local" / "audit.json").read_text())["status"] == "clean"


def test_a_url_override_never_goes_with_all_envs(tmp_path: Path) -> None:
    from tests.storage_api_server import inventory_with_environments

    one = inventory_with_environments(INVENTORY, tmp_path, "\nenvironments:\n  only:\n    database_url: ${X}\n")
    for args, env in (
        (("--db-url", UNREACHABLE), {}),
        ((), {"AUDITOR_DATABASE_URL": UNREACHABLE}),
    ):
        result = run_auditor("audit", "--inventory", str(one), "--all-envs", *args, env=env)
        assert result.returncode == 2, result.stderr
        assert "never --all-envs" in result.stderr


def test_all_envs_with_no_environment_declared(tmp_path: Path) -> None:
    from tests.storage_api_server import inventory_with_environments

    none = inventory_with_environments(INVENTORY, tmp_path, "\n")
    result = run_auditor("audit", "--inventory", str(none), "--all-envs")
    assert result.returncode == 2, result.stderr
    assert f"the inventory {none} declares no environments" in result.stderr


def test_the_library_refuses_one_url_for_several_environments() -> None:
    import pytest

    from auditor.api import audit_environments
    from auditor.errors import UsageError
    from auditor.inventory import load_inventory

    with pytest.raises(UsageError, match="AUDITOR_DATABASE_URL names one database"):
        audit_environments(load_inventory(INVENTORY), ["local", "prod"], environ={"AUDITOR_DATABASE_URL": UNREACHABLE})


def test_env_and_all_envs_are_exclusive() -> None:
    result = run_auditor("audit", "--env", "local", "--all-envs")
    assert result.returncode == 2
    assert "either --env or --all-envs, not both" in result.stderr


def test_on_a_terminal_a_failed_environment_is_said_once(ourvidz_db: str) -> None:
    """Several environments print each report, the failed one's with its message: on a terminal the
    error line on stderr would say it a second time; in a pipe stderr keeps it (stdout may be a file)."""
    env = {"OURVIDZ_LOCAL_DATABASE_URL": ourvidz_db, "OURVIDZ_STAGING_DATABASE_URL": UNREACHABLE}
    args = ["audit", "--env", "local", "--env", "staging", "--connect-retries", "0"]
    result, text = run_on_a_terminal(*args, env={**env, "COLUMNS": "200"}, stdout_too=True)
    assert result.returncode == 3
    assert text.count("Cannot connect to the database of environment 'staging'") == 1, text
    piped = run_auditor(*args, env=env)
    assert "Cannot connect to the database of environment 'staging'" in piped.stderr
