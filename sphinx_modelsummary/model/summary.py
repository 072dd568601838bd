"""The summary record: plain JSON-serialisable data about a model, checked against Keras.

``build_record`` turns the adapter's facts into rows through the formula catalog and
compares every number with Keras's; ``summarize`` is the whole path from a spec.
"""

from __future__ import annotations

import contextlib
import json
import sys
import math
from pathlib import Path

from . import catalog, composite
from .clean import clean_strings
from .expr import Num, group, shape_text, shapes_text, total
from .legend import legend_items
from .memory import memory_totals, outputs_bytes
from .record_check import SCHEMA



def _activations(shapes: list) -> int | None:
    sizes = [math.prod(s[1:]) if None not in s[1:] else None for s in shapes]
    return None if None in sizes else sum(sizes)


def _keras_split(weights: list[dict]) -> tuple[int, int]:
    trainable = sum(math.prod(w["shape"]) for w in weights if w["trainable"])
    return trainable, sum(math.prod(w["shape"]) for w in weights if not w["trainable"])


def _catalogued(fact: dict) -> bool:
    """Only Keras's own layers are looked up (a user's class may share a name); a PyTorch
    module is when the adapter names its rule."""
    if "rule" in fact:
        return fact["rule"] is not None
    return fact["module"].startswith("keras.") and fact["is_layer"] and not fact["is_model"]


def _rule(fact: dict) -> str:
    """The catalog's name for the row's class (``torch.Conv2d`` for PyTorch's)."""
    return fact.get("rule") or fact["class"]


def _operation(fact: dict) -> bool:
    """A ``keras.ops`` call in the graph (``x + y``), looked up as ``ops.<class>``."""
    return not fact["is_layer"] and fact["module"].startswith("keras.src.ops")


def _wrapped_text(fact: dict) -> str:
    return " and ".join(f"{w['name']} ({w['class']})" for w in fact["wraps"])


def _no_params_reason(fact: dict) -> str:
    """Why a row has no parameters; a wrapper names what it wraps."""
    reason = catalog.no_params_reason(_rule(fact))
    if fact["wraps"]:
        inner = catalog.no_params_reason(fact["wraps"][0]["class"]) or "it has no weights"
        step = " at every time step" if fact["class"] == "TimeDistributed" else ""
        return f"it runs {_wrapped_text(fact)}{step}, and {inner}"
    return reason or "it has no weights"


