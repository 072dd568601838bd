"""The ways students get a layer's numbers wrong, each as a function that makes the wrong
number from a summary row: the same catalog formula, evaluated with the misconception's
change, so the answer can show exactly where it goes wrong.

Each function returns a :class:`Wrong` (the claim and the sentence that explains it) or
``None`` when the misconception does not apply to the row. Pure: no Sphinx, no Keras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from ..model import catalog
from ..present import conventions as fmt
from ..model.catalog.convolution import CONV, DEPTHWISE, POOLING, SEPARABLE, channels, channels_first, rank_of, spatial
from ..model.expr import Add, Ceil, Expr, Floor, Num, group, total
from ..model.composite import expr_record, legend

from ..model.catalog import torch_layers

WINDOWED = (*CONV, *DEPTHWISE, *SEPARABLE, *POOLING)  # output size floor((n - k) / s) + 1
TORCH_CONV, TORCH_POOLING = tuple(torch_layers.CONV), (*torch_layers.MAX_POOL, *torch_layers.AVG_POOL)


def rule(row: dict) -> str:
    """The catalog's name for the row: its class, or for a PyTorch module ``torch.<class>``."""
    return row.get("rule") or row["class"]


def windowed(row: dict) -> bool:
    return rule(row) in (*WINDOWED, *TORCH_CONV, *TORCH_POOLING)


def pooling(row: dict) -> bool:
    return rule(row) in (*POOLING, *TORCH_POOLING)


def _first(config: dict, row: dict) -> bool:
    """Channels on axis 1: PyTorch's layout, or Keras's channels_first."""
    return rule(row).startswith("torch.") or channels_first(config)


@dataclass(frozen=True)
class Equation:
    """An equation of the record's kind (``symbolic``, ``substituted``, ``value``, ``latex``)."""

    item: dict
    mode: str = "both"  # which sides to show, as in format.equation


@dataclass(frozen=True)
class Wrong:
    claim: object
    why: tuple  # strings and Equations


@dataclass(frozen=True)
class Misconception:
    key: str  # for :misconceptions: and --misconceptions
    name: str  # for readers and the JSON
    asks: tuple[str, ...]
    wrong: Callable[["Context", dict, str], Wrong | None]


def top_rows(record: dict) -> list[dict]:
    """The layers a statement can be about: the model's own, each once, not its input."""
    return [r for r in record["layers"] if r["depth"] == 0 and not r["shared"] and r["class"] != "InputLayer"]


class Context:
    """The record, and the rows a misconception may look at besides its own."""

    def __init__(self, record: dict):
        self.record = record
        self.rows = top_rows(record)
        self.by_label = {r["label"]: r for r in record["layers"]}


def equation(expr: Expr) -> dict:
    return {**expr_record(expr), "legend": legend([expr])}


def _inputs(row: dict) -> list:
    return [tuple(s) if s is not None else None for s in row["input_shapes"]]


def _count(class_name: str, config: dict, inputs: list) -> Expr | None:
    """The catalog's count for ``class_name`` (a row's :func:`rule`) with ``config``."""
    parts = catalog.parameter_parts(class_name, config, inputs) if config else None
    return total(*(p.expr for p in parts)) if parts else None


def _channels(config: dict, shape) -> str:
    count = channels(config, shape)
    return f"{count} channel" if count == 1 else f"{count} channels"


def _size(shape) -> str:
    """``26 x 26 x 32 = 21,632`` (or just ``10``) for a shape with its batch axis."""
    return fmt.size_text(shape)


# Parameters ------------------------------------------------------------------------------


def activations_as_params(context: Context, row: dict, ask: str) -> Wrong | None:
    if row["activations"] is None or len(row["output_shapes"]) != 1:
        return None
    claim, size = row["activations"], _size(row["output_shapes"][0])
    shown = "" if size == group(claim) else f" ({size})"
    return Wrong(claim, (f"{group(claim)} is the number of values {row['label']} outputs per sample{shown}: "
                         "its activations, not the weights and biases it learns.",))


