"""Formulas of layers made of layers: nested models, wrapped models and custom layers.

A nested or wrapped model adds up the rows of its layers; a custom layer adds up the Keras
layers it holds (each with its catalog formula) and the weights it holds itself, named by
the attributes that hold them. Also the expression-to-record helpers the summary shares.
"""

from __future__ import annotations

import math

from . import catalog
from .expr import Expr, Mul, Num, Sym, Times, group, shape_text, tex_name, total

def value_of(expr: Expr) -> int | None:
    """The expression's value, ``None`` while it holds an unknown size."""
    try:
        return expr.integer()
    except catalog.UnknownSize:
        return None


def expr_record(expr: Expr) -> dict:
    """Both texts, the value (``None`` while a size is unknown, with the unknowns named) and LaTeX."""
    value = value_of(expr)
    record = {
        "symbolic": expr.text(),
        "substituted": expr.text(numbers=True),
        "value": value,
        "latex": {"symbolic": expr.latex(), "substituted": expr.latex(numbers=True)},
    }
    if value is None:
        record["unknown"] = [s.name for s in expr.symbols() if isinstance(s, catalog.Unknown)]
    return record


def legend(exprs) -> dict[str, str]:
    found: dict[str, str] = {}
    for expr in exprs:
        for sym in expr.symbols() if expr is not None else []:
            if not isinstance(sym, Label):
                found.setdefault(sym.name, sym.meaning)
    return found


class Named(Times):
    """A weight's dimensions after its name, the same with or without numbers put in."""

    def __init__(self, label: str, dims: list[int]):
        super().__init__(*(Num(n) for n in dims or [1]))
        self.label = label

    def _render(self, numbers, latex):
        body = super()._render(True, latex)
        return rf"{tex_name(self.label)}\ {body}" if latex else f"{self.label} {body}"


class Label(Sym):
    """A layer's count under its name (``att``, ``conv2d``): a term, not a symbol for the legend."""

    def __init__(self, name: str, number, meaning: str):
        super().__init__(name, number, meaning, tex=tex_name(name))


class UnknownLabel(Label, catalog.Unknown):
    def __init__(self, name: str, meaning: str):
        catalog.Unknown.__init__(self, name, meaning, tex=tex_name(name))


def label_term(name: str, value, meaning: str) -> Sym:
    return UnknownLabel(name, meaning) if value is None else Label(name, value, meaning)


def part_record(label: str, trainable: bool, expr: Expr) -> dict:
    return {"label": label, "trainable": trainable, **expr_record(expr)}


def mixed(parts: list[dict]) -> bool:
    return len({p["trainable"] for p in parts}) > 1


def weight_terms(weights: list[dict], prefix: str = "") -> tuple[list[Expr], list[tuple[str, bool, Expr]]]:
    """Terms ``w 4 x 10`` and parts ``(w, trainable, 4 x 10)``, one per weight, named by the
    path of attributes that holds it."""
    terms = [Named(prefix + w["path"], w["shape"]) for w in weights]
    parts = [(prefix + w["path"], w["trainable"], Times(*(Num(n) for n in w["shape"] or [1]))) for w in weights]
    return terms, parts


# Custom layers -----------------------------------------------------------------------------


def _sublayer_parts(leaf: dict):
    """The catalog's parts for a Keras sublayer, or ``None`` (not catalogued, not built)."""
    if not leaf["module"].startswith("keras.") or not leaf["config"] or leaf["input_shapes"] is None:
        return None
    return catalog.parameter_parts(leaf["class"], leaf["config"], leaf["input_shapes"])


def _split(weights) -> tuple[int, int]:
    trainable = sum(math.prod(w["shape"]) for w in weights if w["trainable"])
    return trainable, sum(math.prod(w["shape"]) for w in weights if not w["trainable"])


