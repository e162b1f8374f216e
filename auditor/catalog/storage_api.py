"""Bucket reader through the Supabase Storage API, with the official `supabase` client.

For teams that can reach their project's HTTP API long before they get a database URL (direct
database hosts are IPv6-only; CI runners often lack IPv6). The listing is mapped onto the same
LiveBucket the SQL reader produces, so every bucket rule runs unchanged; what the endpoint does
not give (object counts, tables) becomes a SkippedCheck. `supabase` and `httpx` are imported
only when an environment uses the API, so the CLI stays fast for everyone else.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from auditor import secrets, urls
from auditor.catalog.connection import STALLED
from auditor.catalog.settings import Deadline, SessionSettings
from auditor.errors import AuditorError, SourceUnavailable, UsageError
from auditor.extras import require
from auditor.model import ApiBucketListing, Catalog, Inventory, LiveBucket, SkippedCheck
from auditor.wording import plural

if TYPE_CHECKING:
    import httpx

    from auditor.catalog.http_limits import DeadlinePassed

ENDPOINT = "GET /storage/v1/bucket"
OBJECT_COUNTS_CHECK = "bucket object counts (legacy buckets in use)"
_VARIABLE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ApiTarget:
    """One environment's Storage API: where, with which key, and whether SQL is configured too."""

    environment: str
    url: str
    key: str = field(repr=False)  # never shown, not even in a debugger's repr
    key_variable: str  # named in messages instead of the key
    has_database_url: bool

    @property
    def host(self) -> str:
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        return f"{host}:{parts.port}" if parts.port else host

    def describe(self) -> str:
        return f"{self.host} (Storage API)"


def api_target(inventory: Inventory, environment: str | None, environ: Mapping[str, str]) -> ApiTarget | None:
    """The environment's Storage API, or None when it declares none. Raises UsageError."""
    declared = inventory.environment(environment) if environment else None
    if declared is None or not declared.supabase_url or not declared.service_key:
        return None
    where = f"Environment '{declared.name}'"
    require("supabase", "storage-api", f"{where} reads its buckets through the Storage API, which")
    url = urls.expand(declared.supabase_url, environ, where=where).strip()
    key = urls.expand(declared.service_key, environ, where=where).strip()
    url = _http_url(url)
    if url is None:
        # the value is not quoted: a variable mix-up could have put the key there
        raise UsageError(f"{where}: supabase_url is not an https:// URL such as https://<project-ref>.supabase.co.")
    match = _VARIABLE.match(declared.service_key)
    variable = match.group(1) if match else "service_key"
    if not key.isascii() or not key.isprintable():
        raise UsageError(f"{where}: the key in {variable} has characters an HTTP header cannot carry.")
    return ApiTarget(
        environment=declared.name,
        url=url,
        key=key,
        key_variable=variable,
        has_database_url=bool(declared.database_url),
    )


def _http_url(url: str) -> str | None:
    """The URL with its scheme in lower case (the client accepts no other), or None when it is not
    an http(s) URL the client can use: bad brackets or port, or a host that is not valid IDNA."""
    import httpx

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port raises ValueError when it is not a number
        httpx.URL(url).host  # noqa: B018 - decodes the host as httpx will: IDNA errors are ValueErrors
    except (ValueError, httpx.InvalidURL):
        return None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    return parts.scheme + url[len(parts.scheme) :]


def describe_target(inventory: Inventory, environment: str | None, environ: Mapping[str, str]) -> str:
    """The API target of a failed report, or 'unknown' when even that cannot be worked out."""
    try:
        target = api_target(inventory, environment, environ)
    except AuditorError:
        return "unknown"
    return target.describe() if target else "unknown"


def key_role(key: str) -> str:
    """Which role a key acts as, read without verifying it (the auditor holds no JWT secret).

    "secret" / "publishable" for the sb_secret_ / sb_publishable_ formats, the `role` claim of
    a legacy JWT key (service_role, anon...), or "unknown".
    """
    if key.startswith("sb_secret_"):
        return "secret"
    if key.startswith("sb_publishable_"):
        return "publishable"
    parts = key.split(".")
    if len(parts) != 3:
        return "unknown"
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return "unknown"
    role = payload.get("role") if isinstance(payload, dict) else None
    return role if isinstance(role, str) and role else "unknown"


