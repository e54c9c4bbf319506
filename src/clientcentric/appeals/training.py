"""Labelled history in, trained classifiers out: the import, training and batch classification behind the CLI."""

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import tablib
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from clientcentric.core.tabular import safe_row
from clientcentric.engines.text import classifier as engine
from clientcentric.engines.text import routing_report

from . import services
from .classification import classify_many
from .models import TrainingExample

HOLDOUT_SHARE = 0.2
BATCH = 2000


@dataclass
class ExampleImport:
    imported: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    skipped: int = 0


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV, CSV.GZ or XLSX file, all cells as text."""
    name = path.name.lower()
    if name.endswith(".xlsx"):
        dataset = tablib.Dataset().load(path.read_bytes(), "xlsx")
        return [str(h) for h in dataset.headers], [
            ["" if v is None else str(v) for v in row] for row in dataset
        ]
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        raise ValueError(_("Row %(row)s: the file is not in UTF-8.") % {"row": row}) from None
    csv.field_size_limit(50 * 1024 * 1024)
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table:
        raise ValueError(_("The file is empty."))
    return table[0], table[1:]


def _parse_time(value: str) -> datetime | None:
    moment = parse_datetime(value.strip()) if value.strip() else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def import_examples(
    path: Path,
    *,
    category_column="category",
    executor_column="executor",
    object_column="object_kind",
    require_object_column=False,
    skip_invalid=False,
    actor=None,
) -> ExampleImport:
    """Import labelled appeals. Any invalid row stops the import unless `skip_invalid` is given."""
    header, rows = read_table(path)
    result = ExampleImport()
    columns = {
        "text": "text",
        "category": category_column,
        "executor": executor_column,
        "created_at": "created_at",
        "district": "district",
        "address": "address",
        "municipality": "municipality",
        "object_kind": object_column,
    }
    missing = [name for key, name in columns.items() if key in ("text", "created_at") and name not in header]
    if category_column not in header and executor_column not in header:
        missing.append(f"{category_column} / {executor_column}")
    if require_object_column and object_column not in header:  # named by hand: a typo must not pass
        missing.append(object_column)
    if missing:
        result.problems = [(1, name, _("Required column is missing.")) for name in missing]
        return result
    index = {key: header.index(name) for key, name in columns.items() if name in header}
    examples = []
    for number, row in enumerate(rows, start=2):
        cells = {key: (row[i] if i < len(row) else "").strip() for key, i in index.items()}
        if not cells["text"]:
            result.problems.append((number, "text", _("The text is empty.")))
            continue
        created = _parse_time(cells["created_at"])
        if created is None:
            result.problems.append(
                (
                    number,
                    columns["created_at"],
                    _("Not a date and time: “%(value)s”.") % {"value": cells["created_at"][:40]},
                )
            )
            continue
        if not (cells.get("category") or cells.get("executor")):
            result.skipped += 1  # unlabelled: nothing to learn from
            continue
        examples.append(
            TrainingExample(
                text=cells["text"],
                category=cells.get("category", "")[:300],
                executor=cells.get("executor", "")[:300],
                district=cells.get("district", "")[:100],
                address=cells.get("address", "")[:300],
                municipality=cells.get("municipality", "")[:100],
                object_kind=cells.get("object_kind", "")[:100],
                created_at=created,
                source=path.name[:40],
            )
        )
    if result.problems and not skip_invalid:
        return result
    services.store_training_examples(examples, source_file=path.name, batch_size=BATCH, actor=actor)
    result.imported = len(examples)
    return result


def _holdout_boundary(examples: list[dict]) -> datetime:
    ordered = sorted(e["created_at"] for e in examples)
    return ordered[int(len(ordered) * (1 - HOLDOUT_SHARE))]


def train_models(*, actor=None) -> dict[str, dict]:
    """Train the topic model and the executor router on every labelled example, after measuring them.

    The figures come from a time-ordered hold-out (the newest fifth of the examples, de-duplicated, no text also
    in training), each next to its simple baseline (`engines.text.routing_report`); the models stored are then
    trained on everything.
    """
    examples = [
        {
            "text": e["text"],
            "topic": e["category"],
            "executor": e["executor"],
            "district": e["district"],
            "address": e["address"],
            "municipality": e["municipality"],
            "object_kind": e["object_kind"],
            "created_at": e["created_at"],
        }
        for e in TrainingExample.objects.exclude(category="", executor="").values(
            "text", "category", "executor", "district", "address", "municipality", "object_kind", "created_at"
        )
    ]
    if not examples:
        skipped = {"skipped": _("fewer than two labels")}
        return {"category": skipped, "executor": dict(skipped)}
    train, test = engine.time_ordered_split(examples, _holdout_boundary(examples))
    measured = routing_report.evaluate_routing(train, test).report
    everything = engine.deduplicate(sorted(examples, key=lambda e: e["created_at"]))
    final = routing_report.evaluate_routing(everything, [], baselines=False)
    report = {}
    for target, key, model in (
        ("category", "topic", final.topic_model),
        ("executor", "executor", final.executor_model),
    ):
        metrics = measured.get(key, {})
        if model is None or "skipped" in metrics:
            report[target] = {"skipped": _("fewer than two labels")}
            continue
        used = sum(1 for e in everything if e[key])
        services.store_classifier(target, model.to_bytes(), metrics, used, actor=actor)
        report[target] = metrics
    return report


def classify_file(input_path: Path, output_path: Path, *, object_column: str = "object_kind") -> int:
    """Write the input rows with predicted topic and executor columns added; returns the row count."""
    header, rows = read_table(input_path)
    if "text" not in header:
        raise ValueError(_("Row 1: the input needs a “text” column."))
    if object_column != "object_kind" and object_column not in header:  # named by hand: a typo must not pass
        raise ValueError(_("Row 1: there is no “%(column)s” column.") % {"column": object_column})
    text_at = header.index("text")
    # The place's optional columns, in classify_many's order; a column the file lacks reads as empty.
    place_at = [
        header.index(name) if name in header else None
        for name in ("district", "address", "municipality", object_column)
    ]
    added = [
        "predicted_category",
        "predicted_category_top3",
        "predicted_category_p",
        "predicted_executor",
        "predicted_executor_top3",
        "predicted_executor_p",
    ]
    with output_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(safe_row([*header, *added]))
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            texts = [row[text_at] if text_at < len(row) else "" for row in chunk]
            districts, addresses, municipalities, object_kinds = (
                [row[at] if at is not None and at < len(row) else "" for row in chunk] for at in place_at
            )
            predictions = classify_many(
                texts, districts, addresses, municipalities=municipalities, object_kinds=object_kinds
            )
            for row, prediction in zip(chunk, predictions, strict=True):
                writer.writerow(
                    safe_row(
                        [
                            *row,
                            *([""] * (len(header) - len(row))),
                            prediction.category,
                            json.dumps([c for c, _p in prediction.category_top], ensure_ascii=False),
                            f"{prediction.category_top[0][1]:.4f}" if prediction.category_top else "",
                            prediction.executor,
                            json.dumps([e for e, _p in prediction.executor_top], ensure_ascii=False),
                            f"{prediction.executor_top[0][1]:.4f}" if prediction.executor_top else "",
                        ]
                    )
                )
    return len(rows)
