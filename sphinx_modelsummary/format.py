"""Words and numbers from a summary record, shared by every renderer.

Plain text only; the docutils renderer builds nodes from the same pieces (and the
``latex`` strings the record carries for math).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .expr import group

FORMULA_MODES = ("symbolic", "substituted", "both")


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


def shape_text(shape) -> str:
    """``(None, 26, 26, 32)``; an unknown size reads ``None``."""
    if shape is None:
        return "?"
    inner = ", ".join("None" if n is None else str(n) for n in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def shapes_text(shapes) -> str:
    return ", ".join(shape_text(s) for s in shapes)


def size_text(shape) -> str:
    """``26 x 26 x 32 = 21,632`` for one output, without the batch axis."""
    sizes = shape[1:]
    dims = " x ".join("?" if n is None else str(n) for n in sizes)
    if None in sizes:
        return f"{dims} (unknown)"
    if len(sizes) == 1:
        return group(sizes[0])
    return f"{dims} = {group(math.prod(sizes))}"


def activations_text(row: dict) -> str:
    return "; ".join(size_text(s) for s in row["output_shapes"])


def layer_text(row: dict) -> str:
    return f"{row['label']} ({row['class']})"


def count_text(value) -> str:
    return "?" if value is None else group(value)


def equation(item: dict, mode: str = "both") -> str:
    """``k * (f * h * w + 1) = 32 * (1 * 3 * 3 + 1) = 320`` (mode picks the sides)."""
    sides = []
    if mode in ("symbolic", "both"):
        sides.append(item["symbolic"])
    if mode in ("substituted", "both") and item["substituted"] not in sides:
        sides.append(item["substituted"])
    value = group(item["value"])
    if value not in sides:
        sides.append(value)
    return " = ".join(sides)


def equation_latex(item: dict, mode: str = "both") -> str:
    sides = []
    latex = item["latex"]
    if mode in ("symbolic", "both"):
        sides.append(latex["symbolic"])
    if mode in ("substituted", "both") and latex["substituted"] not in sides:
        sides.append(latex["substituted"])
    value = group(item["value"]).replace(",", "{,}")
    if value not in sides:
        sides.append(value)
    return " = ".join(sides)


def equation_lines(item: dict, mode: str = "both", latex: bool = False) -> list[str]:
    """The equation broken after its symbolic side, so a table column stays narrow:
    ``k * (f * h * w + 1)`` then ``= 32 * (1 * 3 * 3 + 1) = 320``."""
    whole = equation_latex(item, mode) if latex else equation(item, mode)
    first = item["latex"]["symbolic"] if latex else item["symbolic"]
    if mode != "both" or not whole.startswith(first + " = "):
        return [whole]
    return [first, whole[len(first) + 1:]]


def formula_text(row: dict, mode: str = "both") -> str:
    if row["formula"] is None:
        return ""
    return f"{equation(row['formula'], mode)} {mismatch_note(row)}".strip()


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


def derivations_text(row: dict) -> list[str]:
    """``height, width: floor((28 - 3) / 1) + 1 = 26``, one line per derivation."""
    return [f"{axes}: {equation(item, 'substituted')}" for axes, item in derivations(row)]


def cell_text(row: dict, key: str, formula_mode: str = "both") -> str:
    """The plain text of one table cell."""
    if key == "layer":
        return ("  " * row["depth"]) + layer_text(row)
    if key == "name":
        return ("  " * row["depth"]) + row["label"]
    if key == "class":
        return row["class"]
    if key == "input":
        return shapes_text(row["input_shapes"])
    if key == "output":
        return shapes_text(row["output_shapes"])
    if key == "activations":
        return activations_text(row)
    if key in ("trainable", "non_trainable"):
        return group(row["params"][key])
    if key == "params":
        return group(row["params"]["total"]) + (" (shared)" if row["shared"] else "")
    if key == "formula":
        return formula_text(row, formula_mode)
    if key == "macs":
        return count_text(row["macs"]) if row["macs"] is not None else ""
    if key == "connected":
        return ", ".join(row["connected_to"])
    raise KeyError(key)


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


def totals_lines(record: dict) -> list[str]:
    totals = record["totals"]
    memory = ", ".join(f"{_bytes(n)} {dtype}" for dtype, n in totals["memory_bytes"].items()) or "0 B"
    lines = [
        f"Total parameters: {group(totals['params'])} ({memory})",
        f"Trainable parameters: {group(totals['trainable'])}",
        f"Non-trainable parameters: {group(totals['non_trainable'])}",
    ]
    if totals.get("macs_partial"):
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
        lines.append(f"Multiply-accumulates per sample: {known} (partial: {why or 'some layers are not counted'})")
    elif totals.get("macs") is not None:
        lines.append(f"Multiply-accumulates per sample: {group(totals['macs'])}")
    return lines


def _bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} B" if unit == "B" else f"{n:,.2f} {unit}"
        n /= 1024
    raise AssertionError


def legend_items(rows: list[dict], parts=("formula",)) -> list[tuple[str, str]]:
    """``(symbol, meaning)`` for the symbols shown: ``parts`` picks formula, macs, derivations."""
    legend: dict[str, str] = {}
    for row in rows:
        items = []
        if "formula" in parts:
            items.append(row["formula"])
        if "macs" in parts:
            items.append(row["macs_formula"])
        if "derivations" in parts:
            items += row["shape_derivations"]
        for item in items:
            for symbol, meaning in ((item or {}).get("legend") or {}).items():
                legend.setdefault(symbol, meaning)
    return sorted(legend.items(), key=lambda kv: (kv[0].lower(), kv[0]))


def shape_walk(record: dict, rows: list[dict] | None = None) -> str:
    """The walk of shapes through the graph, one branch per line (long ones wrapped):
    ``Input 28 x 28 x 1 = 784 -> Conv2D 26 x 26 x 32 = 21,632 -> ...``; a branch that starts
    elsewhere says where: ``stem -> Conv2D ...``, ``up_conv + skip -> Concatenate ...``."""
    from .walk import walk_lines

    return "\n".join(walk_lines(record["layers"] if rows is None else rows))


def explain_lines(record: dict, rows: list[dict] | None = None) -> list[str]:
    """The derivation in the seed's manner: the shape walk, then one sentence per layer, with
    its parts where they say more (sublayers, trainable or not) and its multiply-accumulates."""
    from .walk import kind_text

    walk = shape_walk(record, rows).splitlines()
    lines = [f"Shapes: {walk[0]}"] if len(walk) == 1 else ["Shapes:", *(f"  {line}" for line in walk)]
    for row in record["layers"] if rows is None else rows:
        name = f"{row['label']} ({kind_text(row) if row['class'] != 'InputLayer' else row['class']})"
        formula = row["formula"]
        if formula is not None:
            lines.append(f"{name}: parameters = {formula_text(row, 'both')}")
            parts = formula.get("parts") or []
            if formula["source"] == "sublayers" or len({p["trainable"] for p in parts}) > 1:
                lines += [f"  {p['label']}: {equation(p)}{'' if p['trainable'] else ' (non-trainable)'}"
                          for p in parts]
        else:
            reason = row.get("no_params_reason") or "it has no weights"
            lines.append(f"{name} has no parameters: {reason}.")
        macs = row.get("macs_formula")
        if macs and macs["value"] is None:
            unknown = ", ".join(macs.get("unknown") or [])
            lines.append(f"  multiply-accumulates: {macs['symbolic']} = {macs['substituted']} ({unknown} unknown)")
        elif macs and (macs["value"] or row["params"]["total"]):
            why = macs.get("reason") or macs.get("note")
            reason = f" ({why})" if why else ""
            lines.append(f"  multiply-accumulates: {equation(macs)}{reason}")
    return lines


def mismatch_note(row: dict) -> str:
    """``(Keras counts 13)`` when the row's formula disagrees with Keras, else ``""``."""
    mismatch = (row.get("formula") or {}).get("mismatch")
    if not mismatch:
        return ""
    return f"(Keras counts {group(row['params']['total'])})"