def read_listing(
    target: ApiTarget, *, timeout: float, legacy: tuple[str, ...] = (), deadline: Deadline | None = None
) -> ApiBucketListing:
    """List the buckets with `create_client(url, key).storage.list_buckets()`, and count the
    objects of the `legacy` buckets (`.from_(id).list(...)`). Raises SourceUnavailable.

    `timeout` bounds each phase of each request (connect, each read); `deadline` (the audit's,
    by default 120 s from now) the whole of it, every request, however slowly an answer trickles
    in. Every answer is read up to MAX_RESPONSE_BYTES. The bucket rows are read from the answer
    itself, field by field: the client's model rejects the whole listing for one field the
    auditor does not use (a NULL created_at, which Storage sends as ""), and one row the auditor
    cannot use is reported in the listing, not fatal. Every failure, including answers that are not the Storage API's,
    becomes one message naming environment and host.
    """
    import httpx
    from pydantic import ValidationError
    from storage3.exceptions import StorageApiError
    from supabase import ClientOptions, SupabaseException, create_client

    from auditor.catalog.http_limits import CappedTransport, DeadlinePassed, ResponseTooLarge

    deadline = deadline or SessionSettings().deadline()
    responses: list[httpx.Response] = []
    try:  # no redirects: httpx would carry the key to whatever host a redirect names
        with httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            event_hooks={"response": [responses.append]},
            transport=CappedTransport(MAX_RESPONSE_BYTES, deadline),
        ) as http:
            options = ClientOptions(httpx_client=http, auto_refresh_token=False, persist_session=False)
            storage = create_client(target.url, target.key, options).storage
            with contextlib.suppress(ValidationError):  # a field the client's model refuses: rows are read below
                storage.list_buckets()
            live, unreadable = _bucket_rows(responses[-1].json())
            role = key_role(target.key)
            counted = [b for b in live if b.id in legacy]
            counts = _object_counts(storage, counted, target) if role in ELEVATED_ROLES else {}
    except DeadlinePassed as passed:
        raise _too_slow(target, passed, deadline) from None
    except httpx.TimeoutException:
        raise _unavailable(
            target, f"no answer within {timeout:g} s", "check the network, or raise --connect-timeout"
        ) from None
    except ResponseTooLarge:
        raise _unavailable(
            target,
            f"an answer of more than {MAX_RESPONSE_BYTES:,} bytes, more than any bucket list",
            "check that supabase_url is the project's API URL (https://<project-ref>.supabase.co)",
        ) from None
    except httpx.HTTPError as error:  # refused, DNS, TLS, connection dropped mid-answer
        raise _unavailable(
            target, _scrub(str(error) or type(error).__name__, target), "check supabase_url and that the API is up"
        ) from None
    except StorageApiError:
        raise _refused(target, responses[-1] if responses else None) from None
    except SupabaseException as error:  # the client refused supabase_url or the key before any request
        raise UsageError(
            f"Environment '{target.environment}': the Supabase client refused supabase_url or the key in "
            f"{target.key_variable} ({_scrub(str(error), target)})."
        ) from None
    except (ValueError, TypeError, KeyError, RecursionError) as error:  # not JSON, not a list, rows without id
        raise _unavailable(
            target,
            f"the answer to {ENDPOINT} is not a list of buckets ({_malformed(error, responses, target)})",
            "check that supabase_url is the project's API URL (https://<project-ref>.supabase.co)",
        ) from None
    live = tuple(replace(b, object_count=c[0], total_bytes=c[1]) if (c := counts.get(b.id)) else b for b in live)
    return ApiBucketListing(
        host=target.host,
        buckets=tuple(sorted(live, key=lambda b: b.id)),
        key_role=role,
        unreadable=unreadable,
        uncounted=_not_counted(counted, counts, role),
    )


ELEVATED_ROLES = ("service_role", "secret")
"""Key roles that see every bucket and object: row level security hides rows from the others."""


