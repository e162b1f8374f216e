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
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from auditor import urls
from auditor.errors import AuditorError, SourceUnavailable, UsageError
from auditor.extras import require
from auditor.model import ApiBucketListing, Catalog, Inventory, LiveBucket, SkippedCheck

if TYPE_CHECKING:
    import httpx
    from storage3.types import BaseBucket

ENDPOINT = "GET /storage/v1/bucket"
OBJECT_COUNTS_CHECK = "bucket object counts (legacy buckets in use)"
_VARIABLE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_UNPARSED = "Unable to parse error message"  # storage3's message for a body not in the Storage error shape


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


def read_listing(target: ApiTarget, *, timeout: float) -> ApiBucketListing:
    """List the buckets with `create_client(url, key).storage.list_buckets()`. Raises SourceUnavailable.

    `timeout` bounds each phase of the request (connect, each read). Every failure, including
    answers that are not the Storage API's, becomes one message naming environment and host.
    """
    import httpx
    from storage3.exceptions import StorageApiError
    from supabase import ClientOptions, SupabaseException, create_client

    responses: list[httpx.Response] = []
    try:  # no redirects: httpx would carry the apikey header to whatever host a redirect names
        with httpx.Client(
            timeout=timeout, follow_redirects=False, event_hooks={"response": [responses.append]}
        ) as http:
            options = ClientOptions(httpx_client=http, auto_refresh_token=False, persist_session=False)
            buckets = create_client(target.url, target.key, options).storage.list_buckets()
    except httpx.TimeoutException:
        raise _unavailable(
            target, f"no answer within {timeout:g} s", "check the network, or raise --connect-timeout"
        ) from None
    except httpx.HTTPError as error:  # refused, DNS, TLS, connection dropped mid-answer
        raise _unavailable(
            target, _scrub(str(error) or type(error).__name__, target), "check supabase_url and that the API is up"
        ) from None
    except StorageApiError as error:
        raise _refused(target, error, responses[-1] if responses else None) from None
    except SupabaseException as error:  # the client refused supabase_url or the key before any request
        raise UsageError(
            f"Environment '{target.environment}': the Supabase client refused supabase_url or the key in "
            f"{target.key_variable} ({_scrub(str(error), target)})."
        ) from None
    except (ValueError, TypeError, KeyError) as error:  # not JSON, not a list, a bucket missing fields
        raise _unavailable(
            target,
            f"the answer to {ENDPOINT} is not a list of buckets ({_malformed(error, responses, target)})",
            "check that supabase_url is the project's API URL (https://<project-ref>.supabase.co)",
        ) from None
    live = tuple(sorted((_live_bucket(b) for b in buckets), key=lambda b: b.id))
    return ApiBucketListing(host=target.host, buckets=live, key_role=key_role(target.key))


def _live_bucket(bucket: BaseBucket) -> LiveBucket:
    mime_types = bucket.allowed_mime_types
    return LiveBucket(
        id=bucket.id,
        name=bucket.name or bucket.id,
        public=bool(bucket.public),
        file_size_limit=bucket.file_size_limit,
        allowed_mime_types=tuple(sorted(mime_types)) if mime_types else None,
    )


def api_catalog(listing: ApiBucketListing, environment: str) -> Catalog:
    """The catalog of an environment read through the Storage API alone."""
    skipped = [
        SkippedCheck(
            "tables",
            f"environment '{environment}' has no database_url; tables and columns are read only through SQL",
        ),
        SkippedCheck(OBJECT_COUNTS_CHECK, "the Storage API's bucket list has no object counts"),
    ]
    if not listing.trusted:
        skipped.append(SkippedCheck("buckets", _untrusted(listing)))
    return Catalog(
        tables=None,
        buckets=listing.buckets if listing.trusted else None,
        object_counts_available=False,
        skipped=tuple(skipped),
        storage_api=listing,
    )


def with_api_listing(catalog: Catalog, listing: ApiBucketListing) -> Catalog:
    """SQL's buckets stay the ones checked and the listing is compared with them; when SQL could
    not read storage.buckets, a trusted listing takes their place."""
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


def _refused(target: ApiTarget, error: Exception, response: httpx.Response | None) -> SourceUnavailable:
    """An HTTP error status: a refused key, a Storage error, or a gateway's own page."""
    status = response.status_code if response is not None else getattr(error, "status", "?")
    if response is not None and response.is_redirect:
        location = urlsplit(response.headers.get("location", ""))
        where = f"{location.scheme}://{location.hostname}" if location.hostname else "another path"
        return _unavailable(
            target,
            f"HTTP {status}, a redirect to {where}",
            "set supabase_url to the address it redirects to (the auditor does not follow redirects with a key)",
        )
    storage_shaped = not str(getattr(error, "message", "")).startswith(_UNPARSED)
    detail = _scrub(f"{error.code}: {error.message}", target) if storage_shaped else _body_summary(response, target)
    key_problem = str(status) in ("401", "403") or (
        storage_shaped and str(getattr(error, "status", "")) in ("401", "403")
    )
    if key_problem:
        return _unavailable(
            target,
            f"the key in {target.key_variable} was refused (HTTP {status}, {detail})",
            f"set {target.key_variable} to the project's service_role key (or an sb_secret_ key), "
            "from the dashboard's API keys page",
        )
    if storage_shaped:
        return _unavailable(
            target, f"the Storage API answered HTTP {status} ({detail})", "check the Storage API's status"
        )
    return _unavailable(
        target,
        f"HTTP {status} with {detail}, not a Storage API error: a gateway or proxy in front of it failed",
        "try again later; if it persists, check that supabase_url is the project's API URL",
    )


def _malformed(error: Exception, responses: list[httpx.Response], target: ApiTarget) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON: {_body_summary(responses[-1] if responses else None, target)}"
    errors = getattr(error, "errors", None)
    if callable(errors):  # pydantic's ValidationError: say which field, not the whole dump
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "a bucket"
        return f"{where}: {first.get('msg', 'invalid')}"
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
    except (ValueError, AttributeError):
        message = None
    excerpt = message if isinstance(message, str) else " ".join(text.split())[:80]
    return f"{content_type} {_scrub(excerpt, target)!r}"


def _scrub(text: str, target: ApiTarget) -> str:
    return text.replace(target.key, "********") if target.key else text
