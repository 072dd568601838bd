"""The reasoning in words, as the quiz this project grew from gives it: the walk of shapes
through the model, then one step per layer with its parts and its multiply-accumulates.

:func:`steps` is the content every renderer shows for ``explain``; :func:`explain_lines`
words it as plain text lines."""

from __future__ import annotations

from dataclasses import dataclass

from .conventions import UNICODE, Style, equation, formula_text, part_label
from .walk import WIDTH, kind_text, walk_lines


@dataclass(frozen=True)
class Step:
    """One layer's step: ``conv2d (Conv2D): parameters = ...`` or why it has none, and the
    lines under it, as ``(label, equation, note)``."""

    row: dict
    kind: str
    details: list[tuple[str, dict, str]]

    @property
    def label(self) -> str:
        return self.row["label"]

    @property
    def formula(self) -> dict | None:
        return self.row["formula"]

    @property
    def reason(self) -> str:
        """Why the layer has no parameters (only read when :attr:`formula` is ``None``)."""
        return self.row.get("no_params_reason") or "it has no weights"


def steps(rows: list[dict]) -> list[Step]:
    return [Step(row, step_kind(row), step_details(row)) for row in rows]


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
    for step in steps(record["layers"] if rows is None else rows):
        lines.append(step_sentence(step, style))
        lines += [f"  {label}: {equation(item, 'both', style)}{' ' + note if note else ''}"
                  for label, item, note in step.details]
    return lines


def step_sentence(step: Step, style: Style = UNICODE) -> str:
    """``conv2d (Conv2D): parameters = k · (f · h · w + 1) = ... = 320``."""
    name = f"{step.label} ({step.kind})"
    if step.formula is not None:
        return f"{name}: parameters = {formula_text(step.row, 'both', style)}"
    return f"{name} has no parameters: {step.reason}."


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
