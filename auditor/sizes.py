"""Byte sizes as people write them in inventory.yaml, and back.

Units say what they mean: KB, MB, GB and TB are powers of 1000, as the Supabase Storage API reads
them (its `fileSizeLimit: "5MB"` is 5,000,000 bytes); KiB, MiB, GiB and TiB are powers of 1024
(10MiB is 10,485,760 bytes, the 10 MB of a dashboard that counts in 1024s).
"""

from __future__ import annotations

import re

from auditor.wording import plural

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
    "tb": 1000**4,
    "tib": 1024**4,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_SHOWN = ("TiB", "TB", "GiB", "GB", "MiB", "MB", "KiB", "KB")  # largest first; at one size, 1024s first
_DECIMAL = ("KB", "MB", "GB", "TB")
_BINARY = ("KiB", "MiB", "GiB", "TiB")

SIZE_HELP = "a size in bytes or like 5MB (5,000,000 bytes), 10MiB (10 x 1024 x 1024), 500KB, 1GiB, or null for no limit"


def parse_size(text: str) -> int:
    """Parse '10MB', '10 MiB', '1.5 GB' or '2048' into bytes; raise ValueError otherwise."""
    match = _SIZE.match(text)
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"{text!r} is not {SIZE_HELP}")
    number, unit = match.groups()
    multiplier = _UNITS[unit.lower()]
    if "." in number:
        whole, fraction = number.split(".")
        scaled = int(whole + fraction) * multiplier
        divisor = 10 ** len(fraction)
        if scaled % divisor:
            raise ValueError(f"{text!r} is not a whole number of bytes")
        return scaled // divisor
    return int(number) * multiplier


def format_size(size: int | None) -> str:
    """Human-readable size: 10485760 -> '10MiB', 5000000 -> '5MB', 1500 -> '1500 bytes', None -> 'no limit'."""
    if size is None:
        return "no limit"
    for unit in _SHOWN:
        factor = _UNITS[unit.lower()]
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size} bytes"


def approximate_size(size: int) -> str:
    """An amount of data, rounded to one decimal in binary units: 3960832 -> '3.8 MiB', 900 -> '900 bytes'.

    For what is stored (a bucket's objects), where an exact count of bytes says nothing more."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            break
        value /= 1024
    if unit == "bytes":
        return plural(size, "byte")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def unit_mixup(declared: int | None, live: int | None) -> str | None:
    """When two sizes differ only by their unit (10MB declared, 10MiB live), a sentence saying so."""
    if declared is None or live is None or declared == live:
        return None
    for decimal, binary in zip(_DECIMAL, _BINARY, strict=True):
        for said, meant in ((decimal, binary), (binary, decimal)):
            said_factor, meant_factor = _UNITS[said.lower()], _UNITS[meant.lower()]
            count = declared // said_factor
            if declared % said_factor == 0 and live == count * meant_factor:
                return (
                    f"Only the unit differs: {count}{said} is {declared:,} bytes, {count}{meant} is {live:,}; "
                    f"write {count}{meant} in inventory.yaml if that is what is meant."
                )
    return None
