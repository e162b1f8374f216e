"""No output of the auditor ever holds the database password or the service key.

Runs that succeed and runs that fail every way (unreachable, unknown database, malformed URL,
bad inventory, refused key, an internal error with AUDITOR_DEBUG=1), in every format, with
report files: stdout, stderr and every written file are searched for the secrets, plain and
URL-encoded. The test server trusts loopback connections, so it ignores the password.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from psycopg.conninfo import conninfo_to_dict

from auditor import secrets
from auditor.commands.audit import OutputFormat
from tests import pg
from tests.conftest import INVENTORY, run_auditor
from tests.echo_server import EchoingServer
from tests.storage_api_server import StorageApiServer, inventory_with_environments, unused_port

PASSWORD = "Kn0wn p@ss/w:rd#%?&="  # every character a URL must encode
SERVICE_KEY = "sb_secret_Kn0wnServ1ceKeyForTheSecretsTest"
SECRETS = (PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD), SERVICE_KEY, "Kn0wn p@ss", "Kn0wnServ1ce")

ENVIRONMENTS = """
environments:
  local:
    database_url: ${OURVIDZ_LOCAL_DATABASE_URL}
  both:
    database_url: ${OURVIDZ_LOCAL_DATABASE_URL}
    supabase_url: ${SECRETS_SUPABASE_URL}
    service_key: ${SUPABASE_SERVICE_ROLE_KEY}
"""


def with_password(conninfo: str, dbname: str | None = None) -> str:
    """postgresql://postgres:<password>@host:port/db for the test database (host may be a socket folder)."""
    params = conninfo_to_dict(conninfo)
    host, port = params.get("host", ""), params.get("port", "5432")
    user, database = params.get("user", "postgres"), dbname or params["dbname"]
    secret = quote(PASSWORD, safe="")
    if host.startswith("/"):
        return f"postgresql://{user}:{secret}@:{port}/{database}?host={quote(host)}"
    return f"postgresql://{user}:{secret}@{host}:{port}/{database}"


def without_password(conninfo: str, dbname: str, user: str) -> str:
    """postgresql://<user>@host:port/<dbname> for the test server: a URL with no password at all."""
    return with_password(conninfo, dbname).replace(f"postgres:{quote(PASSWORD, safe='')}@", f"{user}@")


@pytest.mark.parametrize(
    ("user", "dbname", "error"),
    [
        ("postgres", "postgres_nosuch", 'database "postgres_nosuch" does not exist'),
        ("nosuchuser", "postgres", 'role "nosuchuser" does not exist'),
    ],
)
def test_a_url_without_a_password_shows_its_names(server: str, user: str, dbname: str, error: str) -> None:
    """Only a password is secret: the role and database names of a URL without one are shown."""
    url = without_password(server, dbname, user)
    result = run_auditor("audit", "--db-url", url, "--connect-retries", "0", "-f", "json")
    assert result.returncode == 3, result.stderr
    assert error in result.stderr and "********" not in result.stderr + result.stdout


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """The repository's inventory (without its docs folder) with an environment using the Storage API."""
    return inventory_with_environments(INVENTORY, tmp_path, ENVIRONMENTS)


@pytest.fixture
def api(ourvidz_db: str) -> Iterator[StorageApiServer]:
    with StorageApiServer(ourvidz_db, {SERVICE_KEY: "service_role"}) as server:
        yield server


BUG_IN_A_RULE = """
import auditor.drift


def judge(*args, **kwargs):
    raise RuntimeError("a bug in a rule")


auditor.drift.judge = judge  # before auditor.api imports it
"""


class Runs:
    """Runs the auditor with the secrets in its environment and keeps everything it printed."""

    def __init__(self, inventory: Path, folder: Path):
        self.inventory, self.folder, self.results = inventory, folder, []

    def __call__(self, *args: str, url: str, api_url: str = "", debug: bool = False, **env: str):
        variables = {
            "OURVIDZ_LOCAL_DATABASE_URL": url,
            "SECRETS_SUPABASE_URL": api_url,
            "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY,
            **({"AUDITOR_DEBUG": "1"} if debug else {}),
            **env,
        }
        result = run_auditor(*args[:1], "--inventory", str(self.inventory), *args[1:], env=variables)
        self.results.append(result)
        return result

    def files(self, name: str) -> list[str]:
        """--json, --markdown and --output options writing into this run's folder, as `name`.*"""
        base = self.folder / name
        return ["--json", f"{base}.json", "--markdown", f"{base}.md", "--output", f"{base}.out"]

    def assert_no_secret(self) -> None:
        outputs = [(f"run {i} {part}", text) for i, r in enumerate(self.results) for part, text in _parts(r)]
        outputs += [(str(p), p.read_text(errors="replace")) for p in self.folder.rglob("*") if p.is_file()]
        assert len(outputs) > 60
        for where, text in outputs:
            for secret in SECRETS:
                assert secret not in text, f"{where} holds a secret: {text[:2000]}"


