"""What a reader asked to see of a summary (:class:`SummaryOptions`) and the rows that
makes visible: every renderer takes both."""

from __future__ import annotations

from dataclasses import dataclass

from .conventions import DEFAULT_COLUMNS


@dataclass(frozen=True)
class SummaryOptions:
    """Everything that shapes one summary, validated (:mod:`sphinx_modelsummary.settings` parses them)."""

    input_shape: str | None = None
    columns: tuple[str, ...] = tuple(DEFAULT_COLUMNS)
    formula: str = "both"  # symbolic | substituted | both
    shape_derivations: bool = True
    explain: bool = False
    depth: int | None = None  # None: every level of nested models
    layers: tuple[tuple[str | None, str | None], ...] | None = None  # (first, last) labels; None: open end
    totals: bool = True
    legend: bool = True
    caption: str = ""
    name: str = ""
    classes: tuple[str, ...] = ()
    expect_params: int | None = None
    diagram: bool = False  # the model's diagram under the table (present/diagram_layout.py)


def visible_rows(record: dict, depth: int | None = None, names: tuple[str, str] | None = None) -> list[dict]:
    """Rows down to ``depth`` (None: all), between two layer names inclusive when given."""
    rows = [r for r in record["layers"] if depth is None or r["depth"] <= depth]
    if names:
        labels = [r["label"] for r in rows]
        first, last = (labels.index(n) if n in labels else None for n in names)
        missing = [n for n, i in zip(names, (first, last)) if i is None]
        if missing:
            raise ValueError(f"no layer named {missing[0]!r}; the layers are {', '.join(labels)}")
        rows = rows[first:last + 1]
    return rows


def select_rows(record: dict, options: SummaryOptions) -> list[dict]:
    """The rows to show: down to ``options.depth``, within the ranges of ``options.layers``
    (in the model's order, each row once).

    Raises ``ValueError`` naming a layer that is not there.
    """
    rows = visible_rows(record, options.depth)
    if not options.layers or not rows:
        return rows
    chosen: set[int] = set()
    for first, last in options.layers:
        names = (first or rows[0]["label"], last or rows[-1]["label"])
        picked = visible_rows(record, options.depth, names)
        if not picked:
            raise ValueError(f"layer {names[0]!r} comes after {names[1]!r}")
        chosen.update(id(row) for row in picked)
    return [row for row in rows if id(row) in chosen]


def layer_labels(record: dict, ranges) -> list[str]:
    """The labels of every layer (at any depth) within ``ranges`` (as ``:layers:`` gives
    them), in the order given; raises ``ValueError`` naming a layer that is not there."""
    labels: list[str] = []
    for first, last in ranges:
        rows = record["layers"]
        names = (first or rows[0]["label"], last or rows[-1]["label"])
        picked = visible_rows(record, None, names)
        if not picked:
            raise ValueError(f"layer {names[0]!r} comes after {names[1]!r}")
        labels += [row["label"] for row in picked]
    return list(dict.fromkeys(labels))
