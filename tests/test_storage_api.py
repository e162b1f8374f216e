"""Buckets through the Storage API: the real `supabase` client against a real loopback server.

The server (tests/storage_api_server.py) answers from the test database's storage.buckets, as
the key's role, so what the client lists is what Supabase would list. Nothing is patched.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.catalog.postgres import read_catalog
from auditor.catalog.storage_api import api_target, key_role, read_listing
from auditor.drift import compare_bucket_sources
from auditor.inventory import load_inventory
from auditor.model import ApiBucketListing, LiveBucket
from tests import pg
from tests.conftest import INVENTORY, run_auditor
from tests.storage_api_server import StorageApiServer, inventory_with_environments, make_jwt, unused_port

SERVICE_KEY = make_jwt("service_role")
ANON_KEY = make_jwt("anon")
SECRET_KEY = "sb_secret_Zx9tEsTkEy0nLyF0rTh3Aud1t0r"
PUBLISHABLE_KEY = "sb_publishable_Zx9tEsTkEy0nLyF0rTh3Aud1t0r"
KEYS = {SERVICE_KEY: "service_role", ANON_KEY: "anon", SECRET_KEY: "service_role", PUBLISHABLE_KEY: "anon"}

ENVIRONMENTS = """
environments:
  api:
    description: Storage API only
    supabase_url: ${SIA_SUPABASE_URL}
    service_key: ${SIA_SERVICE_KEY}
  both:
    description: SQL and the Storage API
    database_url: ${SIA_DATABASE_URL}
    supabase_url: ${SIA_SUPABASE_URL}
    service_key: ${SIA_SERVICE_KEY}
"""


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """The repository's inventory with two environments that use the Storage API."""
    return inventory_with_environments(INVENTORY, tmp_path, ENVIRONMENTS)


@pytest.fixture
def api(ourvidz_db: str) -> Iterator[StorageApiServer]:
    with StorageApiServer(ourvidz_db, KEYS) as server:
        yield server


def audit(inventory: Path, env: str, url: str, key: str = SERVICE_KEY, *args: str, database_url: str = ""):
    variables = {"SIA_SUPABASE_URL": url, "SIA_SERVICE_KEY": key, "SIA_DATABASE_URL": database_url}
    result = run_auditor("audit", "--inventory", str(inventory), "--env", env, "-f", "json", *args, env=variables)
    assert "Traceback" not in result.stderr, result.stderr
    assert not key.strip() or key not in result.stdout + result.stderr  # the key is never printed
    return result


def rules(result) -> list[tuple[str, str]]:
    return [(f["rule"], f["name"]) for f in json.loads(result.stdout)["findings"]]


# --- the listing is the SQL reader's ----------------------------------------------------


def test_api_lists_the_buckets_the_sql_reader_reads(api: StorageApiServer, ourvidz_db: str, inventory: Path) -> None:
    target = api_target(load_inventory(inventory), "api", {"SIA_SUPABASE_URL": api.url, "SIA_SERVICE_KEY": SERVICE_KEY})
    listing = read_listing(target, timeout=5)
    sql = read_catalog(ourvidz_db, ("public",), environment="test").buckets
    without_counts = tuple(replace(b, object_count=None, total_bytes=None) for b in sql)
    assert listing.buckets == without_counts and len(listing.buckets) == 10
    assert listing.key_role == "service_role" and listing.trusted
    # one request, to the bucket endpoint, with the key as apikey and as bearer token
    assert [(method, path) for method, path, _ in api.requests] == [("GET", "/storage/v1/bucket")]
    headers = api.requests[0][2]
    assert headers["apikey"] == SERVICE_KEY and headers["authorization"] == f"Bearer {SERVICE_KEY}"


