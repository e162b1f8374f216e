import pytest

from auditor.sizes import format_size, parse_size, unit_mixup
from auditor.types import normalize_type, same_type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10MB", 10_000_000),  # as the Storage API reads "10MB"
        ("10 MiB", 10 * 1024 * 1024),
        ("10 mb", 10_000_000),
        ("5MB", 5_000_000),
        ("5MiB", 5242880),
        ("500KB", 500_000),
        ("500KiB", 512000),
        ("1GB", 1000**3),
        ("1GiB", 1024**3),
        ("1.5 MB", 1_500_000),
        ("1.5 MiB", 1572864),
        ("2048", 2048),
        ("2048 B", 2048),
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MB", "10 XB", "-5MB", "ten MB", "1.3 B", "10 M B", "1.0000001 KB"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (None, "no limit"),
        (10485760, "10MiB"),
        (10_000_000, "10MB"),
        (5 * 1024**3, "5GiB"),
        (1536, "1536 bytes"),
        (2048, "2KiB"),
        (2000, "2KB"),
        (1024000, "1000KiB"),
    ],
)
def test_format_size(size: int | None, expected: str) -> None:
    assert format_size(size) == expected


@pytest.mark.parametrize(
    ("declared", "live", "sentence"),
    [
        (10_000_000, 10485760, "Only the unit differs: 10MB is 10,000,000 bytes, 10MiB is 10,485,760; write 10MiB"),
        (5242880, 5_000_000, "Only the unit differs: 5MiB is 5,242,880 bytes, 5MB is 5,000,000; write 5MB"),
        (2 * 1000**3, 2 * 1024**3, "2GB is 2,000,000,000 bytes, 2GiB is 2,147,483,648"),
        (10_000_000, 20971520, None),  # 10MB and 20MiB: more than the unit
        (10_000_000, 10_000_000, None),
        (None, 10485760, None),
    ],
)
def test_a_difference_of_unit_alone_is_named(declared: int | None, live: int | None, sentence: str | None) -> None:
    found = unit_mixup(declared, live)
    assert found == sentence if sentence is None else sentence in found


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


@pytest.mark.parametrize(
    ("size", "expected"),
    [(1, "1 byte"), (900, "900 bytes"), (32_825, "32.1 KiB"), (3_960_832, "3.8 MiB"), (22_020_096, "21 MiB")],
)
def test_an_amount_stored_is_rounded_in_binary_units_that_say_so(size: int, expected: str) -> None:
    from auditor.sizes import approximate_size

    assert approximate_size(size) == expected
