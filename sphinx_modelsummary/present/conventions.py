"""Words and numbers from a summary record, shared by every renderer.

One typographic convention for every output: ``×`` between sizes, ``·`` in formulas,
``→`` in the shape walk, ``−`` for minus, floors as ``⌊ ⌋``, numbers with thousands
separators and symbols such as ``d_k`` subscripted (:mod:`.typeset` reads the record's
LaTeX for that). :data:`ASCII` gives the same words in plain ASCII (the record's
``symbolic`` and ``substituted`` fields, ``x`` and ``->``), as the seed quiz writes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model.expr import group, shape_text, shapes_text  # noqa: F401  (the one shape printer)
from ..model.legend import legend_items
from .typeset import to_unicode

FORMULA_MODES = ("symbolic", "substituted", "both")


@dataclass(frozen=True)
class Style:
    unicode: bool = True

    @property
    def times(self) -> str:
        return " × " if self.unicode else " x "

    @property
    def arrow(self) -> str:
        return " → " if self.unicode else " -> "


UNICODE, ASCII = Style(True), Style(False)
_ASCII = str.maketrans({"·": "*", "×": "x", "→": "->", "−": "-", "⌊": "floor(", "⌋": ")", "⌈": "ceil(", "⌉": ")",
                        "\xa0": " ", "…": "...", "│": "|", "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def to_ascii(text: str) -> str:
    """``text`` in ASCII: the convention's typography as ``*``, ``x``, ``->``, ``floor()``;
    any other character (a name's) as a Python escape."""
    return text.translate(_ASCII).encode("ascii", "backslashreplace").decode("ascii")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    numeric: bool = False


COLUMNS = {
    c.key: c
    for c in (
        Column("layer", "Layer (type)"),
        Column("name", "Layer"),
        Column("class", "Type"),
        Column("input", "Input shape"),
        Column("output", "Output shape"),
        Column("activations", "Activations"),
        Column("params", "Parameters", numeric=True),
        Column("trainable", "Trainable", numeric=True),
        Column("non_trainable", "Non-trainable", numeric=True),
        Column("formula", "Formula"),
        Column("macs", "MACs", numeric=True),
        Column("memory", "Memory", numeric=True),
        Column("connected", "Connected to"),
    )
}
DEFAULT_COLUMNS = ("layer", "output", "activations", "params", "formula")


def parse_columns(text: str | None) -> list[str]:
    """``"layer, output, params"`` -> keys; raises ValueError naming an unknown column."""
    if not text or not text.strip():
        return list(DEFAULT_COLUMNS)
    keys = [k.strip().lower().replace("-", "_") for k in text.replace(",", " ").split()]
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r}; choose from {', '.join(COLUMNS)}")
    return keys


def size_parts(shape, style: Style = UNICODE) -> list[str]:
    """``["26 × 26 × 32", "= 21,632"]`` for one output, without the batch axis."""
    sizes = shape[1:]
    dims = style.times.join("?" if n is None else str(n) for n in sizes)
    if None in sizes:
        return [dims, "(unknown)"]
    if len(sizes) == 1:
        return [group(sizes[0])]
    return [dims, f"= {group(math.prod(sizes))}"]


def size_text(shape, style: Style = UNICODE) -> str:
    return " ".join(size_parts(shape, style))


def activations_text(row: dict, style: Style = UNICODE) -> str:
    return "; ".join(size_text(s, style) for s in row["output_shapes"])


def layer_text(row: dict) -> str:
    return f"{row['label']} ({row['class']})"


def count_text(value) -> str:
    return "?" if value is None else group(value)


def equation_sides(item: dict, mode: str = "both", style: Style = UNICODE) -> list[str]:
    """The sides of ``k · (f · h · w + 1) = 32 · (1 · 3 · 3 + 1) = 320`` that ``mode`` shows,
    a side equal to the one before it left out."""
    if style.unicode:
        symbolic, substituted = (to_unicode(item["latex"][key]) for key in ("symbolic", "substituted"))
    else:
        symbolic, substituted = item["symbolic"], item["substituted"]
    sides = []
    if mode in ("symbolic", "both"):
        sides.append(symbolic)
    if mode in ("substituted", "both") and substituted not in sides:
        sides.append(substituted)
    value = count_text(item["value"]) if item["value"] is not None else None  # None: a size is unknown
    if value is not None and value not in sides:
        sides.append(value)
    return sides


def latex_sides(item: dict, mode: str = "both") -> list[str]:
    """:func:`equation_sides` in the record's LaTeX."""
    latex = item["latex"]
    sides = []
    if mode in ("symbolic", "both"):
        sides.append(latex["symbolic"])
    if mode in ("substituted", "both") and latex["substituted"] not in sides:
        sides.append(latex["substituted"])
    if item["value"] is None:
        return sides
    value = group(item["value"]).replace(",", "{,}")
    if value not in sides and value != latex["substituted"]:
        sides.append(value)
    return sides