def custom_params(fact: dict, problem) -> dict | None:
    """``att + ffn/dense + ... + w 4 x 10``: one term per Keras sublayer with weights (its
    catalog formula in the parts) and one per weight the layer holds itself."""
    terms, parts, owned = [], [], set()
    for leaf in fact["sublayers"]:
        owned.update(w["key"] for w in leaf["weights"])
        if not leaf["weights"]:
            continue
        found = _sublayer_parts(leaf)
        if found is None:
            named, unnamed = weight_terms(leaf["weights"], leaf["path"] + "/")
            terms += named
            parts += unnamed
            continue
        split = (sum(p.expr.integer() for p in found if p.trainable),
                 sum(p.expr.integer() for p in found if not p.trainable))
        keras_split = _split(leaf["weights"])
        if split != keras_split:
            problem(f"{leaf['path']} ({leaf['class']}): the formula gives {group(split[0])} trainable and "
                    f"{group(split[1])} non-trainable parameters, Keras has {group(keras_split[0])} and "
                    f"{group(keras_split[1])}")
        terms.append(Label(leaf["path"], sum(split), f"parameters of {leaf['path']} ({leaf['class']})"))
        parts += [(f"{leaf['path']}: {p.label}", p.trainable, p.expr) for p in found]
    named, unnamed = weight_terms([w for w in fact["weights"] if w["key"] not in owned])
    terms += named
    parts += unnamed
    if not terms:
        return None
    expr = total(*terms)
    return {"source": "sublayers", **expr_record(expr), "legend": legend([p for _, _, p in parts]),
            "parts": [part_record(label, trainable, p) for label, trainable, p in parts]}


def sublayer_macs(leaf: dict) -> Expr | None:
    """A Keras sublayer's count at the shape it was built for (0 by convention needs no shape)."""
    if not leaf["module"].startswith("keras."):
        return None
    if catalog.no_macs_reason(leaf["class"]):
        return Num(0)
    shapes = leaf["input_shapes"]
    if not leaf["config"] or shapes is None:
        return None
    rule = catalog.output_shape(leaf["class"], leaf["config"], shapes)
    if rule is None:
        return None
    return catalog.mac_count(leaf["class"], leaf["config"], shapes, tuple(rule.shape))


CUSTOM_MACS_NOTE = ("the multiply-accumulates of the Keras layers it holds, each once at the shape it was "
                    "built for; what its own call() computes with keras.ops is not seen")


def custom_macs(fact: dict) -> Expr | None:
    """The sum of its sublayers' counts; unknown when it holds weights of its own (its code uses them)."""
    owned = {w["key"] for leaf in fact["sublayers"] for w in leaf["weights"]}
    if not fact["sublayers"] or any(w["key"] not in owned for w in fact["weights"]):
        return None
    terms = []
    for leaf in fact["sublayers"]:
        count = sublayer_macs(leaf)
        value = None if count is None else value_of(count)
        if value != 0:
            terms.append(label_term(leaf["path"], value, f"multiply-accumulates of {leaf['path']} ({leaf['class']})"))
    return total(*terms)


def _traced_count(entry: dict) -> Expr | None:
    """One traced step's count: a Keras layer's from the catalog, a ``keras.ops`` call's from
    its ``ops.<class>`` rule (0 by convention for element-wise and moving ops)."""
    name = entry["class"] if entry["is_layer"] else f"ops.{entry['class']}"
    if catalog.no_macs_reason(name):
        return Num(0)
    shapes = entry["input_shapes"]
    if not entry["module"].startswith("keras.") or not shapes or not entry["output_shapes"]:
        return None
    if entry["is_layer"] and not entry["config"]:
        return None
    return catalog.mac_count(name, entry["config"], shapes, tuple(entry["output_shapes"][0]))


def _operands_text(entry: dict) -> str:
    return " and ".join(shape_text(s[1:] if s and s[0] is None else s) for s in entry["input_shapes"])


def traced_macs(fact: dict) -> tuple[Expr | None, str]:
    """The count of what a custom layer's call was seen to run, and the note saying what:
    ``traced: its call() runs matmul of (10, 12) and (12, 5)``; ``None`` when a step's count is not known."""
    steps = fact.get("traced_ops")
    if steps is None:
        return None, ""
    counted = []
    for entry in steps:
        count = _traced_count(entry)
        if count is None or value_of(count) is None:
            return None, ""
        if value_of(count):
            counted.append((entry, count))
    if not counted:
        return Num(0), "traced: its call() runs no matmul, einsum, convolution or layer that multiplies and adds"
    seen = "; ".join(f"{entry['path']} of {_operands_text(entry)}" for entry, _ in counted)
    if len(counted) == 1:
        return counted[0][1], f"traced: its call() runs {seen}"
    terms = [Label(entry["path"], value_of(count), f"multiply-accumulates of {entry['path']} ({entry['class']})")
             for entry, count in counted]
    return total(*terms), f"traced: its call() runs {seen}"


