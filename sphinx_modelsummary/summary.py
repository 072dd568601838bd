"""The summary record: plain JSON-serialisable data about a model, checked against Keras.

``build_record`` turns the adapter's facts into rows through the formula catalog and
compares every number with Keras's; ``summarize`` is the whole path from a spec.
"""

from __future__ import annotations

import math
from pathlib import Path

from . import catalog
from .expr import Expr, Num, Sym, Times, group, total
from .format import legend_items

SCHEMA = 1


def _expr_record(expr: Expr) -> dict:
    return {
        "symbolic": expr.text(),
        "substituted": expr.text(numbers=True),
        "value": expr.integer(),
        "latex": {"symbolic": expr.latex(), "substituted": expr.latex(numbers=True)},
    }


def _legend(exprs) -> dict[str, str]:
    legend: dict[str, str] = {}
    for expr in exprs:
        for sym in expr.symbols() if expr is not None else []:
            legend.setdefault(sym.name, sym.meaning)
    return legend


def _activations(shapes: list) -> int | None:
    sizes = [math.prod(s[1:]) if None not in s[1:] else None for s in shapes]
    return None if None in sizes else sum(sizes)


def _weights_expr(weights: list[dict]) -> Expr:
    """``kernel 3 x 3 x 1 x 32 + bias 32``, for layers the catalog does not know."""
    return total(*(_Named(w["name"].rsplit("/", 1)[-1], w["shape"]) for w in weights))


class _Named(Times):
    """A weight's dimensions after its name, the same with or without numbers put in."""

    def __init__(self, label: str, dims: list[int]):
        super().__init__(*(Num(n) for n in dims or [1]))
        self.label = label

    def _render(self, numbers, latex):
        body = super()._render(True, latex)
        return rf"\mathrm{{{_tex_escape(self.label)}}}\ {body}" if latex else f"{self.label} {body}"


def _keras_split(weights: list[dict]) -> tuple[int, int]:
    trainable = sum(math.prod(w["shape"]) for w in weights if w["trainable"])
    return trainable, sum(math.prod(w["shape"]) for w in weights if not w["trainable"])


def _catalogued(fact: dict) -> bool:
    """Only Keras's own layers are looked up (a user's class may share a name)."""
    return fact["module"].startswith("keras.") and fact["is_layer"] and not fact["is_model"]