def equation(item: dict, mode: str = "both", style: Style = UNICODE) -> str:
    """``k · (f · h · w + 1) = 32 · (1 · 3 · 3 + 1) = 320`` (mode picks the sides)."""
    return " = ".join(equation_sides(item, mode, style))


def equation_latex(item: dict, mode: str = "both") -> str:
    return " = ".join(latex_sides(item, mode))


def split_sides(sides: list[str]) -> list[str]:
    """Sides as line pieces: the first alone, each later one after its ``=``."""
    return sides[:1] + [f"= {side}" for side in sides[1:]]


def formula_parts(row: dict) -> list[dict]:
    """The parts a formula is shown by, one equation each: its weight groups when they differ
    in trainability (batch normalisation's statistics) or are many (attention's
    projections); else none, and the formula is shown whole."""
    parts = (row.get("formula") or {}).get("parts") or []
    if len(parts) < 2:
        return []
    mixed = len({bool(p["trainable"]) for p in parts}) > 1
    return parts if mixed or len(parts) > 2 else []


def part_label(part: dict) -> str:
    return part["label"] + ("" if part["trainable"] else " (non-trainable)")


def formula_text(row: dict, mode: str = "both", style: Style = UNICODE) -> str:
    if row["formula"] is None:
        return ""
    return f"{equation(row['formula'], mode, style)} {mismatch_note(row)}".strip()


def derivations(row: dict) -> list[tuple[str, dict]]:
    """``(axes, derivation)``: axes derived by the same arithmetic share one line
    (``height, width`` of a square input)."""
    merged: list[tuple[str, dict]] = []
    for item in row["shape_derivations"]:
        if merged and merged[-1][1]["substituted"] == item["substituted"]:
            merged[-1] = (f"{merged[-1][0]}, {item['axis']}", merged[-1][1])
        else:
            merged.append((item["axis"], item))
    return merged


def params_text(row: dict) -> str:
    return group(row["params"]["total"]) + (" (shared)" if row["shared"] else "")


def cell_text(row: dict, key: str, formula_mode: str = "both", style: Style = UNICODE) -> str:
    """The plain text of one table cell."""
    if key == "layer":
        return layer_text(row)
    if key == "name":
        return row["label"]
    if key == "class":
        return row["class"]
    if key == "input":
        return shapes_text(row["input_shapes"])
    if key == "output":
        return shapes_text(row["output_shapes"])
    if key == "activations":
        return activations_text(row, style)
    if key in ("trainable", "non_trainable"):
        return group(row["params"][key])
    if key == "params":
        return params_text(row)
    if key == "formula":
        return formula_text(row, formula_mode, style)
    if key == "macs":
        formula, note = macs_cell(row)
        if formula is not None:
            return f"{equation(formula, 'both', style)} {note}"
        return count_text(row["macs"]) if row["macs"] is not None else ""
    if key == "connected":
        return ", ".join(row["connected_to"])
    if key == "memory":
        return bytes_text(row.get("activation_bytes"))
    raise KeyError(key)


def notes(record: dict, rows: list[dict]) -> dict:
    """Numbered notes for the shown rows' diagnostics and the model's own: ``items`` as
    ``(layer label or None, message)``, and each row's note numbers in ``marks``."""
    items, marks = [], {}
    for row in rows:
        for diagnostic in row["diagnostics"]:
            items.append((row["label"], diagnostic["message"]))
            marks.setdefault(id(row), []).append(str(len(items)))
    items += [(None, d["message"]) for d in record["diagnostics"] if d.get("layer") is None]
    return {"items": items, "marks": marks}


def note_text(label: str | None, message: str) -> str:
    return f"{label}: {message}" if label else f"The model: {message}"


def memory_text(record: dict) -> str:
    """``136.04 KiB float32``: the parameters' memory per dtype."""
    return ", ".join(f"{_size(n)} {dtype}" for dtype, n in record["totals"]["memory_bytes"].items()) or "0 B"


def _size(n: int | None) -> str:
    """:func:`bytes_text` with a no-break space: a line of prose never ends between number and unit."""
    return bytes_text(n).replace(" ", "\xa0")


def memory_words(record: dict) -> list[str]:
    """The memory of one sample, as the totals say it: ``memory: input 3.06 KiB``, ``parameters
    136.04 KiB``, ``forward/backward 309.33 KiB``, ``total 448.43 KiB``, ``float32, one
    sample``; each figure names its dtype when they differ (mixed precision)."""
    totals = record["totals"]
    if "params_bytes" not in totals:
        return [memory_text(record)]
    kinds = {"input": record["model"].get("input_dtypes") or [], "params": list(totals["memory_bytes"]),
             "activations": totals.get("activation_dtypes") or []}
    dtypes = list(dict.fromkeys(d for found in kinds.values() for d in found))

    def named(size, kind: str) -> str:
        return _size(size) + ("" if len(dtypes) == 1 or not kinds[kind] else f" {'/'.join(kinds[kind])}")

    words = [f"memory: input {named(totals['input_bytes'], 'input')}",
             "parameters " + (named(totals["params_bytes"], "params") if len(dtypes) == 1 else memory_text(record))]
    if totals["forward_backward_bytes"] is None:
        words.append("forward/backward not known (a size the input leaves open)")
    else:
        words.append(f"forward/backward {named(totals['forward_backward_bytes'], 'activations')}")
    if totals["total_bytes"] is not None:
        words.append(f"total {_size(totals['total_bytes'])}")
    return words + [f"{dtypes[0]}, one sample" if len(dtypes) == 1 else "one sample"]