def test_api_only_environment_audits_buckets_and_skips_tables(api: StorageApiServer, inventory: Path) -> None:
    result = audit(inventory, "api", api.url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "clean" and report["target"] == f"{api.url.removeprefix('http://')} (Storage API)"
    assert report["summary"]["buckets_live"] == 10 and report["summary"]["tables_live"] is None  # never read
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    assert list(skipped) == ["tables"] and "has no database_url" in skipped["tables"]  # object counts are read


def test_bucket_rules_run_unchanged_on_the_api_listing(api: StorageApiServer, ourvidz_db: str, inventory: Path) -> None:
    pg.execute(ourvidz_db, "update storage.buckets set public = true where id = 'reference_images'")
    pg.execute(ourvidz_db, "delete from storage.buckets where id = 'video_high'")
    result = audit(inventory, "api", api.url)
    assert result.returncode == 1, result.stderr
    assert rules(result) == [("bucket-visibility", "reference_images"), ("bucket-missing", "video_high")]


def test_new_secret_key_format_is_a_service_key(api: StorageApiServer, inventory: Path) -> None:
    result = audit(inventory, "api", api.url, SECRET_KEY)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["buckets_live"] == 10


@pytest.mark.parametrize(("key", "role"), [(ANON_KEY, "the anon key"), (PUBLISHABLE_KEY, "a publishable key")])
def test_a_non_service_key_seeing_no_buckets_is_a_warning(
    api: StorageApiServer, inventory: Path, key: str, role: str
) -> None:
    result = audit(inventory, "api", api.url, key)
    assert result.returncode == 0, result.stderr  # a warning: below the default --fail-on error
    report = json.loads(result.stdout)
    (finding,) = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("bucket-api-key", "warning")
    assert f"asked with {role} and listed 0 buckets, which is suspicious" in finding["message"]
    assert not any(f["rule"] == "bucket-missing" for f in report["findings"])  # not read as "all gone"
    assert "row level security hides buckets" in {s["check"]: s["reason"] for s in report["skipped"]}["buckets"]
    assert audit(inventory, "api", api.url, key, "--fail-on", "warning").returncode == 1


# --- both sources -----------------------------------------------------------------------


def test_both_sources_agreeing_add_no_finding(api: StorageApiServer, ourvidz_db: str, inventory: Path) -> None:
    result = audit(inventory, "both", api.url, database_url=ourvidz_db)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert not [f for f in report["findings"] if f["kind"] == "bucket"]
    assert report["target"].endswith(" + " + api.url.removeprefix("http://") + " (Storage API)")
    assert api.requests, "the API was asked as well as SQL"


@pytest.fixture
def other_db(server: str, ourvidz_template: str) -> Iterator[str]:
    """A second OurVidz database: the project the API answers for, when it is not the SQL one."""
    with pg.fresh_database(server, "auditor_api", template=ourvidz_template) as url:
        yield url


def test_both_sources_disagreeing_is_reported(other_db: str, ourvidz_db: str, inventory: Path) -> None:
    """The API answers for another database (say supabase_url names staging, database_url prod)."""
    pg.execute(other_db, "delete from storage.buckets where id = 'image_high'")
    pg.execute(other_db, "update storage.buckets set file_size_limit = 1024 where id = 'avatars'")
    pg.execute(other_db, "insert into storage.buckets (id, name) values ('scratch', 'scratch')")
    with StorageApiServer(other_db, KEYS) as api:
        result = audit(inventory, "both", api.url, database_url=ourvidz_db)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    mismatches = {f["name"]: f for f in findings if f["rule"] == "bucket-source-mismatch"}
    assert sorted(mismatches) == ["avatars", "image_high", "scratch"]
    assert mismatches["image_high"]["actual"] is None and mismatches["scratch"]["expected"] is None
    types = ["image/jpeg", "image/png", "image/webp"]
    assert mismatches["avatars"]["expected"] == {"public": True, "file_size_limit": None, "allowed_mime_types": types}
    assert mismatches["avatars"]["actual"] == {"public": True, "file_size_limit": 1024, "allowed_mime_types": types}
    assert "storage.buckets says public, no size limit, image/jpeg" in mismatches["avatars"]["message"]
    assert all(f["severity"] == "error" for f in mismatches.values())
    # buckets are checked against SQL, which matches the inventory: no other bucket finding
    assert {f["rule"] for f in findings if f["kind"] == "bucket"} == {"bucket-source-mismatch"}


def test_api_stands_in_when_sql_cannot_read_buckets(other_db: str, ourvidz_db: str, inventory: Path) -> None:
    pg.execute(ourvidz_db, "alter table storage.buckets rename to buckets_elsewhere")
    with StorageApiServer(other_db, KEYS) as api:
        result = audit(inventory, "both", api.url, database_url=ourvidz_db)
    report = json.loads(result.stdout)
    assert report["summary"]["buckets_live"] == 10
    assert not [f for f in report["findings"] if f["kind"] == "bucket"]
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    assert "buckets" not in skipped
    assert "the database has no storage.buckets table" in skipped["bucket source comparison"]
    assert skipped["bucket source comparison"].endswith("buckets come from the Storage API")


# --- errors: exit 3, one clear message, never a traceback or the key -------------------


REFUSED = "set SIA_SERVICE_KEY to the project's service_role key"
ROUTE = "set supabase_url to the project's API URL, https://<project-ref>.supabase.co, with no path"
OUTAGE = "check the project's status page and the Storage logs"


@pytest.mark.parametrize(
    ("mode", "key", "expected", "hint"),
    [
        (
            "ok",
            make_jwt("service_role", b"another-project-secret"),
            "the key in SIA_SERVICE_KEY was refused (HTTP 400, statusCode 403, AccessDenied: signature verification",
            REFUSED,
        ),
        (
            "ok",
            "sb_secret_NotAKeyOfThisProject",
            "was refused (HTTP 400, statusCode 403, AccessDenied: Invalid",
            REFUSED,
        ),
        ("gateway", make_jwt("anon", b"x"), "was refused (HTTP 401, statusCode 401, Invalid API key)", REFUSED),
        ("not_found", SERVICE_KEY, "no such route (HTTP 404, statusCode 404, Not Found: Route GET:", ROUTE),
        ("database_down", SERVICE_KEY, "the Storage API failed (HTTP 500, statusCode 500, InternalError", OUTAGE),
        ("database_timeout", SERVICE_KEY, "failed (HTTP 544, statusCode 544, DatabaseTimeout: The connection", OUTAGE),
        ("bad_gateway", SERVICE_KEY, "HTTP 502 with an HTML page titled '502 Bad Gateway', not a Storage API", "try"),
        ("malformed", SERVICE_KEY, "is not a list of buckets (not JSON", "check that supabase_url"),
        ("wrong_shape", SERVICE_KEY, "is not a list of buckets (row 1 has no id and name)", "check that supabase_url"),
        ("huge", SERVICE_KEY, "an answer of more than 16,777,216 bytes", "check that supabase_url"),
        ("deep", SERVICE_KEY, "is not a list of buckets (JSON nested too deeply to be one)", "check that supabase_url"),
    ],
)
def test_bad_answers_exit_3_with_a_clear_message(
    api: StorageApiServer, inventory: Path, mode: str, key: str, expected: str, hint: str
) -> None:
    api.mode = mode
    result = audit(inventory, "api", api.url, key)
    assert result.returncode == 3, result.stderr
    host = api.url.removeprefix("http://")
    assert f"environment 'api' through the Storage API at {host}: " in result.stderr
    assert expected in result.stderr and f"Likely fix: {hint}" in result.stderr
    assert (REFUSED in result.stderr) == (hint == REFUSED)  # a key is blamed only when it was refused


def test_a_database_permission_error_does_not_blame_the_key(
    api: StorageApiServer, ourvidz_db: str, inventory: Path
) -> None:
    """Storage answers both with the same 400 AccessDenied: its database's message tells them apart."""
    pg.execute(ourvidz_db, "revoke select on storage.buckets from service_role")
    result = audit(inventory, "api", api.url)
    assert result.returncode == 3, result.stderr
    refused = "refused the query (HTTP 400, statusCode 403, AccessDenied: permission denied for table buckets)"
    assert f"the Storage API's database {refused}" in result.stderr
    assert "grant that role (service_role) SELECT on storage.buckets" in result.stderr
    assert REFUSED not in result.stderr


def test_a_redirect_is_not_followed_with_the_key(api: StorageApiServer, inventory: Path) -> None:
    api.mode = "redirect"
    result = audit(inventory, "api", api.url)
    assert result.returncode == 3
    assert "HTTP 301, a redirect to https://elsewhere.example" in result.stderr
    assert len(api.requests) == 1


def test_a_hanging_api_times_out(api: StorageApiServer, inventory: Path) -> None:
    api.mode = "hang"
    started = time.monotonic()
    result = audit(inventory, "api", api.url, SERVICE_KEY, "--connect-timeout", "2")
    elapsed = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    assert "no answer within 2 s" in result.stderr and "--connect-timeout" in result.stderr
    assert elapsed < 15


DEADLINE = 3  # seconds: the --timeout of the tests below, shorter than --connect-timeout
MARGIN = 4  # Python's start, a busy machine


def timed_audit(api: StorageApiServer, inventory: Path, tmp_path: Path) -> tuple[str, float]:
    """Audit with a deadline, asking for reports: (stderr, seconds taken), once it failed with exit 3
    and wrote the reports marked failed."""
    reports = ("--json", str(tmp_path / "r.json"), "--markdown", str(tmp_path / "r.md"))
    options = ("-q", "--timeout", str(DEADLINE), "--connect-timeout", "10", *reports)
    started = time.monotonic()
    result = audit(inventory, "api", api.url, SERVICE_KEY, *options)
    elapsed = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "failed"
    assert "failed" in (tmp_path / "r.md").read_text().lower()
    return result.stderr, elapsed


@pytest.mark.parametrize("mode", ["trickle", "trickle_objects"])
def test_an_answer_trickled_a_byte_a_second_ends_at_the_deadline(
    api: StorageApiServer, inventory: Path, tmp_path: Path, mode: str
) -> None:
    """httpx's timeouts bound each read, which a byte a second never passes: the deadline bounds
    the whole read, the object listings of the legacy buckets as well as the bucket listing."""
    api.mode = mode
    stderr, elapsed = timed_audit(api, inventory, tmp_path)
    host = api.url.removeprefix("http://")
    assert f"environment 'api' through the Storage API at {host}: its reply was still arriving, too slowly" in stderr
    assert f"the audit's deadline (--timeout {DEADLINE} s) ended the read" in stderr
    assert "Likely fix: check the network path to the Storage API, or raise --timeout" in stderr
    assert DEADLINE <= elapsed < DEADLINE + MARGIN, elapsed
    if mode == "trickle_objects":
        assert [method for method, _, _ in api.requests] == ["GET", "POST"]  # the bucket listing was answered


def test_an_api_that_never_answers_ends_at_the_deadline(api: StorageApiServer, inventory: Path, tmp_path: Path) -> None:
    api.mode = "hang"  # the connection is accepted, the request read, and nothing sent
    stderr, elapsed = timed_audit(api, inventory, tmp_path)
    assert "through the Storage API at " in stderr and "it had sent nothing for " in stderr
    assert f"the audit's deadline (--timeout {DEADLINE} s) ended the read" in stderr
    assert "stopped answering" in stderr and "no answer within" not in stderr
    assert DEADLINE <= elapsed < DEADLINE + MARGIN, elapsed


def test_nothing_listening_exits_3(inventory: Path) -> None:
    result = audit(inventory, "api", f"http://127.0.0.1:{unused_port()}")
    assert result.returncode == 3
    assert "Connection refused" in result.stderr and "environment 'api'" in result.stderr


def test_api_failure_with_both_sources_is_exit_3(api: StorageApiServer, ourvidz_db: str, inventory: Path) -> None:
    api.mode = "bad_gateway"
    result = audit(inventory, "both", api.url, database_url=ourvidz_db)
    assert result.returncode == 3 and "HTTP 502" in result.stderr


def test_failed_report_names_the_api_host(inventory: Path, tmp_path: Path) -> None:
    port = unused_port()
    result = audit(inventory, "api", f"http://127.0.0.1:{port}", SERVICE_KEY, "--json", str(tmp_path / "r.json"))
    assert result.returncode == 3
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["status"] == "failed" and report["target"] == f"127.0.0.1:{port} (Storage API)"


def test_missing_key_variable_and_bad_url_are_usage_errors(inventory: Path) -> None:
    result = audit(inventory, "api", "http://127.0.0.1:1", "")
    assert result.returncode == 2 and "needs the environment variable SIA_SERVICE_KEY" in result.stderr
    result = audit(inventory, "api", "127.0.0.1:54321")
    assert result.returncode == 2 and "supabase_url is not an https:// URL" in result.stderr
    result = audit(inventory, "api", "http://127.0.0.1:1", "sb_secret_\u00e9t\u00e9")
    assert result.returncode == 2 and "the key in SIA_SERVICE_KEY has characters" in result.stderr


@pytest.mark.parametrize("url", ["https://[abc.supabase.co", "https://xn--.supabase.co", "https://a.co:port"])
def test_a_malformed_supabase_url_is_a_usage_error(inventory: Path, url: str) -> None:
    result = audit(inventory, "api", url)
    assert result.returncode == 2, result.stderr
    assert "supabase_url is not an https:// URL" in result.stderr


def test_an_upper_case_scheme_is_accepted(api: StorageApiServer, inventory: Path) -> None:
    result = audit(inventory, "api", "HTTP://" + api.url.removeprefix("http://"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["buckets_live"] == 10


def test_a_key_the_client_refuses_is_a_usage_error(inventory: Path) -> None:
    result = audit(inventory, "api", f"http://127.0.0.1:{unused_port()}", "   ")  # blank once stripped
    assert result.returncode == 2, result.stderr
    assert "the Supabase client refused supabase_url or the key in SIA_SERVICE_KEY" in result.stderr


def junit_cases(result_dir: Path) -> dict[str, str]:
    """classname/name -> outcome ('passed', 'skipped', 'failure', 'error') of each JUnit test case."""
    import xml.etree.ElementTree as ET

    cases = ET.parse(result_dir / "audit.xml").getroot().iter("testcase")
    outcome = {}
    for case in cases:
        child = next((c.tag for c in case if c.tag in ("skipped", "failure", "error")), "passed")
        outcome[f"{case.get('classname')}/{case.get('name')}"] = child
    return outcome


def test_junit_skips_the_tables_an_api_only_audit_never_read(
    api: StorageApiServer, inventory: Path, tmp_path: Path
) -> None:
    result = audit(inventory, "api", api.url, SERVICE_KEY, "--junit", str(tmp_path / "audit.xml"))
    assert result.returncode == 0, result.stderr
    cases = junit_cases(tmp_path)
    tables = {k: v for k, v in cases.items() if k.startswith("inventory.table/")}
    buckets = {k: v for k, v in cases.items() if k.startswith("inventory.bucket/")}
    assert tables and set(tables.values()) == {"skipped"}
    assert len(buckets) == 10 and set(buckets.values()) == {"passed"}
    assert "inventory.checks/tables" not in cases  # said once per table instead


def test_junit_skips_the_buckets_an_anon_key_could_not_see(
    api: StorageApiServer, inventory: Path, tmp_path: Path
) -> None:
    result = audit(inventory, "api", api.url, ANON_KEY, "--junit", str(tmp_path / "audit.xml"))
    assert result.returncode == 0, result.stderr
    declared = {f"inventory.bucket/{b.id}" for b in load_inventory(inventory).buckets}
    cases = junit_cases(tmp_path)
    assert len(declared) == 10 and {cases[name] for name in declared} == {"skipped"}


# --- inventory and key roles ------------------------------------------------------------


def test_inventory_refuses_a_literal_key_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(
        "tables: {}\n"
        "environments:\n"
        "  prod:\n"
        "    supabase_url: https://abcd.supabase.co\n"
        f"    service_key: {SERVICE_KEY}\n"
        "  half:\n"
        "    supabase_url: ${URL}\n"
        "  defaulted:\n"
        "    supabase_url: ${URL}\n"
        "    service_key: ${KEY:-sb_secret_abc}\n"
        "  bare:\n"
        "    supabase_url: abcd.supabase.co\n"
        "    service_key: ${KEY}\n",
        encoding="utf-8",
    )
    result = run_auditor("validate", "--inventory", str(path))
    assert result.returncode == 2
    assert f"{path}:5:18: environments.prod.service_key: must be a lone environment variable" in result.stderr
    assert "environments.half: 'supabase_url' needs 'service_key' as well" in result.stderr
    assert f"{path}:10:18: environments.defaulted.service_key" in result.stderr
    assert "environments.bare.supabase_url: expected an https:// URL" in result.stderr
    assert SERVICE_KEY not in result.stderr and "sb_secret_abc" not in result.stderr


def test_an_api_only_environment_needs_no_database_url(inventory: Path) -> None:
    environment = load_inventory(inventory).environment("api")
    assert environment.database_url is None
    assert (environment.supabase_url, environment.service_key) == ("${SIA_SUPABASE_URL}", "${SIA_SERVICE_KEY}")


@pytest.mark.parametrize(
    ("key", "role"),
    [
        (SERVICE_KEY, "service_role"),
        (ANON_KEY, "anon"),
        (make_jwt("authenticated"), "authenticated"),
        (SECRET_KEY, "secret"),
        (PUBLISHABLE_KEY, "publishable"),
        ("not-a-key", "unknown"),
        ("a.!!!.c", "unknown"),
        ("a.bnVsbA.c", "unknown"),  # payload `null`
    ],
)
def test_key_role_is_read_without_verification(key: str, role: str) -> None:
    assert key_role(key) == role


@pytest.mark.parametrize(
    ("role", "count", "trusted"),
    [("service_role", 0, True), ("secret", 3, True), ("unknown", 3, True), ("unknown", 0, False), ("anon", 3, False)],
)
def test_which_listings_stand_for_every_bucket(role: str, count: int, trusted: bool) -> None:
    """Only a service key is sure to see every bucket; an unknown key is believed unless it sees none."""
    buckets = tuple(LiveBucket(f"b{i}", f"b{i}", False, None, None) for i in range(count))
    listing = ApiBucketListing("api.example", buckets, role)
    assert listing.trusted is trusted
    findings = compare_bucket_sources(buckets, listing)
    assert [f.rule for f in findings] == ([] if trusted else ["bucket-api-key"])


# --- the real server's behaviour: timestamps, NULLs, object listing, units ----------------


def storage_client(api: StorageApiServer):  # the supabase extra is imported late, so no return type
    """The supabase client's storage, as a team's own code would make it (an httpx client of its
    own, as supabase-py 2.x asks, rather than its deprecated timeout and verify options)."""
    import httpx
    from supabase import ClientOptions, create_client

    return create_client(api.url, SERVICE_KEY, ClientOptions(httpx_client=httpx.Client())).storage


def test_the_listing_carries_javascript_timestamps_and_a_null_as_empty_text(
    api: StorageApiServer, ourvidz_db: str, inventory: Path
) -> None:
    """A NULL created_at is sent as "", which the supabase client's model refuses for the whole
    listing: the auditor reads the rows itself, and checks every bucket."""
    import httpx
    from pydantic import ValidationError

    pg.execute(ourvidz_db, "update storage.buckets set created_at = null where id = 'avatars'")
    rows = httpx.get(f"{api.url}/storage/v1/bucket", headers={"Authorization": f"Bearer {SERVICE_KEY}"}).json()
    stamps = {row["id"]: row["created_at"] for row in rows}
    assert stamps["avatars"] == "" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamps["videos"])
    with pytest.raises(ValidationError):  # the fact: the client rejects the whole listing
        storage_client(api).list_buckets()
    result = audit(inventory, "api", api.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["buckets_live"] == 10


def test_a_row_that_cannot_be_read_is_reported_not_fatal(
    api: StorageApiServer, ourvidz_db: str, inventory: Path
) -> None:
    api.mode = "bad_row"  # one bucket's file_size_limit is text
    result = audit(inventory, "api", api.url)
    assert result.returncode == 0, result.stderr  # no verdict on buckets, and no false one
    report = json.loads(result.stdout)
    reason = {s["check"]: s["reason"] for s in report["skipped"]}["buckets"]
    assert "sent 1 bucket row that cannot be read (bucket 'avatars' (row 1): file_size_limit is \"5MB\"" in reason
    assert not report["findings"] and report["summary"]["buckets_live"] is None
    assert audit(inventory, "api", api.url, SERVICE_KEY, "--require-all-checks").returncode == 3
    # with SQL as well, the SQL result stands: its drift is found, the comparison is skipped
    pg.execute(ourvidz_db, "update storage.buckets set public = true where id = 'reference_images'")
    result = audit(inventory, "both", api.url, database_url=ourvidz_db)
    report = json.loads(result.stdout)
    assert ("bucket-visibility", "reference_images") in rules(result) and report["summary"]["buckets_live"] == 10
    assert "cannot be read" in {s["check"]: s["reason"] for s in report["skipped"]}["bucket source comparison"]


LEGACY_OBJECTS = """
insert into storage.objects (bucket_id, name, metadata) values
  ('sdxl_image_fast', 'u1/job1/0.png', '{"size": 1000}'),
  ('sdxl_image_fast', 'u1/job1/1.png', '{"size": 2000}'),
  ('sdxl_image_fast', 'u2/2.png', '{"size": 500}'),
  ('sdxl_image_fast', 'top.png', '{"size": 24}')
"""


def test_a_legacy_bucket_in_use_is_found_through_the_api_alone(
    api: StorageApiServer, ourvidz_db: str, inventory: Path
) -> None:
    pg.execute(ourvidz_db, LEGACY_OBJECTS)
    result = audit(inventory, "api", api.url, SERVICE_KEY, "--fail-on", "warning")
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["name"], finding["actual"]) == ("bucket-legacy-in-use", "sdxl_image_fast", 4)
    assert finding["message"] == "Legacy bucket sdxl_image_fast holds 4 objects (3.4 KiB)."
    listed = [path for method, path, _ in api.requests if method == "POST"]
    assert {p.rsplit("/", 1)[1] for p in listed} == {"image_high", "sdxl_image_fast", "sdxl_image_high", "video_high"}


def test_an_anon_key_counts_no_objects_and_requires_all_checks_fails(
    api: StorageApiServer, ourvidz_db: str, inventory: Path
) -> None:
    pg.execute(ourvidz_db, LEGACY_OBJECTS)
    result = audit(inventory, "api", api.url, ANON_KEY)
    assert result.returncode == 0, result.stderr  # the nightly job this flag is for went green here
    strict = audit(inventory, "api", api.url, ANON_KEY, "--require-all-checks")
    assert strict.returncode == 3, strict.stderr
    assert "error: environment 'api': 2 checks could not be made, and --require-all-checks asks for every one" in (
        strict.stderr
    )
    assert "buckets: the Storage API key is not a service key (role: anon)" in strict.stderr
    assert [f["rule"] for f in json.loads(strict.stdout)["findings"]] == ["bucket-api-key"]  # the report, as before


def test_require_all_checks_passes_when_every_check_is_made(
    api: StorageApiServer, ourvidz_db: str, inventory: Path
) -> None:
    result = audit(inventory, "both", api.url, SERVICE_KEY, "--require-all-checks", database_url=ourvidz_db)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["skipped"] == []


def test_a_size_set_as_5mb_through_the_api_is_the_inventory_s_5mb(
    api: StorageApiServer, ourvidz_db: str, inventory: Path
) -> None:
    """The Storage API reads "5MB" as 5,000,000 bytes; so does the inventory. 5MiB differs by the unit alone."""
    storage = storage_client(api)
    storage.create_bucket("exports", options={"public": False, "file_size_limit": "5MB"})
    text = inventory.read_text().replace("\nbuckets:\n", "\nbuckets:\n  exports:\n    file_size_limit: 5MB\n", 1)
    inventory.write_text(text)
    result = audit(inventory, "api", api.url)
    assert result.returncode == 0, result.stderr
    inventory.write_text(text.replace("file_size_limit: 5MB", "file_size_limit: 5MiB", 1))
    result = audit(inventory, "api", api.url)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["expected"], finding["actual"]) == (5242880, 5_000_000)
    assert finding["message"] == (
        "Bucket exports allows 5MB per file; the inventory says 5MiB. Only the unit differs: 5MiB is 5,242,880 bytes, "
        "5MB is 5,000,000; write 5MB in inventory.yaml if that is what is meant."
    )