def _params(fact: dict, inputs: list, problem) -> tuple[dict, dict | None, str | None]:
    """The row's counts, its formula and, for a row without parameters, why it has none."""
    trainable, frozen = _keras_split(fact["weights"])
    counts = {"total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}
    if fact["shared"] and not fact.get("has_weights", True):
        return counts, None, _no_params_reason(fact)
    if fact["shared"]:
        none = {"total": 0, "trainable": 0, "non_trainable": 0}
        return none, None, f"it reuses the weights of {fact['name']}, counted at its first call"
    if any(w["is_model"] for w in fact["wraps"]):
        return counts, None, None  # the wrapped model's rows add up (composite.roll_up)
    parts = None
    if _catalogued(fact):
        parts = catalog.parameter_parts(_rule(fact), fact["config"], inputs)
    if parts is None and fact["sublayers"]:
        formula = composite.custom_params(fact, problem)
        if formula is not None:
            _check_split([(p["trainable"], p["value"]) for p in formula["parts"]], counts, formula, problem)
            return counts, formula, None
    if parts is None:  # not catalogued: explain the count from the weights themselves
        if not fact["weights"]:
            return counts, None, _no_params_reason(fact)
        named, parts = composite.weight_terms(fact["weights"])
        expr = total(*named)
        formula = {"source": "weights", **composite.expr_record(expr), "legend": {}}
        if len({t for _, t, _ in parts}) > 1:
            formula["parts"] = [composite.part_record(*part) for part in parts]
        return counts, formula, None
    if not parts and not counts["total"]:
        return counts, None, _no_params_reason(fact)
    expr = total(*(p.expr for p in parts)) if parts else Num(0)
    formula = {
        "source": "catalog", **composite.expr_record(expr), "legend": composite.legend([expr]),
        "parts": [composite.part_record(p.label, p.trainable, p.expr) for p in parts],
    }
    _check_split([(p.trainable, p.expr.integer()) for p in parts], counts, formula, problem)
    return counts, formula, None


def _check_split(parts, counts: dict, formula: dict, problem) -> None:
    """The formula's trainable and non-trainable counts against Keras's."""
    split = (sum(v for t, v in parts if t), sum(v for t, v in parts if not t))
    trainable, frozen = counts["trainable"], counts["non_trainable"]
    if split != (trainable, frozen):
        problem(f"the formula gives {group(split[0])} trainable and {group(split[1])} non-trainable "
                f"parameters, Keras has {group(trainable)} and {group(frozen)}; Keras's numbers are shown")
        formula["mismatch"] = {"trainable": split[0], "non_trainable": split[1]}  # the row has Keras's


def _derivations(fact: dict, inputs: list, problem) -> list[dict]:
    """How each output axis follows, when the catalog's shape agrees with Keras's."""
    if not _catalogued(fact) or not fact["config"] or not inputs or fact["shared"]:
        return []
    rule = catalog.output_shape(_rule(fact), fact["config"], inputs)
    if rule is None:
        return []
    expected, actual = list(rule.shape), fact["output_shapes"][0]
    if len(expected) != len(actual) or any(
        e is not None and a is not None and e != a for e, a in zip(expected, actual)
    ):
        problem(f"the shape rule gives {shape_text(expected)}, Keras has {shape_text(actual)}; "
                "Keras's shape is shown")
        return []
    return [{"axis": d.axis, **composite.expr_record(d.expr), "legend": composite.legend([d.expr])}
            for d in rule.derivations]


def _macs(fact: dict, inputs: list) -> dict | None:
    """The row's multiply-accumulates with their formula (a reason when 0 by convention)."""
    expr, reason, note = None, "", ""
    if (_catalogued(fact) and fact["config"]) or _operation(fact):
        name = _rule(fact) if fact["is_layer"] else f"ops.{fact['class']}"
        reason = catalog.no_macs_reason(name) or catalog.no_macs_reason(next(iter(fact["wraps"]), {}).get("class", ""))
        if None not in inputs:
            expr = catalog.mac_count(name, fact["config"], inputs, tuple(fact["output_shapes"][0]))
    elif fact["sublayers"] and not fact["is_model"]:
        expr, note = composite.custom_macs(fact), composite.CUSTOM_MACS_NOTE
    if expr is None and not reason:  # a custom layer's own keras.ops: what tracing its call saw
        expr, note = composite.traced_macs(fact)
    if expr is None:
        return None
    formula = {**composite.expr_record(expr), "legend": composite.legend([expr])}
    if reason:
        formula["reason"] = reason
    if note:
        formula["note"] = note
    return formula


def _row(fact: dict) -> dict:
    inputs = [tuple(s) if s is not None else None for s in fact["input_shapes"]]
    row = {
        key: fact[key]
        for key in ("name", "label", "class", "depth", "parent", "call", "shared", "input_shapes",
                    "output_shapes", "connected_to", "wraps")
    }
    if fact.get("rule"):
        row["rule"] = fact["rule"]
    row["config"] = _plain_config(fact["config"]) if _catalogued(fact) else {}
    row["diagnostics"] = []
    if fact.get("real_output_shapes"):
        row["output_shapes"], row["keras_output_shapes"] = fact["real_output_shapes"], fact["output_shapes"]
        fact = {**fact, "output_shapes": row["output_shapes"]}
        row["diagnostics"].append({"layer": fact["label"], "kind": "keras_shape", "message":
                                   f"Keras reports the output shape {shapes_text(row['keras_output_shapes'])}, "
                                   f"but the layer returns {shapes_text(row['output_shapes'])}, which is shown "
                                   "(a Keras quirk, not a formula error)"})
    row["activations"] = _activations(row["output_shapes"])
    row["output_dtypes"] = list(fact.get("output_dtypes") or [])
    row["activation_bytes"] = outputs_bytes(row["output_shapes"], row["output_dtypes"])

    def problem(message: str) -> None:
        message = message.replace("Keras", fact.get("framework", "Keras"))  # the referee: Keras or PyTorch
        row["diagnostics"].append({"layer": fact["label"], "kind": "mismatch", "message": message})

    row["params"], row["formula"], row["no_params_reason"] = _params(fact, inputs, problem)
    row["shape_derivations"] = _derivations(fact, inputs, problem)
    row["macs_formula"] = _macs(fact, inputs)
    row["macs"] = row["macs_formula"]["value"] if row["macs_formula"] else None
    return row


def _plain_config(config: dict) -> dict:
    """The layer's config as JSON, so a formula can be evaluated again (a quiz's wrong
    numbers); initializers, regularizers and constraints count nothing and are left out."""
    kept = {k: v for k, v in config.items() if not k.endswith(("_initializer", "_regularizer", "_constraint"))}
    return json.loads(json.dumps(kept, default=repr))



def build_record(facts: list[dict], *, model: dict, keras_totals: dict, memory: dict) -> dict:
    """The summary record from the adapter's facts (no Keras objects needed here)."""
    rows = [_row(fact) for fact in facts]
    composite.roll_up(rows, facts)
    diagnostics = [d for r in rows for d in r["diagnostics"]]
    top = [i for i, r in enumerate(rows) if r["depth"] == 0]
    trainable = sum(rows[i]["params"]["trainable"] for i in top)
    frozen = sum(rows[i]["params"]["non_trainable"] for i in top)
    unknown = [rows[i]["label"] for i in top if rows[i]["macs"] is None]
    totals = {"params": trainable + frozen, "trainable": trainable, "non_trainable": frozen,
              "memory_bytes": memory, "bytes": sum(memory.values()),
              "macs": sum(composite.known_macs(rows, facts, i) for i in top),
              "macs_partial": bool(unknown), "macs_unknown": unknown,
              **memory_totals(rows, model, sum(memory.values()))}
    if (totals["params"], trainable) != (keras_totals["params"], keras_totals["trainable"]):
        referee = "PyTorch" if model.get("framework") == "pytorch" else "Keras"
        diagnostics.append({"layer": None, "kind": "mismatch", "message":
                            f"the layers add up to {group(totals['params'])} parameters, {referee} counts "
                            f"{group(keras_totals['params'])} (weights held by the model itself?)"})
        totals.update({k: keras_totals[k] for k in ("params", "trainable", "non_trainable")})
    record = {"schema": SCHEMA, "model": model, "layers": rows, "totals": totals,
              "legend": dict(legend_items(rows, ("formula", "macs", "derivations"))), "diagnostics": diagnostics}
    return clean_strings(record)  # names come from model code or a .keras file


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
        "input_dtypes": [keras_adapter.dtype_name(t) for t in graph.inputs],
        "outputs": [list(t.shape) for t in graph.outputs],
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
    }
    return build_record(facts, model=info, keras_totals=keras_adapter.keras_totals(model),
                        memory=keras_adapter.weight_bytes_by_dtype(model))


def summarize(spec: str, input_shape: str | None = None, base_dir: str | Path = ".") -> dict:
    """The whole path: spec text and input shape text -> summary record."""
    from .isolation import keras_state
    from .spec import load_model, optional_keras, parse_input_shapes, parse_spec
    from .torch_adapter import is_torch_module, summarize_module

    parsed = parse_spec(spec)
    shapes = parse_input_shapes(input_shape)
    sources: list[str] = []
    keras = optional_keras(parsed)  # None: Keras cannot be imported, and a PyTorch model needs none
    with keras_state() if keras is not None else contextlib.nullcontext():  # the model's own Keras settings
        graph, model = load_model(parsed, shapes, base_dir, sources)
        if is_torch_module(model):
            record = summarize_module(model, spec=parsed.text, input_shapes=shapes)
        else:
            record = summarize_model(graph, model, spec=parsed.text, input_shapes=shapes)
    record["model"]["sources"] = sources
    if not parsed.path:  # what the module declares its models read: a changed value is a new record
        from .sources import declared_inputs, environment_digests

        record["model"]["environment"] = environment_digests(declared_inputs(sys.modules.get(parsed.module))[1])
    return record
