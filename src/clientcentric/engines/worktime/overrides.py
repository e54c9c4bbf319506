"""Regional or agency-specific corrections to the production calendar, read from plain data."""

from __future__ import annotations

import csv
import enum
import json
import os
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any


class DayKind(enum.StrEnum):
    """What a calendar day is for the clock; the values are the vocabulary of override files."""

    WORKING_DAY = "working_day"
    SHORTENED = "shortened"  # a working day one hour shorter, before a public holiday
    DAY_OFF = "day_off"


OverrideSource = str | os.PathLike[str] | Mapping[Any, Any] | Iterable[Mapping[str, Any]]


def _parse_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(f"{where}: date {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _parse_kind(value: Any, where: str) -> DayKind:
    try:
        return DayKind(str(value).strip())
    except ValueError as exc:
        allowed = ", ".join(kind.value for kind in DayKind)
        raise ValueError(f"{where}: kind {value!r} is not one of {allowed}") from exc


def _from_rows(rows: Iterable[Mapping[str, Any]], origin: str) -> dict[date, DayKind]:
    days: dict[date, DayKind] = {}
    for number, row in enumerate(rows, start=1):
        where = f"{origin}, entry {number}"
        if not isinstance(row, Mapping) or "date" not in row or "kind" not in row:
            raise ValueError(f"{where}: expected an object with 'date' and 'kind', got {row!r}")
        day, kind = _parse_date(row["date"], where), _parse_kind(row["kind"], where)
        # A date listed twice with different kinds is a data error, not something to resolve silently.
        if days.get(day, kind) is not kind:
            raise ValueError(f"{where}: {day} is listed both as {days[day].value} and as {kind.value}")
        days[day] = kind
    return days


def _from_file(path: Path) -> dict[date, DayKind]:
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        if isinstance(data, Mapping) and "days" in data:
            data = data["days"]
        if isinstance(data, Mapping):
            return _from_mapping(data, origin)
        if isinstance(data, list):
            return _from_rows(data, origin)
        raise ValueError(f"{origin}: expected a list of {{date, kind}} objects")
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"date", "kind"} - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{origin}: missing CSV column(s) {', '.join(sorted(missing))}")
            return _from_rows(list(reader), origin)
    raise ValueError(f"{origin}: override files are .json or .csv, not {suffix or 'no extension'}")


def _from_mapping(data: Mapping[Any, Any], origin: str) -> dict[date, DayKind]:
    return {
        _parse_date(key, f"{origin}, key {key!r}"): _parse_kind(value, f"{origin}, key {key!r}")
        for key, value in data.items()
    }


def load_overrides(source: OverrideSource | None) -> dict[date, DayKind]:
    """Read overrides from a ``{date: kind}`` dict, a list of ``{date, kind}`` dicts, or a JSON/CSV path.

    JSON may be a list of objects, a ``{date: kind}`` object, or ``{"days": [...]}`` so that a file can
    carry its own ``"source"`` note next to the data. CSV needs ``date`` and ``kind`` columns; other
    columns (a note, the legal act) are ignored.
    """
    if source is None:
        return {}
    if isinstance(source, str | os.PathLike):
        return _from_file(Path(source))
    if isinstance(source, Mapping):
        return _from_mapping(source, "overrides")
    return _from_rows(source, "overrides")
