"""The example workflows' audit steps run exactly as GitHub runs them, against a real database;
and the `--baseline` and `--github` options on the command line.

The workflows audit through the action (action.yml): its steps are run by bash the way a
runner does (tests/action_runner.py), with the inputs the workflow's `with:` gives, the step's
environment (its secret given a test URL with a password), GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY files, in a checkout-like folder holding inventory.yaml and its docs.
Only the install step is not repeated here: the auditor under test is already installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from psycopg.conninfo import make_conninfo

from auditor.github import annotations, escape_data, escape_property, publish
from auditor.inventory import load_inventory
from auditor.render.json import SCHEMA_ID
from tests import pg
from tests.action_runner import Job, job_for
from tests.conftest import INVENTORY, REPO, run_auditor, run_on_a_terminal
from tests.test_render import drifted
from tests.test_workflows import NIGHTLY, PULL_REQUEST, load

PASSWORD = "s3cret-n1ghtly"
DRIFT = """
create table public.feature_flags (id serial primary key, name text not null);
drop table public.usage_logs;
update storage.buckets set public = true where id = 'reference_images';
"""


def checkout(tmp_path: Path) -> Path:
    """A folder like the job's checkout: inventory.yaml and the docs folder it names."""
    work = tmp_path / "checkout"
    work.mkdir()
    shutil.copy(INVENTORY, work / "inventory.yaml")
    if (REPO / "docs").is_dir():
        shutil.copytree(REPO / "docs", work / "docs")
    return work


def nightly_job(tmp_path: Path, url: str) -> Job:
    return job_for(load(NIGHTLY), "Audit", tmp_path, checkout(tmp_path), {"OURVIDZ_PROD_DATABASE_URL": url})


def with_password(url: str) -> str:
    return make_conninfo(url, password=PASSWORD)  # the test server trusts local connections


def everything_written(job: Job, *results) -> str:
    files = [p.read_text() for p in job.tmp_path.rglob("*") if p.is_file() and p.name != "step.sh"]
    return "\n".join([*(r.stdout + r.stderr for r in results), *files])


VERDICT_OUTPUTS = {"markdown": "reports/audit.md", "json": "reports/audit.json", "sarif": "reports/audit.sarif"}


def test_nightly_step_clean_database(ourvidz_db: str, tmp_path: Path) -> None:
    job = nightly_job(tmp_path, with_password(ourvidz_db))
    result = job.run("Audit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.outputs == {
        "exit-code": "0", "status": "clean", "drift": "false", "findings": "0", "new-findings": "", **VERDICT_OUTPUTS
    }  # fmt: skip
    work = job.workspace
    assert json.loads((work / "reports/audit.json").read_text())["status"] == "clean"
    assert sorted(p.name for p in (work / "reports").iterdir()) == ["audit.json", "audit.md", "audit.sarif"]
    assert job.summary.read_text().startswith("## ✅ Inventory audit: No drift")
    assert "::error" not in result.stdout
    verdict = job.run("Verdict")
    assert verdict.returncode == 0 and "No drift at or above fail-on." in verdict.stdout
    assert PASSWORD not in everything_written(job, result, verdict)