def macs_total_text(record: dict) -> str:
    """``2,440,960``, or ``at least 1,234 (partial: encoder depends on a size the input
    leaves open)`` when some layers' counts are not known; ``""`` without a count."""
    totals = record["totals"]
    if not totals.get("macs_partial"):
        return group(totals["macs"]) if totals.get("macs") is not None else ""

    def names(labels: list[str]) -> str:
        return ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")

    rows = {r["label"]: r for r in record["layers"]}
    unknown = [rows[label] for label in totals.get("macs_unknown") or [] if label in rows]
    open_sizes = [r["label"] for r in unknown if r.get("macs_formula")]
    sized = names(open_sizes) + (" depends" if len(open_sizes) == 1 else " depend")
    code = names([r["label"] for r in unknown if not r.get("macs_formula")])
    why = "; ".join(([f"{sized} on a size the input leaves open"] if open_sizes else [])
                    + ([f"the cost of {code} is not known"] if code else []))
    known = f"at least {group(totals['macs'])}" if totals["macs"] else "not known"
    return f"{known} (partial: {why or 'some layers are not counted'})"


def totals_note(record: dict, style: Style = UNICODE) -> str:
    """What the totals row says beside the parameter count (``ASCII``: plain spaces)."""
    totals = record["totals"]
    words = [f"{group(totals['trainable'])} trainable", f"{group(totals['non_trainable'])} non-trainable"]
    macs = macs_total_text(record)
    if macs and macs != "0":
        words.append(f"{macs} MACs" if not totals.get("macs_partial") else f"MACs {macs}")
    note = " · ".join(words + memory_words(record))
    return note if style.unicode else note.replace("\xa0", " ")


def totals_row(record: dict, columns: list[str], style: Style = UNICODE) -> list[tuple[str, str]]:
    """The totals row, column by column, as ``(kind, text)``: ``("label", "Total")`` first,
    each count under its column (``"count"``), the rest of the totals in the formula column
    (``"note"``), ``("", "")`` elsewhere."""
    totals = record["totals"]
    counts = {"params": totals["params"], "trainable": totals["trainable"],
              "non_trainable": totals["non_trainable"], "macs": totals.get("macs") or None}
    cells = []
    for i, key in enumerate(columns):
        if i == 0:
            cells.append(("label", "Total"))
        elif counts.get(key) is not None:
            cells.append(("count", count_text(counts[key])))
        elif key == "formula":
            cells.append(("note", totals_note(record, style)))
        else:
            cells.append(("", ""))
    return cells


def macs_cell(row: dict) -> tuple[dict | None, str]:
    """What a MACs cell shows besides a count: the formula per step with the unknown sizes
    named, when a size the input leaves open makes the count unknown."""
    formula = row.get("macs_formula")
    if row["macs"] is not None or not formula:
        return None, ""
    return formula, f"({', '.join(formula.get('unknown') or ['a size'])} unknown)"


def bytes_text(n: int | None) -> str:
    """``86,528`` bytes as ``84.50 KiB`` (binary units: 1 KiB = 1,024 bytes), ``40 B``; ``?`` unknown."""
    if n is None:
        return "?"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{n:,} B" if unit == "B" else f"{size:,.2f} {unit}"
        size /= 1024
    raise AssertionError


def legend_shown(rows: list[dict], columns, formula_mode: str, explain: bool) -> list[tuple[str, str]]:
    """The legend every renderer shows: the meaning of each symbol in the formulas on show,
    in the table (its formula column, unless only numbers are put in, and a MACs cell with
    a size left open) or the explanation (parameters and multiply-accumulates)."""
    shows_symbols = "formula" in columns and formula_mode != "substituted"
    parts = ("formula", "macs") if explain else ("formula",) if shows_symbols else ()
    legend = dict(legend_items(rows, parts)) if parts else {}
    if "macs" in columns and not explain:  # a MACs cell writes its formula when a size is left open
        for symbol, meaning in legend_items([r for r in rows if macs_cell(r)[0] is not None], ("macs",)):
            legend.setdefault(symbol, meaning)
    return sorted(legend.items(), key=lambda item: (item[0].lower(), item[0]))


def mismatch_note(row: dict) -> str:
    """``(Keras counts 13)`` when the row's formula disagrees with Keras, else ``""``."""
    mismatch = (row.get("formula") or {}).get("mismatch")
    if not mismatch:
        return ""
    return f"(Keras counts {group(row['params']['total'])})"