def bias_forgotten(context: Context, row: dict, ask: str) -> Wrong | None:
    config = row.get("config") or {}
    if config.get("use_bias" if rule(row) == row["class"] else "bias") is not True:
        return None
    expr = _count(rule(row), {**config, "use_bias": False, "bias": False}, _inputs(row))
    if expr is None:
        return None
    biases = row["params"]["total"] - expr.integer()
    return Wrong(expr.integer(), (f"{group(expr.integer())} leaves out the biases: ", Equation(equation(expr)),
                                  f" counts the weights alone, and {row['label']} also learns {group(biases)} "
                                  "biases, one for each output."))


def input_channels(context: Context, row: dict, ask: str) -> Wrong | None:
    config, inputs = row.get("config") or {}, _inputs(row)
    model_inputs = context.record["model"]["inputs"]
    if rule(row) in TORCH_CONV and len(model_inputs) == 1:
        return _torch_input_channels(row, config, list(model_inputs[0]), inputs)
    if row["class"] not in (*CONV, *DEPTHWISE, *SEPARABLE) or not config or len(model_inputs) != 1:
        return None
    first, given = list(model_inputs[0]), list(inputs[0])
    if len(first) != len(given) or channels(config, first) in (None, channels(config, given)):
        return None
    given[1 if channels_first(config) else -1] = channels(config, first)
    expr = _count(row["class"], config, [tuple(given), *inputs[1:]])
    if expr is None:
        return None
    return Wrong(expr.integer(), (
        f"{group(expr.integer())} takes f from the model's input, which has {_channels(config, first)}, "
        f"but {row['label']} reads the {channels(config, inputs[0])} channels of the layer before it: ",
        Equation(equation(expr)), "."))


def _torch_input_channels(row: dict, config: dict, first: list, inputs: list) -> Wrong | None:
    given = config["in_channels"]
    if len(first) != len(inputs[0]) or first[1] in (None, given):
        return None
    expr = _count(rule(row), {**config, "in_channels": first[1]}, inputs)
    plural = "channel" if first[1] == 1 else "channels"
    return Wrong(expr.integer(), (
        f"{group(expr.integer())} takes C_in from the model's input, which has {first[1]} {plural}, "
        f"but {row['label']} reads the {given} channels of the layer before it: ", Equation(equation(expr)), "."))


def _as_convolution(row: dict, config: dict, inputs: list) -> tuple[str, dict, list]:
    """A pooling window seen as a convolution's kernel with a bias (the misconception)."""
    rank = rank_of(inputs[0])
    if rule(row).startswith("torch."):
        window = list(torch_layers.tuple_of(config["kernel_size"], rank))
        c = inputs[0][1]
        return f"torch.Conv{rank}d", {"in_channels": c, "out_channels": c, "kernel_size": window, "bias": True}, window
    as_conv = {"filters": channels(config, inputs[0]), "kernel_size": config["pool_size"], "use_bias": True,
               "data_format": config.get("data_format")}
    return f"Conv{rank}D", as_conv, list(config["pool_size"])


def pooling_params(context: Context, row: dict, ask: str) -> Wrong | None:
    config, inputs = row.get("config") or {}, _inputs(row)
    if not pooling(row) or not config or None in inputs:
        return None
    name, as_conv, pool = _as_convolution(row, config, inputs)
    expr = _count(name, as_conv, inputs)
    if expr is None:
        return None
    window = " x ".join(str(n) for n in pool)
    kind = "maximum" if row["class"].startswith("Max") else "average"
    return Wrong(expr.integer(), (
        f"{group(expr.integer())} treats the {window} pooling window as a convolution kernel with a bias: ",
        Equation(equation(expr)), f"; but {row['label']} only takes the {kind} of each window, "
        "so it has nothing to learn."))


def dense_input_before_pooling(context: Context, row: dict, ask: str) -> Wrong | None:
    """The dense layer fed the size that goes into the last pooling, not the size it gives."""
    config, inputs = row.get("config") or {}, _inputs(row)
    if rule(row) not in ("Dense", "torch.Linear") or not config or len(inputs[0]) != 2:
        return None
    current = row
    while len(current["connected_to"]) == 1:  # back over layers without weights
        current = context.by_label.get(current["connected_to"][0])
        if current is None or current["params"]["total"] or current["class"] == "InputLayer":
            return None
        if pooling(current):
            break
    else:
        return None
    before, after = current["input_shapes"][0], current["output_shapes"][0]
    if None in before[1:]:
        return None
    size = math.prod(before[1:])
    expr = _count(rule(row), {**config, "in_features": size}, [(None, size)])
    return Wrong(expr.integer(), (
        f"{group(expr.integer())} feeds {row['label']} the {_size(before)} values that go into "
        f"{current['label']}, not the {_size(after)} that come out of it: ", Equation(equation(expr)), "."))


