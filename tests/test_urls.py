from pathlib import Path

import pytest

from auditor.errors import UsageError
from auditor.urls import describe, expand, is_loopback, scrub, secrets_of


def test_describe_never_shows_the_password() -> None:
    assert (
        describe("postgresql://postgres:pw@db.x.supabase.co:6543/postgres") == "postgres@db.x.supabase.co:6543/postgres"
    )
    assert describe("host=127.0.0.1 port=5433 dbname=app user=me password=pw") == "me@127.0.0.1:5433/app"
    assert describe("postgresql://postgres@/ourvidz?host=/tmp/pg") == "postgres@/tmp/pg:5432/ourvidz"
    assert describe("postgresql://u:p@[::1]:5432/d") == "u@[::1]:5432/d"


def test_expand_references() -> None:
    env = {"PROD_URL": "postgresql://a@b/c"}
    assert expand("${PROD_URL}", env, where="x") == "postgresql://a@b/c"
    assert expand("${NOPE:-postgresql://local/db}", env, where="x") == "postgresql://local/db"
    with pytest.raises(UsageError, match="Environment 'prod' needs the environment variable NOPE"):
        expand("${NOPE}", env, where="Environment 'prod'")


def test_loopback_and_scrub() -> None:
    assert is_loopback("postgresql://a@127.0.0.1/b") and is_loopback("postgresql://a@localhost/b")
    assert is_loopback("host=/var/run/postgresql dbname=x")
    assert not is_loopback("postgresql://a@db.x.supabase.co/b")
    url = "postgresql://a:hunter2@db.example.com/b"
    assert scrub(f"failed for {url} with hunter2", url) == "failed for a@db.example.com:5432/b with ********"


def test_a_value_that_is_no_connection_string_is_said_to_be_none_with_its_two_forms() -> None:
    from auditor.urls import check_url

    with pytest.raises(UsageError) as raised:
        check_url("notaurl", "The database URL of environment 'prod'")
    assert "is neither a URL nor a key=value connection string" in str(raised.value)
    assert "postgresql://USER:PASSWORD@HOST:5432/DATABASE" in str(raised.value)
    with pytest.raises(UsageError, match="is malformed: "):  # a URL libpq cannot read keeps its own reason
        check_url("postgresql://u@[::1:5432/d", "The URL")


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("postgresql://postgres@127.0.0.1:5432/postgres_nosuch", 'database "postgres_nosuch" does not exist'),
        ("postgresql://nosuchuser@127.0.0.1:5432/postgres", 'role "nosuchuser" does not exist'),
        ("postgresql://postgres@127.0.0.1/postgres?sslmode=disable", 'role "postgres" does not exist'),
    ],
)
def test_a_user_name_without_a_password_is_not_a_secret(url: str, error: str) -> None:
    assert secrets_of(url) == []
    assert scrub(f"FATAL:  {error}", url) == f"FATAL:  {error}"


def test_the_passwords_libpq_takes_from_elsewhere_are_secrets(tmp_path: Path) -> None:
    passfile = tmp_path / "pgpass"
    passfile.write_text(
        "# *:*:*:*:commented out\ndb:5432:*:u:pass\\:w0rd\\\\one\n*:*:*:*:second one\n"
        "other-host:*:*:*:postgres\ndb:6543:*:*:another port\ndb:*:*:someone-else:their password\n"
    )
    services = tmp_path / "services"
    services.write_text("[other]\npassword=not-this-one\n[app]\nhost=db\npassword = from-service\n")
    environ = {"PGPASSWORD": "from-env", "PGPASSFILE": str(passfile), "PGSERVICEFILE": str(services)}
    found = set(secrets_of("postgresql://u@db/app?service=app", environ))
    assert found >= {"from-env", "pass:w0rd\\one", "second one", "from-service"}
    assert not found & {"commented out", "not-this-one", "u", "db", "app"}
    # entries for another host, port or user are not this connection's: never masked
    assert not found & {"postgres", "another port", "their password"}
    own = tmp_path / "own"
    own.write_text("*:*:*:*:own-passfile\n")
    assert "own-passfile" in secrets_of(f"host=db user=u passfile={own} password=given", {})
    assert "given" in secrets_of(f"host=db user=u passfile={own} password=given", {})
    assert secrets_of("postgresql://u@db/app", {"PGPASSFILE": str(tmp_path / "none")}) == []