def _bucket_rows(document: object) -> tuple[list[LiveBucket], tuple[str, ...]]:
    """The buckets of a listing, and why each row that cannot be used cannot (row number, id).

    A row without a text `id` and `name` (the fields Storage always sends) means the answer is
    not a bucket list at all: ValueError.
    """
    if not isinstance(document, list):
        raise ValueError("expected a JSON list of bucket objects")
    live, unreadable = [], []
    for number, row in enumerate(document, 1):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("name"), str):
            raise KeyError(f"row {number} has no id and name")
        problem = _row_problem(row)
        if problem:
            unreadable.append(f"bucket {row['id']!r} (row {number}): {problem}")
            continue
        mime_types = row.get("allowed_mime_types")
        live.append(
            LiveBucket(
                id=row["id"],
                name=row["name"] or row["id"],
                public=row["public"],
                file_size_limit=row.get("file_size_limit"),
                allowed_mime_types=tuple(sorted(mime_types)) if mime_types else None,
            )
        )
    return live, tuple(unreadable)


def _row_problem(row: dict) -> str | None:
    """Why a bucket row cannot be compared, or None: the fields the bucket rules read."""
    if not isinstance(row.get("public"), bool):
        return f"public is {_shown(row.get('public'))}, not true or false"
    limit = row.get("file_size_limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        return f"file_size_limit is {_shown(limit)}, not a number of bytes"
    mime_types = row.get("allowed_mime_types")
    if mime_types is not None and not (isinstance(mime_types, list) and all(isinstance(m, str) for m in mime_types)):
        return f"allowed_mime_types is {_shown(mime_types)}, not a list of MIME types"
    return None


def _shown(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


OBJECT_PAGE = 1000
MAX_COUNTED_OBJECTS = 10_000
"""Objects counted per legacy bucket; past that, the bucket is in use and the count says 'at least'."""


def _object_counts(storage: object, buckets: list[LiveBucket], target: ApiTarget) -> dict[str, tuple[int, int]]:
    """(objects, bytes) of each bucket, listed folder by folder (POST /object/list/<bucket>).

    A bucket whose listing fails is left out (its count is then 'not made'); the listing of one
    bucket stops at MAX_COUNTED_OBJECTS.
    """
    import httpx
    from storage3.exceptions import StorageApiError

    counts = {}
    for bucket in buckets:
        try:
            counts[bucket.id] = _count(storage.from_(bucket.id))  # type: ignore[attr-defined]
        except (StorageApiError, httpx.HTTPError, ValueError, TypeError, KeyError, RecursionError):
            continue
    return counts


def _count(files: object) -> tuple[int, int]:
    objects = size = 0
    folders = [""]
    while folders and objects < MAX_COUNTED_OBJECTS:
        folder = folders.pop()
        offset = 0
        while objects < MAX_COUNTED_OBJECTS:
            page = files.list(folder, {"limit": OBJECT_PAGE, "offset": offset})  # type: ignore[attr-defined]
            if not isinstance(page, list):
                raise ValueError("expected a JSON list of objects")
            for entry in page:
                if entry.get("id") is None:  # a folder
                    folders.append(f"{folder}{entry['name']}/")
                else:
                    objects += 1
                    value = (entry.get("metadata") or {}).get("size")
                    size += value if isinstance(value, int) and not isinstance(value, bool) else 0
            if len(page) < OBJECT_PAGE:
                break
            offset += OBJECT_PAGE
    return min(objects, MAX_COUNTED_OBJECTS), size


def _not_counted(counted: list[LiveBucket], counts: dict, role: str) -> tuple[str, ...]:
    """Why the object count of each legacy bucket that has none is missing."""
    if role not in ELEVATED_ROLES:
        return tuple(
            f"bucket {b.id}: the key is not a service key, and row level security hides objects" for b in counted
        )
    return tuple(f"bucket {b.id}: the Storage API did not list its objects" for b in counted if b.id not in counts)


MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""10,000 buckets listed are some 3 MB; a page of 1,000 objects, some 400 KB."""


def api_catalog(listing: ApiBucketListing, environment: str) -> Catalog:
    """The catalog of an environment read through the Storage API alone."""
    skipped = [
        SkippedCheck(
            "tables",
            f"environment '{environment}' has no database_url; tables and columns are read only through SQL",
        )
    ]
    if listing.uncounted:
        skipped.append(SkippedCheck(OBJECT_COUNTS_CHECK, "; ".join(listing.uncounted)))
    if not listing.trusted:
        skipped.append(SkippedCheck("buckets", _untrusted(listing)))
    elif listing.unreadable:
        skipped.append(SkippedCheck("buckets", _unreadable(listing)))
    return Catalog(
        tables=None,
        buckets=listing.buckets if listing.trusted and not listing.unreadable else None,
        object_counts_available=not listing.uncounted,
        skipped=tuple(skipped),
        storage_api=listing,
    )


def with_api_listing(catalog: Catalog, listing: ApiBucketListing) -> Catalog:
    """SQL's buckets stay the ones checked and the listing is compared with them; when SQL could
    not read storage.buckets, a trusted listing takes their place. A listing with rows the
    auditor cannot read is not compared (its rows would read as missing) and stands in for nothing."""
    if listing.unreadable:
        note = SkippedCheck("bucket source comparison", _unreadable(listing))
        return replace(catalog, skipped=(*catalog.skipped, note))
    if catalog.buckets is not None or not listing.trusted:
        return replace(catalog, storage_api=listing)
    reasons = [s.reason for s in catalog.skipped if s.check == "buckets"]
    note = SkippedCheck(
        "bucket source comparison",
        f"storage.buckets could not be read through SQL ({'; '.join(reasons) or 'no reason given'}); "
        "buckets come from the Storage API",
    )
    skipped = (*(s for s in catalog.skipped if s.check != "buckets"), note)
    return replace(catalog, buckets=listing.buckets, skipped=skipped, storage_api=listing)


def _unreadable(listing: ApiBucketListing) -> str:
    rows = plural(len(listing.unreadable), "bucket row")
    return f"the Storage API at {listing.host} sent {rows} that cannot be read ({'; '.join(listing.unreadable)})"


def _untrusted(listing: ApiBucketListing) -> str:
    return (
        f"the Storage API key is not a service key (role: {listing.key_role}) and listed "
        f"{len(listing.buckets)} bucket(s); row level security hides buckets from such keys"
    )


# --- errors -----------------------------------------------------------------------------


def _unavailable(target: ApiTarget, reason: str, hint: str) -> SourceUnavailable:
    return SourceUnavailable(
        f"Cannot list the buckets of environment '{target.environment}' through the Storage API at "
        f"{target.host}: {reason}. Likely fix: {hint}."
    )


def _too_slow(target: ApiTarget, passed: DeadlinePassed, deadline: Deadline) -> SourceUnavailable:
    """The audit's deadline passed while waiting on the API: say whether its answer had stopped
    or was merely slow, as for the database (auditor.catalog.connection)."""
    ended = f"the audit's deadline (--timeout {deadline.seconds:g} s) ended the read and closed the connection"
    if not passed.replied or passed.silent_for >= STALLED:
        return _unavailable(
            target,
            f"it had sent nothing for {passed.silent_for:.0f} s when {ended}: the Storage API, or a proxy in front "
            "of it, stopped answering while keeping the connection open",
            "check the proxy or gateway between this machine and the Storage API, then run the audit again",
        )
    return _unavailable(
        target,
        f"its reply was still arriving, too slowly, when {ended}: the network, or a proxy in between, "
        "delivers data at a crawl",
        "check the network path to the Storage API, or raise --timeout if the network is known to be slow",
    )


def _refused(target: ApiTarget, response: httpx.Response | None) -> SourceUnavailable:
    """An HTTP error status: a refused key, a database error behind Storage, a route that is not
    there, or a gateway's own page.

    Storage answers {"statusCode": "403", "code": "AccessDenied", ...} with HTTP 400 both for a key
    it refuses and for a privilege its database refuses (the query runs as the key's role): the
    database's own message ("permission denied for table buckets") tells the two apart.
    """
    status = response.status_code if response is not None else "?"
    if response is not None and response.is_redirect:
        location = urlsplit(response.headers.get("location", ""))
        where = f"{location.scheme}://{location.hostname}" if location.hostname else "another path"
        return _unavailable(
            target,
            f"HTTP {status}, a redirect to {where}",
            "set supabase_url to the address it redirects to (the auditor does not follow redirects with a key)",
        )
    body = _error_body(response)
    if body is None:
        return _unavailable(
            target,
            f"HTTP {status} with {_body_summary(response, target)}, not a Storage API error: "
            "a gateway or proxy in front of it failed",
            "try again later; if it persists, check that supabase_url is the project's API URL",
        )
    message = _scrub(str(body.get("message", "")), target)
    code, said = str(body.get("code") or body.get("error") or ""), str(body.get("statusCode", status))
    detail = f"HTTP {status}, statusCode {said}, {code + ': ' if code else ''}{message}"
    if _database_refused(message):
        return _unavailable(
            target,
            f"the Storage API's database refused the query ({detail})",
            "Storage reads storage.buckets as the key's role: grant that role (service_role) SELECT on "
            "storage.buckets and storage.objects, and check their row level security",
        )
    if status == 401 or said in ("401", "403"):
        return _unavailable(
            target,
            f"the key in {target.key_variable} was refused ({detail})",
            f"set {target.key_variable} to the project's service_role key (or an sb_secret_ key), "
            "from the dashboard's API keys page",
        )
    if said == "404" or status == 404:
        return _unavailable(
            target,
            f"no such route ({detail})",
            "set supabase_url to the project's API URL, https://<project-ref>.supabase.co, with no path: "
            "the Storage API answers under /storage/v1 there",
        )
    if said.startswith("5") or said in ("429", "544") or status >= 500:
        return _unavailable(
            target,
            f"the Storage API failed ({detail}); it may have lost its database",
            "check the project's status page and the Storage logs, then try again",
        )
    return _unavailable(target, f"the Storage API answered {detail}", "check the Storage API's status")


def _error_body(response: httpx.Response | None) -> dict | None:
    """The JSON error body of a response in Storage's shape (a message and a statusCode), or None."""
    if response is None:
        return None
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return None
    if isinstance(body, dict) and isinstance(body.get("message"), str) and "statusCode" in body:
        return body
    if isinstance(body, dict) and response.status_code == 401 and isinstance(body.get("message"), str):
        return {**body, "statusCode": 401}  # the gateway's "Invalid API key"
    return None


def _database_refused(message: str) -> bool:
    """Whether Storage's AccessDenied message is its database's (42501), not its key check's."""
    lowered = message.lower()
    return lowered.startswith("permission denied for") or "row-level security" in lowered


def _malformed(error: Exception, responses: list[httpx.Response], target: ApiTarget) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON: {_body_summary(responses[-1] if responses else None, target)}"
    if isinstance(error, RecursionError):
        return "JSON nested too deeply to be one"
    if isinstance(error, KeyError):
        return str(error.args[0])
    return "expected a JSON list of bucket objects"


def _body_summary(response: httpx.Response | None, target: ApiTarget) -> str:
    """A short description of a response body that is not what the Storage API sends."""
    if response is None:
        return "no body"
    text = response.text  # the client never streams: the body has been read
    content_type = response.headers.get("content-type", "no content type").split(";")[0]
    if "html" in content_type or text.lstrip().lower().startswith(("<!doctype html", "<html")):
        title = _TITLE.search(text)
        return f"an HTML page titled {_scrub(title.group(1).strip(), target)!r}" if title else "an HTML page"
    if not text.strip():
        return f"an empty {content_type} body"
    try:
        message = json.loads(text).get("message")
    except (ValueError, AttributeError, RecursionError):
        message = None
    excerpt = message if isinstance(message, str) else " ".join(text.split())[:80]
    return f"{content_type} {_scrub(excerpt, target)!r}"


def _scrub(text: str, target: ApiTarget) -> str:
    """Text from the API without the key, whole, cut short, in another case (auditor.secrets.scrub)."""
    return secrets.scrub(text, [target.key])
