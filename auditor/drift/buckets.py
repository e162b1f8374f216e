"""Storage buckets: declared versus live, and the Storage API listing versus storage.buckets."""

from __future__ import annotations

from auditor.drift.rules import finding
from auditor.model import (
    ApiBucketListing,
    BucketSpec,
    Catalog,
    Finding,
    Inventory,
    LiveBucket,
)
from auditor.sizes import approximate_size, format_size, unit_mixup
from auditor.wording import mime_list, plural, visibility


def compare(inventory: Inventory, catalog: Catalog) -> list[Finding]:
    """Declared buckets and their settings against the live ones."""
    if catalog.buckets is None:
        return []
    specs, live_buckets, counts_available = inventory.buckets, catalog.buckets, catalog.object_counts_available
    live = {b.id: b for b in live_buckets}
    findings: list[Finding] = []
    for spec in specs:
        bucket = live.get(spec.id)
        if bucket is None:
            findings.append(
                finding(
                    "bucket-missing",
                    spec.id,
                    True,
                    False,
                    f"Bucket {spec.id} is declared but does not exist.",
                )
            )
        else:
            findings += compare_bucket(spec, bucket, counts_available)
    declared = {s.id for s in specs}
    for bucket in live_buckets:
        if bucket.id not in declared:
            shown = visibility(bucket.public)
            limit = format_size(bucket.file_size_limit)
            findings.append(
                finding(
                    "bucket-undeclared",
                    bucket.id,
                    False,
                    True,
                    f"Bucket {bucket.id} ({shown}, {limit}) is not in the inventory.",
                )
            )
    return findings


def compare_bucket(spec: BucketSpec, bucket: LiveBucket, counts_available: bool) -> list[Finding]:
    findings: list[Finding] = []
    name = spec.id
    if "public" in spec.declared and spec.public != bucket.public:
        expected, actual = visibility(spec.public), visibility(bucket.public)
        exposure = " Its files are readable by anyone with the URL." if bucket.public else ""
        findings.append(
            finding(
                "bucket-visibility",
                name,
                spec.public,
                bucket.public,
                f"Bucket {name} is {actual}; the inventory says {expected}.{exposure}",
            )
        )
    if "file_size_limit" in spec.declared and spec.file_size_limit != bucket.file_size_limit:
        findings.append(
            finding(
                "bucket-size-limit",
                name,
                spec.file_size_limit,
                bucket.file_size_limit,
                f"Bucket {name} allows {format_size(bucket.file_size_limit)} per file; "
                f"the inventory says {format_size(spec.file_size_limit)}."
                + (f" {mixup}" if (mixup := unit_mixup(spec.file_size_limit, bucket.file_size_limit)) else ""),
            )
        )
    # an empty list and none both allow any type (Storage treats them alike)
    if "allowed_mime_types" in spec.declared and (spec.allowed_mime_types or None) != (
        bucket.allowed_mime_types or None
    ):
        findings.append(
            finding(
                "bucket-mime-types",
                name,
                list(spec.allowed_mime_types or []),
                list(bucket.allowed_mime_types or []),
                f"Bucket {name} allows {mime_list(bucket.allowed_mime_types)}; "
                f"the inventory says {mime_list(spec.allowed_mime_types)}.",
            )
        )
    if spec.status == "legacy" and counts_available and bucket.object_count:
        objects = plural(bucket.object_count, "object")
        findings.append(
            finding(
                "bucket-legacy-in-use",
                name,
                0,
                bucket.object_count,
                f"Legacy bucket {name} holds {objects} ({approximate_size(bucket.total_bytes or 0)}).",
            )
        )
    return findings


STORAGE_API = "(storage API)"
"""The object name of findings about the Storage API as a whole."""


def compare_sources(inventory: Inventory, catalog: Catalog) -> list[Finding]:
    """The Storage API's listing against storage.buckets, when both were read."""
    if catalog.storage_api is None:
        return []
    return compare_bucket_sources(catalog.buckets, catalog.storage_api)


def compare_bucket_sources(buckets: tuple[LiveBucket, ...] | None, listing: ApiBucketListing) -> list[Finding]:
    """Findings about the API listing: a key that cannot see every bucket, or a disagreement with SQL.

    `buckets` are the catalog's; when they are the listing's own (API only) nothing differs.
    """
    if not listing.trusted:
        count = plural(len(listing.buckets), "bucket")
        suspicious = ", which is suspicious" if not listing.buckets else ""
        return [
            finding(
                "bucket-api-key",
                STORAGE_API,
                "service_role",
                listing.key_role,
                f"The Storage API at {listing.host} was asked with {_key_description(listing.key_role)} "
                f"and listed {count}{suspicious}; its listing was not used.",
            )
        ]
    if buckets is None:
        return []
    sql = {b.id: b for b in buckets}
    api = {b.id: b for b in listing.buckets}
    findings: list[Finding] = []
    for bucket_id in sorted(sql.keys() | api.keys()):
        in_sql, in_api = sql.get(bucket_id), api.get(bucket_id)
        expected, actual = _bucket_summary(in_sql), _bucket_summary(in_api)
        if expected != actual:
            findings.append(
                finding(
                    "bucket-source-mismatch",
                    bucket_id,
                    _bucket_settings(in_sql),
                    _bucket_settings(in_api),
                    f"Bucket {bucket_id}: storage.buckets says {expected}; the Storage API at {listing.host} "
                    f"says {actual}.",
                )
            )
    return findings


def _bucket_summary(bucket: LiveBucket | None) -> str:
    if bucket is None:
        return "absent"
    limit = "no size limit" if bucket.file_size_limit is None else f"limit {format_size(bucket.file_size_limit)}"
    return f"{visibility(bucket.public)}, {limit}, {mime_list(bucket.allowed_mime_types)}"


def _bucket_settings(bucket: LiveBucket | None) -> dict[str, object] | None:
    """The settings the two sources are compared on, as raw values; None for a bucket a source lacks."""
    if bucket is None:
        return None
    types = list(bucket.allowed_mime_types or [])
    return {"public": bucket.public, "file_size_limit": bucket.file_size_limit, "allowed_mime_types": types}


def _key_description(role: str) -> str:
    names = {"anon": "the anon key", "publishable": "a publishable key", "unknown": "a key of unknown role"}
    return names.get(role, f"a key with role {role}")