# Shapes ------------------------------------------------------------------------------------


def _without_plus_one(expr: Expr) -> Expr | None:
    if isinstance(expr, Add) and isinstance(expr.operands[-1], Num) and expr.operands[-1].number == 1:
        rest = expr.operands[:-1]
        return rest[0] if len(rest) == 1 else Add(*rest)
    return None


def _rounded_up(expr: Expr) -> Expr | None:
    if isinstance(expr, Floor):
        return Ceil(*expr.arguments)
    if isinstance(expr, Add):
        operands = [_rounded_up(o) or o for o in expr.operands]
        return Add(*operands) if any(a is not b for a, b in zip(operands, expr.operands)) else None
    return None


def _wrong_shape(row: dict, change: Callable[[Expr], Expr | None]):
    """The output shape with ``change`` made to each axis's derivation, and the changed ones."""
    config, inputs = row.get("config") or {}, _inputs(row)
    if not windowed(row) or not config or len(row["output_shapes"]) != 1 or None in inputs:
        return None, []
    found = catalog.output_shape(rule(row), config, inputs)
    if found is None:
        return None, []
    offset = 2 if _first(config, row) else 1
    sizes = inputs[0][2:] if rule(row).startswith("torch.") else spatial(config, inputs[0])
    known = [offset + i for i, n in enumerate(sizes) if n is not None]
    shape, changed = list(row["output_shapes"][0]), []
    for position, derivation in zip(known, found.derivations):
        wrong = change(derivation.expr)
        if wrong is not None and wrong.integer() != shape[position]:
            shape[position] = wrong.integer()
            if all(e["substituted"] != wrong.text(numbers=True) for e in changed):
                changed.append(equation(wrong))
    return (shape, changed) if changed else (None, [])


def _shape_wrong(row: dict, ask: str, change, mistake: str, why: str) -> Wrong | None:
    """The output shape (or its size) with ``change`` made to its arithmetic, and why it is wrong."""
    shape, changed = _wrong_shape(row, change)
    if shape is None:
        return None
    if ask == "output":
        claim, text = shape, fmt.shape_text(shape)
    else:
        claim = math.prod(shape[1:])
        text = f"{group(claim)} ({_size(shape)})"
    equations = [piece for item in changed for piece in (Equation(item, "substituted"), ", ")][:-1]
    return Wrong(claim, (f"{text} {mistake}: ", *equations, why))


def plus_one_forgotten(context: Context, row: dict, ask: str) -> Wrong | None:
    return _shape_wrong(row, ask, _without_plus_one, "leaves out the + 1 of the output size",
                        " counts the steps of the window, not the places it stops at, which are one more.")


def floor_forgotten(context: Context, row: dict, ask: str) -> Wrong | None:
    return _shape_wrong(row, ask, _rounded_up, "rounds the division up",
                        "; but a window that would run past the edge of the input is not used, "
                        "so the division is rounded down.")


def params_as_activations(context: Context, row: dict, ask: str) -> Wrong | None:
    claim = row["params"]["total"]
    if row["activations"] is None or not claim:  # "no values at all" fools nobody
        return None
    return Wrong(claim, (f"{group(claim)} is the number of parameters of {row['label']} (its weights and "
                         f"biases), not the values it outputs per sample.",))


MISCONCEPTIONS = {m.key: m for m in (
    Misconception("activations", "activations counted as parameters", ("params",), activations_as_params),
    Misconception("bias", "the bias forgotten", ("params",), bias_forgotten),
    Misconception("input-channels", "the input's channels used instead of the previous layer's", ("params",),
                  input_channels),
    Misconception("pooling-params", "pooling given parameters", ("params",), pooling_params),
    Misconception("dense-input", "the dense layer's input read before the last pooling", ("params",),
                  dense_input_before_pooling),
    Misconception("plus-one", "the + 1 forgotten in the output size", ("output", "activations"), plus_one_forgotten),
    Misconception("floor", "the floor forgotten (the division rounded up)", ("output", "activations"),
                  floor_forgotten),
    Misconception("params-as-activations", "parameters counted as activations", ("activations",),
                  params_as_activations),
)}
