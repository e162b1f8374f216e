import pytest

from auditor.sizes import format_size, parse_size
from auditor.types import normalize_type, same_type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10MB", 10 * 1024 * 1024),
        ("10 MiB", 10 * 1024 * 1024),
        ("10 mb", 10 * 1024 * 1024),
        ("5MB", 5242880),
        ("500KB", 512000),
        ("1GB", 1024**3),
        ("1.5 MB", 1572864),
        ("2048", 2048),
        ("2048 B", 2048),
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MB", "10 XB", "-5MB", "ten MB", "1.3 B", "10 M B"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(None, "no limit"), (10485760, "10MB"), (5 * 1024**3, "5GB"), (1536, "1536 bytes"), (2048, "2KB")],
)
def test_format_size(size: int | None, expected: str) -> None:
    assert format_size(size) == expected


@pytest.mark.parametrize(
    ("declared", "live"),
    [
        ("timestamptz", "timestamp with time zone"),
        ("varchar(255)", "character varying(255)"),
        ("int", "integer"),
        ("INT8", "bigint"),
        ("bool", "boolean"),
        ("text[]", "text[]"),
        ("numeric(10, 2)", "numeric(10,2)"),
        ("timestamptz(3)", "timestamp(3) with time zone"),
        ("uuid", "uuid"),
        ("public.job_status", "job_status"),
        ("auth.factor_type", "auth.factor_type"),
    ],
)
def test_same_type(declared: str, live: str) -> None:
    assert same_type(declared, live)


def test_different_types() -> None:
    assert not same_type("text", "character varying")
    assert not same_type("integer", "bigint")
    assert not same_type("text", "text[]")
    assert normalize_type("varchar") == "character varying"
