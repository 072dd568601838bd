"""The reasoning in words, as the quiz this project grew from gives it: the walk of shapes
through the model, then one sentence per layer with its parts and its multiply-accumulates."""

from __future__ import annotations

from .conventions import UNICODE, Style, equation, formula_text, part_label
from .walk import WIDTH, kind_text, walk_lines


def shape_walk(record: dict, rows: list[dict] | None = None, style: Style = UNICODE, width: int | None = WIDTH) -> str:
    """The walk of shapes through the graph, one branch per line (wrapped at ``width``):
    ``Input 28 × 28 × 1 = 784 → Conv2D 26 × 26 × 32 = 21,632 → ...``; a branch that starts
    elsewhere says where: ``stem → Conv2D ...``, ``up_conv + skip → Concatenate ...``."""
    return "\n".join(walk_lines(record["layers"] if rows is None else rows, width, style))


def explain_lines(record: dict, rows: list[dict] | None = None, style: Style = UNICODE) -> list[str]:
    """The derivation in the seed's manner: the shape walk, then one sentence per layer, with
    its parts where they say more (sublayers, trainable or not) and its multiply-accumulates."""
    walk = shape_walk(record, rows, style).splitlines()
    lines = [f"Shapes: {walk[0]}"] if len(walk) == 1 else ["Shapes:", *(f"  {line}" for line in walk)]
    for row in record["layers"] if rows is None else rows:
        name = f"{row['label']} ({step_kind(row)})"
        if row["formula"] is not None:
            lines.append(f"{name}: parameters = {formula_text(row, 'both', style)}")
        else:
            reason = row.get("no_params_reason") or "it has no weights"
            lines.append(f"{name} has no parameters: {reason}.")
        lines += [f"  {label}: {equation(item, 'both', style)}{' ' + note if note else ''}"
                  for label, item, note in step_details(row)]
    return lines


def step_kind(row: dict) -> str:
    """``Conv2D``; a wrapper with what it wraps, ``TimeDistributed(MaxPooling2D)``."""
    return row["class"] if row["class"] == "InputLayer" else kind_text(row)


def step_details(row: dict) -> list[tuple[str, dict, str]]:
    """The lines under a layer's step, as ``(label, equation, note)``: its parts where they say
    more (sublayers, trainable or not), and its multiply-accumulates."""
    details = []
    formula = row["formula"]
    parts = (formula or {}).get("parts") or []
    if formula is not None and (formula["source"] == "sublayers" or len({p["trainable"] for p in parts}) > 1):
        details += [(part_label(p), p, "") for p in parts]
    macs = row.get("macs_formula")
    if macs and macs["value"] is None:
        details.append(("multiply-accumulates", macs, f"({', '.join(macs.get('unknown') or [])} unknown)"))
    elif macs and (macs["value"] or row["params"]["total"]):
        why = macs.get("reason") or macs.get("note")
        details.append(("multiply-accumulates", macs, f"({why})" if why else ""))
    return details