def _params(fact: dict, inputs: list, problem) -> tuple[dict, dict | None, str | None]:
    """The row's counts, its formula and, for a row without parameters, why it has none."""
    trainable, frozen = _keras_split(fact["weights"])
    counts = {"total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}
    if fact["shared"]:
        none = {"total": 0, "trainable": 0, "non_trainable": 0}
        return none, None, f"it reuses the weights of {fact['name']}, counted at its first call"
    parts = None
    if _catalogued(fact):
        parts = catalog.parameter_parts(fact["class"], fact["config"], inputs)
    if parts is None:  # not catalogued: explain the count from the weights themselves
        if not fact["weights"]:
            return counts, None, "it has no weights"
        expr = _weights_expr(fact["weights"])
        return counts, {"source": "weights", **_expr_record(expr), "legend": {}}, None
    if not parts and not counts["total"]:
        return counts, None, catalog.no_params_reason(fact["class"]) or "it has no weights"
    expr = total(*(p.expr for p in parts)) if parts else Num(0)
    formula = {
        "source": "catalog", **_expr_record(expr), "legend": _legend([expr]),
        "parts": [{"label": p.label, "trainable": p.trainable, **_expr_record(p.expr)} for p in parts],
    }
    split = (sum(p.expr.integer() for p in parts if p.trainable),
             sum(p.expr.integer() for p in parts if not p.trainable))
    if split != (trainable, frozen):
        problem(f"the formula gives {group(split[0])} trainable and {group(split[1])} non-trainable "
                f"parameters, Keras has {group(trainable)} and {group(frozen)}; Keras's numbers are shown")
        formula["mismatch"] = {"trainable": split[0], "non_trainable": split[1]}  # the row has Keras's
    return counts, formula, None


def _derivations(fact: dict, inputs: list, problem) -> list[dict]:
    """How each output axis follows, when the catalog's shape agrees with Keras's."""
    if not _catalogued(fact) or not fact["config"] or not inputs:
        return []
    rule = catalog.output_shape(fact["class"], fact["config"], inputs)
    if rule is None:
        return []
    expected, actual = list(rule.shape), fact["output_shapes"][0]
    if len(expected) != len(actual) or any(
        e is not None and a is not None and e != a for e, a in zip(expected, actual)
    ):
        problem(f"the shape rule gives {_shape_text(expected)}, Keras has {_shape_text(actual)}; "
                "Keras's shape is shown")
        return []
    return [{"axis": d.axis, **_expr_record(d.expr), "legend": _legend([d.expr])} for d in rule.derivations]


def _row(fact: dict) -> dict:
    inputs = [tuple(s) if s is not None else None for s in fact["input_shapes"]]
    row = {
        key: fact[key]
        for key in ("name", "label", "class", "depth", "parent", "call", "shared", "input_shapes",
                    "output_shapes", "connected_to")
    }
    row["diagnostics"] = []
    if fact.get("real_output_shapes"):
        row["output_shapes"], row["keras_output_shapes"] = fact["real_output_shapes"], fact["output_shapes"]
        fact = {**fact, "output_shapes": row["output_shapes"]}
        row["diagnostics"].append({"layer": fact["label"], "kind": "keras_shape", "message":
                                   f"Keras reports the output shape {_shapes_text(row['keras_output_shapes'])}, "
                                   f"but the layer returns {_shapes_text(row['output_shapes'])}, which is shown "
                                   "(a Keras quirk, not a formula error)"})
    row["activations"] = _activations(row["output_shapes"])

    def problem(message: str) -> None:
        row["diagnostics"].append({"layer": fact["label"], "kind": "mismatch", "message": message})

    row["params"], row["formula"], row["no_params_reason"] = _params(fact, inputs, problem)
    row["shape_derivations"] = _derivations(fact, inputs, problem)
    macs = None
    if _catalogued(fact) and fact["config"] and None not in inputs:
        macs = catalog.mac_count(fact["class"], fact["config"], inputs, tuple(fact["output_shapes"][0]))
    row["macs"] = macs.integer() if macs is not None else None
    row["macs_formula"] = {**_expr_record(macs), "legend": _legend([macs])} if macs is not None else None
    return row


def _shape_text(shape) -> str:
    return "(" + ", ".join("None" if n is None else str(n) for n in shape) + ")"


def _shapes_text(shapes) -> str:
    return ", ".join(_shape_text(s) for s in shapes)


def _roll_up(rows: list[dict], facts: list[dict]) -> None:
    """A nested model's row: the sum of its own layers, checked against Keras."""
    for index in range(len(rows) - 1, -1, -1):
        row, fact = rows[index], facts[index]
        if not fact["is_model"] or fact["shared"]:
            continue
        children = [r for r in rows[index + 1:] if r["parent"] == row["name"] and r["depth"] == row["depth"] + 1
                    and not r["shared"] and r["params"]["total"]]
        terms = [Sym(r["label"], r["params"]["total"], f"parameters of {r['label']}",
                     tex=rf"\mathrm{{{_tex_escape(r['label'])}}}") for r in children]
        if terms:
            expr = total(*terms)
            row["formula"] = {"source": "catalog", **_expr_record(expr), "legend": {}}
            trainable = sum(r["params"]["trainable"] for r in children)
            if (trainable, expr.integer() - trainable) != (row["params"]["trainable"], row["params"]["non_trainable"]):
                row["diagnostics"].append({"layer": row["label"], "kind": "mismatch",
                                           "message": "its layers' parameters do not add up to Keras's count"})
        macs = [r["macs"] for r in rows[index + 1:] if r["parent"] == row["name"] and r["depth"] == row["depth"] + 1]
        row["macs"] = sum(m for m in macs if m is not None) if any(m is not None for m in macs) else None
        row["no_params_reason"] = None if terms else "none of its layers has weights"


def _tex_escape(text: str) -> str:
    return "".join("\\" + c if c in "_&%$#{}" else c for c in text)


def build_record(facts: list[dict], *, model: dict, keras_totals: dict, memory: dict) -> dict:
    """The summary record from the adapter's facts (no Keras objects needed here)."""
    rows = [_row(fact) for fact in facts]
    _roll_up(rows, facts)
    diagnostics = [d for r in rows for d in r["diagnostics"]]
    top = [r for r in rows if r["depth"] == 0]
    trainable = sum(r["params"]["trainable"] for r in top)
    frozen = sum(r["params"]["non_trainable"] for r in top)
    totals = {"params": trainable + frozen, "trainable": trainable, "non_trainable": frozen,
              "memory_bytes": memory, "bytes": sum(memory.values()),
              "macs": sum(r["macs"] for r in top if r["macs"] is not None)}
    if (totals["params"], trainable) != (keras_totals["params"], keras_totals["trainable"]):
        diagnostics.append({"layer": None, "kind": "mismatch", "message":
                            f"the layers add up to {group(totals['params'])} parameters, Keras counts "
                            f"{group(keras_totals['params'])} (weights held by the model itself?)"})
        totals.update({k: keras_totals[k] for k in ("params", "trainable", "non_trainable")})
    return {"schema": SCHEMA, "model": model, "layers": rows, "totals": totals,
            "legend": dict(legend_items(rows, ("formula", "macs", "derivations"))), "diagnostics": diagnostics}


def summarize_model(graph, model=None, *, spec: str = "", input_shapes=None) -> dict:
    """The record of a built Keras model (``graph`` is walked, ``model`` is counted)."""
    from . import keras_adapter
    import keras

    model = model or graph
    facts = keras_adapter.describe(graph)
    info = {
        "name": model.name,
        "class": type(model).__name__,
        "spec": spec,
        "input_shapes": [list(s) for s in input_shapes] if input_shapes else None,
        "inputs": [list(t.shape) for t in graph.inputs],
        "outputs": [list(t.shape) for t in graph.outputs],
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
    }
    return build_record(facts, model=info, keras_totals=keras_adapter.keras_totals(model),
                        memory=keras_adapter.weight_bytes_by_dtype(model))


def summarize(spec: str, input_shape: str | None = None, base_dir: str | Path = ".") -> dict:
    """The whole path: spec text and input shape text -> summary record."""
    from .isolation import keras_state
    from .spec import import_keras, load_model, parse_input_shapes, parse_spec

    parsed = parse_spec(spec)
    shapes = parse_input_shapes(input_shape)
    sources: list[str] = []
    import_keras()
    with keras_state():  # the model's own Keras settings, for its build and its record
        graph, model = load_model(parsed, shapes, base_dir, sources)
        record = summarize_model(graph, model, spec=parsed.text, input_shapes=shapes)
    record["model"]["sources"] = sources
    return record