# Nested and wrapped models ---------------------------------------------------------------


def children_of(rows: list[dict], index: int) -> list[int]:
    """The indices of the rows one level under row ``index``."""
    row = rows[index]
    return [i for i in range(index + 1, len(rows))
            if rows[i]["parent"] == row["label"] and rows[i]["depth"] == row["depth"] + 1]


def _time_distributed(row: dict) -> bool:
    return row["class"] == "TimeDistributed"


def roll_up(rows: list[dict], facts: list[dict]) -> None:
    """A nested model's row, or a wrapper's around a model: the sum of its layers, checked
    against Keras (a TimeDistributed wrapper runs its model once per time step)."""
    for index in range(len(rows) - 1, -1, -1):
        row, fact = rows[index], facts[index]
        wraps_model = any(w["is_model"] for w in fact["wraps"])
        if not (fact["is_model"] or wraps_model):
            continue
        children = [rows[i] for i in children_of(rows, index)]
        if not children:  # a subclassed model has no rows inside: its row counts for itself
            continue
        if fact["shared"]:  # a later call on other shapes has its own rows: its own count
            _roll_up_macs(row, children, wraps_model)
            continue
        _roll_up_params(row, [r for r in children if not r["shared"] and r["params"]["total"]])
        _roll_up_macs(row, children, wraps_model)
    _shared_calls(rows)


def _roll_up_params(row: dict, children: list[dict]) -> None:
    terms = [Label(r["label"], r["params"]["total"], f"parameters of {r['label']}") for r in children]
    row["no_params_reason"] = None if terms else "none of its layers has weights"
    if not terms:
        return
    expr = total(*terms)
    row["formula"] = {"source": "catalog", **expr_record(expr), "legend": {}}
    parts = []
    for child in children:
        own = (child["formula"] or {}).get("parts")
        if own:
            parts += [{**p, "label": f"{child['label']}: {p['label']}"} for p in own]
        else:
            trainable = child["params"]["trainable"] > 0
            parts.append(part_record(child["label"], trainable, Label(child["label"], child["params"]["total"], "")))
    if mixed(parts):
        row["formula"]["parts"] = parts
    trainable = sum(r["params"]["trainable"] for r in children)
    if (trainable, expr.integer() - trainable) != (row["params"]["trainable"], row["params"]["non_trainable"]):
        row["diagnostics"].append({"layer": row["label"], "kind": "mismatch",
                                   "message": "its layers' parameters do not add up to Keras's count"})


def _roll_up_macs(row: dict, children: list[dict], wraps_model: bool) -> None:
    terms = [label_term(r["label"], r["macs"], f"multiply-accumulates of {r['label']}")
             for r in children if r["macs"] != 0]
    inner = total(*terms)
    if wraps_model and _time_distributed(row):
        inner_value = value_of(inner)
        model = next(w["name"] for w in row["wraps"] if w["is_model"])
        steps = catalog.sized("T", [row["input_shapes"][0][1]], "timesteps (length of the input sequence)")
        inner = Mul(steps, label_term(model, inner_value, f"multiply-accumulates of {model} on one step"))
    record = expr_record(inner)
    row["macs"] = record["value"]
    row["macs_formula"] = {**record, "legend": legend([inner])}


def _shared_calls(rows: list[dict]) -> None:
    """A layer or model called again on inputs of the same shapes as an earlier call does the
    same work again."""
    for index, row in enumerate(rows):
        if not row["shared"] or row["macs"] is not None:
            continue
        again = next((r for r in rows[:index] if r["name"] == row["name"] and r["macs_formula"] is not None
                      and r["input_shapes"] == row["input_shapes"]), None)
        if again is not None:
            row["macs"], row["macs_formula"] = again["macs"], again["macs_formula"]


def known_macs(rows: list[dict], facts: list[dict], index: int) -> int:
    """What is known of a row's count: a nested model's known layers, when its total is not."""
    row = rows[index]
    if row["macs"] is not None:
        return row["macs"]
    wraps_model = any(w["is_model"] for w in row["wraps"])
    if not (facts[index]["is_model"] or wraps_model):  # a later call adds up only when expanded
        return 0
    inner = sum(known_macs(rows, facts, i) for i in children_of(rows, index))
    if wraps_model and _time_distributed(row):
        steps = row["input_shapes"][0][1]
        return inner * steps if steps is not None else 0
    return inner