def test_nightly_step_drift_then_baseline(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(ourvidz_db, DRIFT)
    job = nightly_job(tmp_path, with_password(ourvidz_db))
    work = job.workspace
    result = job.run("Audit")
    assert result.returncode == 0, result.stdout + result.stderr  # drift does not fail the job
    report = json.loads((work / "reports/audit.json").read_text())
    assert result.outputs == {
        "exit-code": "1", "status": "drift", "drift": "true", "findings": str(report["summary"]["total"]),
        "new-findings": "", **VERDICT_OUTPUTS,
    }  # fmt: skip
    assert report["status"] == "drift" and report["baseline"] is None
    rules = {(f["rule"], f["name"]) for f in report["findings"]}
    assert {("table-missing", "usage_logs"), ("table-undeclared", "feature_flags")} <= rules
    assert ("bucket-visibility", "reference_images") in rules
    assert job.run("Verdict").returncode == 0

    # annotations at the inventory line that declares each object
    inventory = load_inventory(work / "inventory.yaml")
    usage_logs = next(t for t in inventory.tables if t.name == "usage_logs")
    bucket = next(b for b in inventory.buckets if b.id == "reference_images")
    assert f"::error file=inventory.yaml,line={usage_logs.line},title=table-missing (prod)::Table usage_logs" in (
        result.stdout
    )
    assert f"::error file=inventory.yaml,line={bucket.line},title=bucket-visibility (prod)::" in result.stdout
    assert "::warning file=inventory.yaml,title=table-undeclared (prod)::Table feature_flags" in result.stdout

    markdown = (work / "reports/audit.md").read_text()
    assert markdown.startswith("## ❌ Inventory audit: Drift found")
    assert job.summary.read_text() == markdown.rstrip("\n") + "\n\n"
    sarif = json.loads((work / "reports/audit.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {f["rule"] for f in report["findings"]}
    assert PASSWORD not in everything_written(job, result)

    # the next night: yesterday's JSON report is the baseline (the fetch step downloads it)
    baseline = tmp_path / "runner_temp" / "yesterday.json"
    shutil.move(work / "reports/audit.json", baseline)
    job.outputs["baseline"] = {"path": str(baseline)}
    pg.execute(ourvidz_db, "update storage.buckets set public = false where id = 'reference_images';")
    pg.execute(ourvidz_db, "create table public.feature_toggles (id int);")
    result = job.run("Audit")
    assert result.outputs["exit-code"] == "1" and result.outputs["drift"] == "true"
    report = json.loads((work / "reports/audit.json").read_text())
    changes = {f["name"]: f["change"] for f in report["findings"]}
    assert changes["feature_toggles"] == "new" and changes["usage_logs"] == "unchanged"
    assert result.outputs["new-findings"] == str(report["baseline"]["new"]) != "0"
    resolved = [(f["rule"], f["name"]) for f in report["baseline"]["resolved"]]
    assert ("bucket-visibility", "reference_images") in resolved
    assert all("reference_images" in name for _, name in resolved)  # and its doc's stale visibility, if checked
    assert f"### Resolved since the baseline ({len(resolved)})" in (work / "reports/audit.md").read_text()


def test_nightly_step_fails_the_job_when_no_verdict(tmp_path: Path) -> None:
    unreachable = f"postgresql://auditor:{PASSWORD}@127.0.0.1:1/postgres?connect_timeout=2"
    job = nightly_job(tmp_path, unreachable)
    result = job.run("Audit")
    assert result.returncode == 0, result.stderr  # the Verdict step fails the job, after upload and comment
    assert result.outputs == {"exit-code": "3", "status": "failed", **VERDICT_OUTPUTS}  # no drift: no issue step
    assert "::error file=inventory.yaml,title=Inventory audit failed (prod)::Cannot connect" in result.stdout
    assert json.loads((job.workspace / "reports/audit.json").read_text())["status"] == "failed"
    verdict = job.run("Verdict")
    assert verdict.returncode == 3
    assert "::error title=Inventory audit failed::auditor exited with 3" in verdict.stdout
    assert PASSWORD not in everything_written(job, result, verdict)


FAKE_GH = """#!/bin/sh
# gh as the fetch step uses it: `run list` prints the last run's id, `run download` unpacks its artifact.
case "$1 $2" in
  "run list") [ -n "$FAKE_RUN_ID" ] && echo "$FAKE_RUN_ID"; exit "${FAKE_GH_EXIT:-0}" ;;
  "run download")
    [ -f "$FAKE_ARTIFACT" ] || exit 1
    while [ "$#" -gt 0 ]; do
      case "$1" in --dir) dir="$2" ;; --name) [ "$2" = "$FAKE_NAME" ] || exit 1 ;; esac
      shift
    done
    mkdir -p "$dir"; cp "$FAKE_ARTIFACT" "$dir/audit.json" ;;
esac
"""


@pytest.mark.parametrize(
    ("fake", "expected"),
    [
        ({}, "No earlier report"),  # the first night
        ({"FAKE_GH_EXIT": "1"}, "No earlier report"),  # gh failed: carry on without a baseline
        ({"FAKE_RUN_ID": "7", "FAKE_ARTIFACT": "/nonexistent"}, "No earlier report"),  # artifact expired
        ({"FAKE_RUN_ID": "7", "FAKE_ARTIFACT": "ARTIFACT", "FAKE_NAME": "other"}, "No earlier report"),
        ({"FAKE_RUN_ID": "7", "FAKE_ARTIFACT": "ARTIFACT"}, "Baseline: the report of run 7."),
    ],
)
def test_the_fetch_step_never_fails_the_job(tmp_path: Path, monkeypatch, fake, expected) -> None:
    job = nightly_job(tmp_path, "unused")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    artifact = tmp_path / "artifact.json"
    artifact.write_text('{"version": 1, "findings": []}')
    monkeypatch.setenv("FAKE_NAME", "inventory-audit-prod")  # the artifact the nightly uploads
    for key, value in fake.items():
        monkeypatch.setenv(key, str(artifact) if value == "ARTIFACT" else value)
    result = job.run("Fetch the baseline", f"{bin_dir}:")
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    path = result.outputs.get("path")
    assert bool(path) == expected.startswith("Baseline")
    if path:
        assert Path(path).read_text() == artifact.read_text()


def test_pull_request_step_reports_drift_without_failing(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(ourvidz_db, DRIFT)
    job = job_for(load(PULL_REQUEST), "Audit", tmp_path, checkout(tmp_path), {"OURVIDZ_PROD_DATABASE_URL": ourvidz_db})
    assert job.inputs["comment"] == "true" and job.inputs["artifact"] == "inventory-audit-pr"
    result = job.run("Audit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.outputs["exit-code"] == "1" and result.outputs["drift"] == "true"
    assert (job.workspace / "reports/audit.md").read_text().startswith("## ❌ Inventory audit: Drift found")
    assert job.run("Verdict").returncode == 0


# --- --baseline and --github on the command line ------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read the baseline report"),
        ("{not json", "is not valid JSON (line 1, column 2"),
        ('{"version": 1}', "no 'findings' list"),
        ('{"version": 7, "findings": []}', "unsupported version 7"),
        ('{"version": 1, "findings": [{"rule": "x"}]}', "findings[0].name is missing"),
        ('{"version": 1, "status": "failed", "findings": []}', "is of a failed audit"),
        (
            '{"version": 1, "findings": [{"rule": "x", "name": "t", "kind": "table", "severity": "error", "tags": 5}]}',
            "findings[0].tags is not a list of strings",
        ),
        (
            '{"version": 1, "environment": "staging", "findings": []}',
            "is of environment 'staging', not 'nobody-127.0.0.1-1-none'",
        ),
    ],
)
def test_a_bad_baseline_is_a_usage_error_before_any_connection(tmp_path: Path, content, message) -> None:
    baseline = tmp_path / "last.json"
    if content is not None:
        baseline.write_text(content)
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    result = run_auditor("audit", "--db-url", unreachable, "--baseline", str(baseline))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and str(baseline) in result.stderr


def test_several_environments_need_a_baseline_per_environment(tmp_path: Path) -> None:
    baseline = tmp_path / "last.json"
    baseline.write_text('{"version": 1, "findings": []}')
    result = run_auditor("audit", "--env", "prod", "--env", "staging", "--baseline", str(baseline))
    assert result.returncode == 2
    assert "--baseline needs {env} in its path" in result.stderr


def test_a_baseline_of_another_environment_is_refused_before_connecting(tmp_path: Path) -> None:
    baseline = tmp_path / "prod.json"
    baseline.write_text('{"version": 1, "environment": "prod", "findings": []}')
    env = {"OURVIDZ_STAGING_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = run_auditor("audit", "--env", "staging", "--baseline", str(baseline), env=env)
    assert result.returncode == 2, result.stderr  # not 3: no connection was tried
    assert "is of environment 'prod', not 'staging'" in result.stderr
    per_env = str(tmp_path / "{env}.json")  # with {env}, each environment's own baseline is read
    result = run_auditor("audit", "--env", "prod", "--env", "staging", "--baseline", per_env, env=env)
    assert result.returncode == 2 and "Cannot read the baseline report" in result.stderr
    assert str(tmp_path / "staging.json") in result.stderr


def test_github_alone_publishes_a_failed_audit(tmp_path: Path) -> None:
    summary = tmp_path / "step_summary"
    result = run_auditor(
        "audit", "--db-url", "postgresql://nobody@127.0.0.1:1/none", "--connect-retries", "0", "--github",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "Audit failed" in summary.read_text()
    title = "Inventory audit failed (nobody-127.0.0.1-1-none)"
    assert result.stdout.startswith(f"::error file=inventory.yaml,title={title}::")
    assert result.stderr.count("error:") == 1


def test_junit_and_sarif_of_a_real_audit(ourvidz_db: str, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    pg.execute(ourvidz_db, DRIFT)
    junit, sarif = tmp_path / "audit.xml", tmp_path / "audit.sarif"
    result = run_auditor(
        "audit", "--db-url", ourvidz_db, "--junit", str(junit), "--sarif", str(sarif), "--format", "json"
    )
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    suite = ET.parse(junit).getroot().find("testsuite")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    inventory = load_inventory(INVENTORY)
    declared = {("inventory.table", t.name) for t in inventory.tables} | {
        ("inventory.bucket", b.id) for b in inventory.buckets
    }
    assert declared <= set(cases) and ("inventory.table", "feature_flags") in cases  # undeclared too
    failing = {c for c, case in cases.items() if case.find("failure") is not None}

    def case_of(f: dict) -> tuple[str, str]:  # a column's test case is its table's
        if f["kind"] == "column":
            return "inventory.table", f["name"].rsplit(".", 1)[0]
        return f"inventory.{f['kind']}", f["name"]

    errors = {case_of(f) for f in findings if f["severity"] == "error"}
    assert failing == errors and suite.get("failures") == str(len(errors))
    assert cases[("inventory.table", "usage_logs")].get("line") == str(
        next(t.line for t in inventory.tables if t.name == "usage_logs")
    )
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert sorted((r["ruleId"], r["level"]) for r in results) == sorted(
        (f["rule"], {"error": "error", "warning": "warning", "info": "note"}[f["severity"]]) for f in findings
    )


def test_github_outside_actions_says_there_is_no_summary(ourvidz_db: str) -> None:
    result = run_auditor("audit", "--db-url", ourvidz_db, "--github", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "GITHUB_STEP_SUMMARY is not set" in result.stderr


def test_annotation_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    lines = annotations(drifted())
    assert all("\n" not in line for line in lines)
    undeclared = next(line for line in lines if "table-undeclared" in line)
    assert undeclared.startswith("::warning file=inventory.yaml,title=table-undeclared (prod)::Table we|ird")
    assert "@someone%0Anext line" in undeclared
    assert any(line.startswith("::error file=inventory.yaml,line=80,title=table-missing (prod)::") for line in lines)
    doc = next(line for line in lines if "doc-missing" in line)  # no page: the table it is about
    assert doc.startswith("::warning file=inventory.yaml,line=12,title=doc-missing (prod)::")


def test_annotations_point_at_the_doc_page_and_line_or_the_inventory_line() -> None:
    from auditor.model import Finding, Severity

    stale = Finding(
        "doc-stale", Severity.WARNING, "doc", "12-profiles.md", 7, 9, "12-profiles.md is out of date.", "Update it.",
        path="docs/database/12-profiles.md", line=14, about="profiles",
    )  # fmt: skip
    orphan = replace(stale, rule="doc-orphan", name="50-old.md", path="docs/database/50-old.md", line=None)
    report = replace(drifted(), findings=(stale, orphan, *drifted().findings))
    by_rule = {line.split("title=")[1].split(" ")[0]: line for line in annotations(report)}
    assert by_rule["doc-stale"].startswith("::warning file=docs/database/12-profiles.md,line=14,title=")
    assert by_rule["doc-orphan"].startswith("::warning file=docs/database/50-old.md,title=")  # the page, no line
    assert by_rule["table-missing"].startswith("::error file=inventory.yaml,line=80,title=")
    assert by_rule["column-unexpected"].startswith("::warning file=inventory.yaml,line=30,title=")  # its table's
    assert by_rule["table-undeclared"].startswith("::warning file=inventory.yaml,title=")  # declared nowhere


def test_publish_appends_to_the_job_summary(tmp_path: Path) -> None:
    import io

    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    out = io.StringIO()
    assert publish(drifted(), "## report\n", out, {"GITHUB_STEP_SUMMARY": str(summary)}) is None
    assert summary.read_text() == "earlier step\n## report\n\n"
    assert out.getvalue().count("\n") == len(drifted().findings)


# --- what the reports say about a real audit ------------------------------------------------


def test_a_failed_audit_writes_its_report_where_it_was_asked_stdout_included(tmp_path: Path) -> None:
    """`-f json > out.json` must not leave an empty file: the report is there, marked failed."""
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    out = tmp_path / "out.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    with out.open("w") as stdout:  # a shell's redirection: stdout is the file
        result = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", "--db-url", unreachable, "--connect-retries", "0", "-f", "json"],
            stdout=stdout, stderr=subprocess.PIPE, text=True, env=environment, cwd=REPO, timeout=120,
        )  # fmt: skip
    assert result.returncode == 3, result.stderr
    report = json.loads(out.read_text())
    assert report["status"] == "failed" and report["$schema"] == SCHEMA_ID
    assert report["failure"]["exit_code"] == 3 and report["failure"]["message"].startswith("Cannot connect")
    assert result.stderr.startswith("error: Cannot connect")
    for fmt, marker in (
        ("markdown", "## ⛔ Inventory audit: Audit failed"),
        ("junit", "exit 3"),
        ("sarif", '"executionSuccessful": false'),
    ):
        printed = run_auditor("audit", "--db-url", unreachable, "--connect-retries", "0", "-f", fmt)
        assert printed.returncode == 3 and marker in printed.stdout, (fmt, printed.stdout)
    terminal = run_auditor("audit", "--db-url", unreachable, "--connect-retries", "0")
    assert terminal.returncode == 3 and terminal.stdout == ""  # a person reads the error, once, on stderr


def test_a_column_count_finding_names_what_came_and_went_since_the_baseline(ourvidz_db: str, tmp_path: Path) -> None:
    last_night = tmp_path / "last.json"
    result = run_auditor("audit", "--db-url", ourvidz_db, "--json", str(last_night))
    assert result.returncode == 0, result.stderr
    earlier = json.loads(last_night.read_text())
    assert "age_verified" in earlier["live_columns"]["profiles"]  # stored for the next run
    assert len(earlier["live_columns"]) == earlier["summary"]["tables_live"]

    pg.execute(ourvidz_db, "alter table public.profiles add column display_name text, drop column age_verified;")
    pg.execute(ourvidz_db, "alter table public.profiles add column avatar_url text;")
    without = run_auditor("audit", "--db-url", ourvidz_db, "-f", "json")
    (count,) = [f for f in json.loads(without.stdout)["findings"] if f["rule"] == "column-count"]
    assert "Which columns came and went is not known without --baseline" in count["hint"]
    assert count["columns_changed"] is None

    result = run_auditor("audit", "--db-url", ourvidz_db, "--baseline", str(last_night), "-f", "json")
    assert result.returncode == 1, result.stderr
    (count,) = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "column-count"]
    assert count["message"] == (
        "Table profiles has 8 columns; the inventory says 7. "
        "Since the baseline: added display_name, avatar_url; removed age_verified."
    )
    assert count["columns_changed"] == {"added": ["display_name", "avatar_url"], "removed": ["age_verified"]}
    assert "--baseline" not in count["hint"]
    terminal = run_auditor("audit", "--db-url", ourvidz_db, "--baseline", str(last_night)).stdout
    assert "Since the baseline: added display_name, avatar_url; removed age_verified." in " ".join(
        line.strip() for line in terminal.splitlines()
    )


def test_quiet_and_verbose(ourvidz_db: str) -> None:
    pg.execute(ourvidz_db, "alter table public.profiles add column display_name text;")
    quiet = run_auditor("audit", "--db-url", ourvidz_db, "--quiet")
    assert quiet.returncode == 1, quiet.stderr
    verdict, environment, checked = quiet.stdout.splitlines()
    assert verdict == "✖ Drift found: 1 error, 1 warning"
    assert environment.startswith("  environment postgres-")  # a run of a URL is named after its target
    assert checked == "  checked     26 tables declared, 26 live · 10 buckets declared, 10 live"
    verbose = run_auditor("audit", "--db-url", ourvidz_db, "-v", env={"COLUMNS": "200"})
    assert "      profiles · expected 7 · actual 8\n" in verbose.stdout
    both = run_auditor("audit", "--db-url", ourvidz_db, "-q", "-v")
    assert both.returncode == 2 and "either --quiet or --verbose" in both.stderr


EXTRA_TABLES = 4


def test_a_30_table_projects_clean_report_fits_on_one_screen(ourvidz_db: str, tmp_path: Path) -> None:
    for i in range(EXTRA_TABLES):  # 26 + 4 tables, each as a careful project keeps them
        pg.execute(
            ourvidz_db,
            f"create table public.extra_{i} (id int primary key);"
            f"alter table public.extra_{i} enable row level security;"
            f"create policy own on public.extra_{i} for select to authenticated using (true);",
        )
    text = INVENTORY.read_text().replace("tables:\n", "tables:\n" + "".join(
        f"  extra_{i}:\n    columns: 1\n" for i in range(EXTRA_TABLES)), 1)  # fmt: skip
    (tmp_path / "inventory.yaml").write_text(text)
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    for columns in (80, 200):
        result = run_auditor("audit", "--db-url", ourvidz_db, env={"COLUMNS": str(columns)}, cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "✔ No drift: the database matches the inventory"
        assert "  checked     30 tables declared, 30 live · 10 buckets declared, 10 live" in lines
        assert len(lines) <= 24 and max(map(len, lines)) <= columns, result.stdout  # one 80x24 screen
        assert "  checks      row level security and API read access of 30 tables in public" in lines


def test_errors_wrap_on_a_terminal_and_keep_one_line_in_a_pipe() -> None:
    args = ["audit", "--db-url", "postgresql://postgres.abcdefghijklmnopqrst:pw@127.0.0.1:1/postgres"]
    args += ["--connect-retries", "0"]
    piped = run_auditor(*args)
    assert piped.returncode == 3 and piped.stderr.count("\n") == 1 and len(piped.stderr) > 200  # one line
    result, on_terminal = run_on_a_terminal(*args, env={"COLUMNS": "80"})
    assert result.returncode == 3
    lines = on_terminal.replace("\r\n", "\n").splitlines()
    assert len(lines) > 3 and max(map(len, lines)) <= 80, lines
    assert all(line.startswith("  ") for line in lines[1:])  # continuation lines indented
    assert " ".join(line.strip() for line in lines) == piped.stderr.strip()  # broken at spaces only: nothing lost
