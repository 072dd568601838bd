"""The numbers the ``ms`` roles quote from a named summary, worked out once for every
front-end: which row a target names, what each role prints, the row's anchor, and the
problems, in the words both Sphinx and the mystmd plugin report. No docutils here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import conventions as fmt
from ..model.expr import group
from ..problems import Problem

#: role name -> what it prints
QUANTITIES = {
    "params": "the layer's parameters", "trainable": "its trainable parameters",
    "non-trainable": "its non-trainable parameters", "shape": "its output shape",
    "activations": "the values it outputs per sample", "macs": "its multiply-accumulates per sample",
    "memory": "the memory its outputs take per sample",
    "formula": "its parameter formula with the numbers put in", "total": "the model's parameters",
}

#: what a quiz's statements may be about (``:ask:``), and other words for them
ASKS = {"params": "parameters (weights and biases)", "output": "output shape",
        "activations": "activations (the values it outputs per sample)"}
_ASK_ALIASES = {"parameters": "params", "shape": "output", "output-shape": "output", "outputs": "output"}


def parse_asks(text) -> tuple[str, ...]:
    """``"params, output"`` -> ``("params", "output")``; raises ValueError for anything else."""
    words = [w.strip().lower() for w in str(text or "").replace(",", " ").split()]
    asks = tuple(dict.fromkeys(_ASK_ALIASES.get(w, w) for w in words))
    unknown = [w for w in asks if w not in ASKS]
    if unknown or not asks:
        raise ValueError(f"expected some of {', '.join(ASKS)}, not {text!r}")
    return asks


def normalize_name(name: str) -> str:
    """A ``:name:`` as docutils normalises one: spaces collapsed, lower case."""
    return " ".join(str(name or "").lower().split())


def split_target(target: str) -> tuple[str, str]:
    """``quiz-cnn/conv2d`` -> (``quiz-cnn``, ``conv2d``); names are normalised as ``:name:`` is."""
    name, _, layer = target.partition("/")
    return normalize_name(name), layer.strip()


def anchor_id(text: str) -> str:
    """An id as docutils' ``make_id`` makes one: lower-case ASCII letters and digits,
    words joined by hyphens, no leading digit or hyphen."""
    text = unicodedata.normalize("NFKD", str(text).lower()).encode("ascii", "ignore").decode("ascii")
    text = "-".join(re.sub(r"[^a-z0-9]+", " ", text).split())
    return re.sub(r"^[-0-9]+|-+$", "", text)


def row_anchor(name: str, label: str) -> str:
    """The id of a row of the summary named ``name``: ``quiz-cnn-conv2d-1``."""
    return anchor_id(f"{name}-{label}")


@dataclass(frozen=True)
class Quoted:
    """What a role prints: ``text``, or an equation (``item`` with the numbers put in)."""

    text: str
    item: dict | None = None

    @property
    def latex(self) -> str | None:
        return None if self.item is None else fmt.equation_latex(self.item, "substituted")


@dataclass(frozen=True)
class Reference:
    """A role resolved: what it prints and the row it quotes (``None`` for the total), or
    the problem ``(subtype, message)`` that stops it."""

    quoted: Quoted | None = None
    row: dict | None = None
    problem: tuple[str, str] | None = None


def quantity(kind: str, row: dict) -> Quoted | str:
    """What the role ``kind`` prints for ``row``, or why the layer has none."""
    who = f"{row['label']} ({row['class']})"
    if kind == "formula":
        if row["formula"] is None:
            return f"{who} has no parameter formula: {row.get('no_params_reason') or 'it has no weights'}"
        return Quoted(fmt.equation(row["formula"], "substituted"), row["formula"])
    if kind == "shape":
        return Quoted(fmt.shapes_text(row["output_shapes"]))
    if kind == "activations":
        if row["activations"] is None:
            return f"the size of what {who} outputs is not known (a free axis)"
        return Quoted(group(row["activations"]))
    if kind == "memory":
        if row.get("activation_bytes") is None:
            return f"the memory of what {who} outputs is not known (a free axis)"
        return Quoted(fmt.bytes_text(row["activation_bytes"]))
    if kind == "macs":
        if row["macs"] is None:
            return (f"the multiply-accumulates of {who} are not known (they depend on a size the input "
                    "leaves open, or on code of the layer's own)")
        return Quoted(group(row["macs"]))
    return Quoted(group(row["params"][{"params": "total", "non-trainable": "non_trainable"}.get(kind, kind)]))


def resolve(record: dict, kind: str, name: str, layer: str, what: str, domain: str = "ms") -> Reference:
    """The role ``kind`` on layer ``layer`` of the summary ``name`` (whose record this is);
    ``what`` names the role in a problem's message (``:ms:params:`cnn/dense```)."""
    if kind not in QUANTITIES:
        return Reference(problem=(Problem.UNKNOWN_QUANTITY.value, unknown_role(kind, domain)))
    if kind == "total":
        if layer:
            return Reference(problem=(Problem.UNKNOWN_QUANTITY.value, f"{what}: the total is the model's; name the "
                                      f"summary alone, or use :{domain}:params: for a layer"))
        return Reference(Quoted(group(record["totals"]["params"])))
    rows = {r["label"]: r for r in record["layers"]}
    row = rows.get(layer) or next((r for r in record["layers"] if r["name"] == layer), None)
    if row is None:
        problem = f"{name} has no layer {layer!r}; the layers are" if layer else f"name a layer of {name}, one of"
        return Reference(problem=(Problem.UNKNOWN_LAYER.value, f"{what}: {problem} {', '.join(rows)}"))
    quoted = quantity(kind, row)
    if isinstance(quoted, str):
        return Reference(row=row, problem=(Problem.UNKNOWN_QUANTITY.value, f"{what}: {quoted}"))
    return Reference(quoted, row)


def unknown_summary(what: str, name: str, known) -> str:
    return f"{what}: no model-summary has :name: {name}; the named ones: {', '.join(sorted(known)) or 'none'}"


def unknown_role(kind: str, domain: str = "ms") -> str:
    return f":{kind}: is no role of the ms domain; the roles are {', '.join(f'{domain}:' + q for q in QUANTITIES)}"
