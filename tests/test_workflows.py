"""The GitHub workflows in examples/github/: valid YAML, the shape GitHub needs, no secret in a
script, every `auditor` command line accepted by the real CLI, and their github-script steps
(tracking issue, sticky comment) run in Node against an in-memory GitHub."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import typer.main
import yaml

from auditor.cli import app
from auditor.inventory import load_inventory
from tests.conftest import INVENTORY, REPO

WORKFLOWS = REPO / "examples" / "github"
NIGHTLY = WORKFLOWS / "inventory-nightly.yml"
PULL_REQUEST = WORKFLOWS / "inventory-pull-request.yml"


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step(workflow: dict, name: str) -> dict:
    return next(s for s in steps(workflow) if s.get("name") == name)


def scripts(workflow: dict) -> list[str]:
    """Every shell script and github-script body of the workflow."""
    return [s["run"] for s in steps(workflow) if "run" in s] + [
        s["with"]["script"] for s in steps(workflow) if "script" in s.get("with", {})
    ]


# --- command lines ------------------------------------------------------------------------


def auditor_command_lines(script: str) -> list[list[str]]:
    """The argument lists of every `auditor` command in a bash script, each bash array it
    expands once empty and once with its assigned value (both must be accepted)."""
    joined = re.sub(r"\\\n\s*", " ", script)
    arrays = dict(re.findall(r"^\s*(?:if .*then )?(\w+)=\((.+?)\)", joined, flags=re.M))
    found = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if not words or words[0] != "auditor":
            continue
        variants = [[]]
        for word in words[1:]:
            expansion = re.fullmatch(r"\$\{(\w+)\[@\]\}", word)
            if expansion:
                value = shlex.split(arrays[expansion.group(1)])
                variants = [v + extra for v in variants for extra in ([], value)]
            else:
                variants = [[*v, word] for v in variants]
        found += variants
    return found


def check_against_cli(args: list[str]) -> None:
    """Parse `auditor ARGS` with the real command tree: the sub-command and every option must exist.

    Raises typer's click errors (NoSuchOption, BadParameter, UsageError) otherwise.
    """
    command = typer.main.get_command(app)
    context = command.make_context("auditor", [], resilient_parsing=True)
    rest = list(args)
    while hasattr(command, "get_command"):  # a group: the next word names a sub-command
        assert rest, f"auditor {' '.join(args)}: no sub-command"
        name, rest = rest[0], rest[1:]
        sub = command.get_command(context, name)
        assert sub is not None, f"auditor {' '.join(args)}: no sub-command {name!r}"
        command = sub
        if hasattr(command, "get_command"):
            context = command.make_context(name, [], parent=context, resilient_parsing=True)
        else:
            command.make_context(name, rest, parent=context)


@pytest.mark.parametrize("path", [NIGHTLY, PULL_REQUEST], ids=lambda p: p.name)
def test_every_auditor_command_exists_with_its_options(path: Path) -> None:
    lines = [args for script in scripts(load(path)) for args in auditor_command_lines(script)]
    assert lines, "no auditor command found"
    for args in lines:
        check_against_cli(args)


def test_the_checker_rejects_what_the_cli_rejects() -> None:
    from typer import TyperException

    check_against_cli(["audit", "--env", "prod", "--baseline", "b.json", "--github"])
    for bad in (["audit", "--no-such-option"], ["audit", "--format", "pdf"], ["docs", "nope"], ["nope"]):
        with pytest.raises((TyperException, AssertionError)):
            check_against_cli(bad)
    script = 'a=()\nif x; then a=(--baseline b.json); fi\nauditor audit --env "$E" \\\n  --github "${a[@]}"\n'
    assert auditor_command_lines(script) == [
        ["audit", "--env", "$E", "--github"],
        ["audit", "--env", "$E", "--github", "--baseline", "b.json"],
    ]


def test_the_workflows_run_the_expected_commands() -> None:
    nightly = [args[:1] for s in scripts(load(NIGHTLY)) for args in auditor_command_lines(s)]
    assert nightly == [["audit"], ["audit"]]  # with and without the baseline
    pull_request = {" ".join(args[:2]) for s in scripts(load(PULL_REQUEST)) for args in auditor_command_lines(s)}
    assert pull_request == {"validate", "docs inventory", "audit --env"}
    audit = next(a for s in scripts(load(NIGHTLY)) for a in auditor_command_lines(s) if "--baseline" in a)
    for option in ("--markdown", "--json", "--github", "--report-url", "--fail-on"):
        assert option in audit


# --- shape and hygiene --------------------------------------------------------------------


def test_nightly_triggers_permissions_and_artifacts() -> None:
    nightly = load(NIGHTLY)
    assert nightly["on"]["schedule"][0]["cron"] and "workflow_dispatch" in nightly["on"]
    assert nightly["permissions"] == {"contents": "read", "issues": "write", "actions": "read"}
    upload = step(nightly, "Upload the reports")
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"
    assert step(nightly, "Open, update or close the tracking issue")["if"] == "steps.audit.outputs.drift != ''"


def test_pull_request_audits_only_with_the_secret() -> None:
    workflow = load(PULL_REQUEST)
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"]["pull-requests"] == "write"
    audit_job = workflow["jobs"]["audit"]
    assert audit_job["needs"] == "offline"
    assert audit_job["env"]["HAS_DATABASE"] == "${{ secrets.OURVIDZ_PROD_DATABASE_URL != '' }}"
    guarded = [s for s in audit_job["steps"] if s.get("name") != "Skip without a database secret"]
    for s in guarded[:-1]:
        assert "env.HAS_DATABASE == 'true'" in s["if"] or "steps.audit.outputs" in s["if"], s


@pytest.mark.parametrize("path", [NIGHTLY, PULL_REQUEST], ids=lambda p: p.name)
def test_secrets_reach_commands_only_through_environment_variables(path: Path) -> None:
    workflow = load(path)
    for script in scripts(workflow):
        assert "${{" not in script, "an expression inside a script (secret echo or injection risk)"
    for s in steps(workflow):
        for value in s.get("env", {}).values():
            if "secrets." in str(value):
                assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", value)
    for s in steps(workflow):
        if "uses" in s:
            assert re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", s["uses"]), s["uses"]


def test_the_secret_names_the_variable_the_inventory_reads() -> None:
    audit = step(load(NIGHTLY), "Audit")
    (variable,) = [k for k, v in audit["env"].items() if "secrets." in v]
    prod = load_inventory(INVENTORY).environment(audit_environment())
    assert prod.database_url == f"${{{variable}}}"


def audit_environment() -> str:
    return load(NIGHTLY)["env"]["AUDIT_ENV"]


# --- github-script steps, run in Node against an in-memory GitHub --------------------------

FAKE_GITHUB = r"""
const fs = require('fs');
const state = JSON.parse(fs.readFileSync(process.env.STATE_FILE, 'utf8'));
const ok = (data) => ({ data });
const notFound = () => Object.assign(new Error('Not Found'), { status: 404 });
const issues = {
  listForRepo: async ({ state: wanted, labels }) =>
    ok(state.issues.filter((i) => i.state === wanted && i.labels.includes(labels))),
  getLabel: async ({ name }) => { if (!state.labels.includes(name)) throw notFound(); return ok({ name }); },
  createLabel: async ({ name }) => { state.labels.push(name); return ok({ name }); },
  create: async ({ title, body, labels }) => {
    const issue = { number: state.next++, title, body, labels, state: 'open' };
    state.issues.push(issue);
    return ok(issue);
  },
  update: async ({ owner, repo, issue_number, ...fields }) => {
    const issue = state.issues.find((i) => i.number === issue_number);
    Object.assign(issue, fields);
    return ok(issue);
  },
  createComment: async ({ issue_number, body }) => {
    const comment = { id: state.next++, issue_number, body, user: { type: 'Bot' } };
    state.comments.push(comment);
    return ok(comment);
  },
  listComments: async ({ issue_number }) => ok(state.comments.filter((c) => c.issue_number === issue_number)),
  updateComment: async ({ comment_id, body }) => {
    const comment = state.comments.find((c) => c.id === comment_id);
    comment.body = body;
    return ok(comment);
  },
};
const github = { rest: { issues }, paginate: async (method, params) => (await method(params)).data };
const context = { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 7 } } };
const core = { info: (message) => console.log(message) };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
const script = fs.readFileSync(process.env.SCRIPT_FILE, 'utf8');
new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core)
  .then(() => fs.writeFileSync(process.env.STATE_FILE, JSON.stringify(state)))
  .catch((error) => { console.error(error); process.exit(1); });