def _parts(result: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    return [("stdout", result.stdout), ("stderr", result.stderr)]


def test_no_output_holds_the_password_or_the_key(
    ourvidz_db: str, api: StorageApiServer, inventory: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    run = Runs(inventory, reports)
    good = with_password(ourvidz_db)

    # succeeding runs: SQL and the Storage API, every format, to stdout and to files
    for fmt in OutputFormat:
        result = run("audit", "--env", "both", "--format", fmt.value, url=good, api_url=api.url)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
    result = run("audit", "--env", "both", "-f", "sarif", *run.files("ok"), url=good, api_url=api.url, debug=True)
    assert result.returncode == 0, result.stderr
    assert (reports / "ok.json").read_text().count('"status": "clean"') == 1

    # failing runs, each writing failed reports as well
    unreachable = good.replace(f":{conninfo_to_dict(ourvidz_db).get('port', '5432')}/", f":{unused_port()}/")
    if "@:" in good:  # a socket folder: make it a TCP port nothing listens on
        unreachable = f"postgresql://postgres:{quote(PASSWORD, safe='')}@127.0.0.1:{unused_port()}/postgres"
    failures = {
        "unreachable": (unreachable, "", 3),
        "unknown-database": (with_password(ourvidz_db, "no_such_database"), "", 3),
        "malformed-url": (good.replace("@", "%zz@", 1), "", 2),
        "conninfo-refused": (f"host=127.0.0.1 port={unused_port()} user=postgres password='{PASSWORD}'", "", 3),
        "not-utf8": (good + os.fsdecode(b"\xff"), "", 2),
        "api-unreachable": (good, f"http://127.0.0.1:{unused_port()}", 3),
    }
    for name, (url, api_url, code) in failures.items():
        env = "both" if api_url else "local"
        for fmt in OutputFormat if name == "unreachable" else ():  # a failure prints only its message
            result = run("audit", "--env", env, "-f", fmt.value, "--connect-retries", "0", url=url, api_url=api_url)
            assert result.returncode == code, (name, result.stderr)
        result = run(
            "audit", "--env", env, "-f", "json", *run.files(name), "--connect-retries", "0",
            url=url, api_url=api_url, debug=True,
        )  # fmt: skip
        assert result.returncode == code, (name, result.stderr)
        assert '"status": "failed"' in (reports / f"{name}.json").read_text()
    keys, api.keys = api.keys, {}  # the API refuses the key
    result = run("audit", "--env", "both", "-f", "json", *run.files("refused-key"), url=good, api_url=api.url)
    assert result.returncode == 3 and "environment 'both'" in result.stderr
    api.keys = keys

    # an inventory holding a literal password: refused without quoting it
    literal = inventory.with_name("literal.yaml")
    literal.write_text(
        inventory.read_text().replace(
            "${OURVIDZ_LOCAL_DATABASE_URL}", f"postgresql://u:{quote(PASSWORD, safe='')}@db.example.com/p"
        )
    )
    for command in ("validate", "audit"):
        result = run(command, "--inventory", str(literal), url=good)  # the later --inventory wins
        assert result.returncode == 2 and "literal password" in result.stderr, result.stderr

    # an internal error after the URL and key are resolved, with AUDITOR_DEBUG=1: the traceback too
    bug = tmp_path / "bug"
    bug.mkdir()
    (bug / "sitecustomize.py").write_text(BUG_IN_A_RULE, encoding="utf-8")
    result = run("audit", "--env", "both", url=good, api_url=api.url, debug=True, PYTHONPATH=str(bug))
    assert result.returncode != 0 and "Traceback" in result.stderr and "a bug in a rule" in result.stderr

    run.assert_no_secret()


# --- secrets in other forms: echoed by servers, split by libpq ---------------------------------

AMBIGUOUS = "Kn0wnAmb1g@h0stP1ece9/dbP1ece7?x#y"  # unencoded: libpq and the URL standard split it differently
QUOTED = 'Kn0wn"Qu0te\\Back\\sl4sh'  # JSON escapes it as Kn0wn\"Qu0te\\Back\\sl4sh


def forms(secret: str) -> set[str]:
    """The spellings a leak could take: whole, encoded, in another case, cut short (8+ characters)."""
    middle = secret[len(secret) // 2 - 5 : len(secret) // 2 + 5]
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        secret.lower(),
        secret.upper(),
        secret[:10],
        secret[-10:],
        middle,
        middle.lower(),
    }


SECRET_FORMS = sorted(
    forms(PASSWORD)
    | forms(SERVICE_KEY[len("sb_secret_") :])  # the key's own part ("sb_secret_" is in the auditor's hints)
    | {SERVICE_KEY, SERVICE_KEY.lower(), SERVICE_KEY.upper()}
    | forms(AMBIGUOUS)
    | {"Kn0wnAmb1g", "h0stP1ece9", "dbP1ece7", "dbP1ece7?x#y"}  # the pieces libpq and urlsplit make of it
    | forms(QUOTED)
    | {json.dumps(QUOTED)[1:-1], json.dumps(QUOTED)[1:11], json.dumps(QUOTED)[-10:]}
)
FORMATS = ("stderr", "terminal", "json", "markdown", "junit", "sarif", "job summary", "annotations")


def scenarios(echo: EchoingServer, api: StorageApiServer, good: str) -> dict[str, tuple[str, str, str, int]]:
    """name -> (environment, database URL, Storage API URL, exit code)."""
    port = echo.port
    return {
        "server echoes the password": ("local", echo.url("postgres", PASSWORD), "", 3),
        "server echoes a password JSON-escaped": ("local", echo.url("postgres", QUOTED), "", 3),
        "server echoes a conninfo password": (
            "local",
            f"host=127.0.0.1 port={port} user=postgres password='{PASSWORD.replace(chr(39), '')}'",
            "",
            3,
        ),
        "API echoes the key": ("both", good, api.url, 3),
        "password split by libpq (@ and /)": ("local", f"postgresql://postgres:{AMBIGUOUS}@127.0.0.1:{port}/db", "", 2),
        "password split by libpq (? and #)": ("local", f"postgresql://postgres:a{AMBIGUOUS[10:]}@127.0.0.1/db", "", 2),
        "malformed percent-encoding": ("local", f"postgresql://postgres:{AMBIGUOUS[:10]}%zz@127.0.0.1/db", "", 2),
        "clean run": ("both", good, api.url, 0),
    }


@pytest.fixture(scope="module")
def secret_outputs(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict:
    """Every output of every scenario: {(scenario, format): text}, and the exit codes."""
    server, template = request.getfixturevalue("server"), request.getfixturevalue("ourvidz_template")
    folder = tmp_path_factory.mktemp("secrets")
    inventory = inventory_with_environments(INVENTORY, folder, ENVIRONMENTS)
    outputs: dict[tuple[str, str], str] = {}
    codes: dict[str, int] = {}
    with (
        pg.fresh_database(server, "auditor_secrets", template=template) as database,
        EchoingServer() as echo,
        StorageApiServer(database, {SERVICE_KEY: "service_role"}) as api,
    ):
        for name, (env, url, api_url, _code) in scenarios(echo, api, with_password(database)).items():
            api.mode = "echo_key" if name == "API echoes the key" else "ok"
            variables = {"OURVIDZ_LOCAL_DATABASE_URL": url, "SECRETS_SUPABASE_URL": api_url}
            variables["SUPABASE_SERVICE_ROLE_KEY"] = SERVICE_KEY
            base = ["audit", "--inventory", str(inventory), "--env", env, "--connect-retries", "0"]
            plain = run_auditor(*base, env=variables)
            files = {fmt: folder / f"{len(codes)}.{fmt}" for fmt in ("json", "markdown", "junit", "sarif")}
            summary = folder / f"{len(codes)}.summary"
            options = [arg for fmt, path in files.items() for arg in (f"--{fmt}", str(path))]
            github = run_auditor(*base, *options, "--github", env=variables | {"GITHUB_STEP_SUMMARY": str(summary)})
            codes[name] = plain.returncode
            outputs |= {
                (name, "stderr"): plain.stderr + github.stderr,
                (name, "terminal"): plain.stdout,
                (name, "annotations"): github.stdout,
                (name, "job summary"): summary.read_text(),
                **{(name, fmt): path.read_text() for fmt, path in files.items()},
            }
    return {"outputs": outputs, "codes": codes, "expected": {n: s[3] for n, s in scenarios(echo, api, "").items()}}


STORED = "St0red:pa\\ss w0rd"  # a ':' and a '\\', which a password file escapes


@pytest.mark.parametrize("source", ["PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE"])
def test_a_password_libpq_takes_from_elsewhere_is_scrubbed(source: str, tmp_path: Path) -> None:
    """A URL without a password: libpq sends one from the environment, the password file or the
    service file, and the server echoes it back. Never the real ~/.pgpass or ~/.pg_service.conf."""
    none = str(tmp_path / "none")
    env = {"PGPASSFILE": none, "PGSERVICEFILE": none}
    with EchoingServer() as echo:
        url = f"postgresql://postgres@127.0.0.1:{echo.port}/postgres"
        if source == "PGPASSWORD":
            env["PGPASSWORD"] = STORED
        elif source == "PGPASSFILE":
            escaped = STORED.replace("\\", "\\\\").replace(":", "\\:")
            (tmp_path / "pgpass").write_text(f"# a comment\n127.0.0.1:{echo.port}:*:postgres:{escaped}\n")
            (tmp_path / "pgpass").chmod(0o600)
            env["PGPASSFILE"] = str(tmp_path / "pgpass")
        else:
            services = f"[echo]\nhost=127.0.0.1\nport={echo.port}\nuser=postgres\npassword={STORED}\n"
            (tmp_path / "services").write_text(services)
            env["PGSERVICEFILE"], url = str(tmp_path / "services"), "postgresql:///postgres?service=echo"
        files = [tmp_path / f"audit.{fmt}" for fmt in ("json", "markdown", "junit", "sarif")]
        options = [arg for path in files for arg in (f"--{path.suffix[1:]}", str(path))]
        base = ["audit", "--db-url", url, "--connect-retries", "0"]
        plain = run_auditor(*base, env=env)
        github = run_auditor(*base, *options, "--github", env=env | {"GITHUB_STEP_SUMMARY": str(tmp_path / "sum")})
        assert echo.passwords and set(echo.passwords) == {STORED}  # libpq did send it
    assert plain.returncode == github.returncode == 3, plain.stderr
    assert "password authentication failed: got ********" in plain.stderr
    outputs = [plain.stdout, plain.stderr, github.stdout, github.stderr, *(p.read_text() for p in files)]
    outputs.append((tmp_path / "sum").read_text())
    leaks = [(form, text) for text in outputs for form in forms(STORED) | {json.dumps(STORED)[1:-1]} if form in text]
    assert not leaks


def test_a_json_escaped_secret_is_scrubbed() -> None:
    echoed = 'password authentication failed for ab\\"cd\\\\ef'
    assert secrets.scrub(echoed, ['ab"cd\\ef']) == "password authentication failed for ********"
    assert secrets.scrub("got \\u00e9t\\u00e9", ["\u00e9t\u00e9"]) == "got ********"


def test_each_scenario_ends_as_it_should(secret_outputs: dict) -> None:
    assert secret_outputs["codes"] == secret_outputs["expected"]
    outputs = secret_outputs["outputs"]
    assert "password authentication failed: got ********" in outputs[("server echoes the password", "stderr")]
    assert "invalid JWT ********" in outputs[("API echoes the key", "stderr")]
    refused = outputs[("password split by libpq (@ and /)", "stderr")]
    assert "is ambiguous" in refused and "postgresql://postgres:********@127.0.0.1:" in refused
    assert '"status": "failed"' in outputs[("password split by libpq (@ and /)", "json")]


@pytest.mark.parametrize("secret", SECRET_FORMS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_holds_a_secret_in_any_form(secret_outputs: dict, fmt: str, secret: str) -> None:
    leaks = [name for (name, where), text in secret_outputs["outputs"].items() if where == fmt and secret in text]
    assert not leaks, f"{fmt} of {leaks} holds {secret!r}"