"""

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


class FakeRepository:
    """Runs a workflow's github-script body in Node against issues and comments kept in a file."""

    def __init__(self, tmp_path: Path, workflow: dict, step_name: str):
        self.dir = tmp_path
        self.state_file = tmp_path / "state.json"
        self.state_file.write_text(json.dumps({"issues": [], "comments": [], "labels": [], "next": 1}))
        (tmp_path / "script.js").write_text(step(workflow, step_name)["with"]["script"])
        (tmp_path / "harness.js").write_text(FAKE_GITHUB)
        (tmp_path / "reports").mkdir()
        self.env = {"AUDIT_ENV": workflow["env"]["AUDIT_ENV"], "RUN_URL": "https://github.com/o/r/actions/runs/1"}

    @property
    def state(self) -> dict:
        return json.loads(self.state_file.read_text())

    def update(self, change) -> None:
        state = self.state
        change(state)
        self.state_file.write_text(json.dumps(state))

    def run(self, report: str | None, new: int = 0, **env: str) -> None:
        """Run the script once; `report` is the markdown report (None: the audit wrote none)."""
        markdown = self.dir / "reports" / "audit.md"
        if report is None:
            markdown.unlink(missing_ok=True)
        else:
            markdown.write_text(report)
        (self.dir / "reports" / "audit.json").write_text(json.dumps({"baseline": {"new": new}}))
        result = subprocess.run(
            ["node", "harness.js"],
            cwd=self.dir,
            env={**self.env, **env, "STATE_FILE": str(self.state_file), "SCRIPT_FILE": "script.js"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr


@needs_node
def test_one_tracking_issue_opened_updated_and_closed(tmp_path: Path) -> None:
    github = FakeRepository(tmp_path, load(NIGHTLY), "Open, update or close the tracking issue")
    github.update(
        lambda s: s["issues"].append(
            {"number": 99, "body": "by hand", "labels": ["inventory-drift"], "state": "open", "title": "x"}
        )
    )

    github.run("## ❌ night 1", DRIFT="true")
    opened = [i for i in github.state["issues"] if i["number"] != 99]
    assert len(opened) == 1 and opened[0]["state"] == "open" and opened[0]["title"] == "Inventory drift in prod"
    assert opened[0]["body"].startswith("<!-- inventory-auditor:tracking:prod -->\n## ❌ night 1")
    assert github.state["labels"] == ["inventory-drift"]

    github.run("## ❌ night 2", new=2, DRIFT="true")
    github.run("## ❌ night 3", new=0, DRIFT="true")
    state = github.state
    assert len(state["issues"]) == 2, "not one issue per night"
    assert "night 3" in state["issues"][1]["body"]
    assert [c["body"].split(" (")[0] for c in state["comments"]] == ["2 new findings since the last report"]

    github.run("## ✅ night 4", DRIFT="false")
    github.run("## ✅ night 5", DRIFT="false")
    state = github.state
    assert state["issues"][1]["state"] == "closed" and state["issues"][1]["state_reason"] == "completed"
    assert state["comments"][-1]["body"].startswith("No drift any more in prod")
    assert len(state["comments"]) == 2
    assert state["issues"][0] == {
        "number": 99,
        "body": "by hand",
        "labels": ["inventory-drift"],
        "state": "open",
        "title": "x",
    }

    github.run("## ❌ night 6", DRIFT="true")
    state = github.state
    assert [i["state"] for i in state["issues"]] == ["open", "closed", "open"]


@needs_node
def test_one_sticky_pull_request_comment_updated_on_every_push(tmp_path: Path) -> None:
    github = FakeRepository(tmp_path, load(PULL_REQUEST), "Post or update the pull request comment")
    human = {"id": 500, "issue_number": 7, "body": "quoting <!-- inventory-auditor -->", "user": {"type": "User"}}
    github.update(lambda s: s["comments"].append(human))
    for push in range(3):
        github.run(f"## report of push {push}", EXIT_CODE="1")
    comments = github.state["comments"]
    assert comments[0] == human
    assert len(comments) == 2, "the comment was duplicated"
    assert comments[1]["body"].startswith("<!-- inventory-auditor -->\n## report of push 2")
    github.run(None, EXIT_CODE="3")
    assert "auditor exited with 3" in github.state["comments"][1]["body"]
