"""Memory in bytes: each row's output and the model's totals, one sample, torchinfo's convention.

A row's ``activation_bytes`` is the size of everything it outputs for one sample in the
dtype of its outputs (under ``mixed_float16`` a layer computes and outputs float16 while
its weights stay float32). The totals: ``input_bytes`` (the model's inputs),
``params_bytes`` (every weight once, in its own dtype), ``forward_backward_bytes`` (twice
the outputs of every layer, input layers left out: what the forward pass keeps for the
backward pass, and the gradients of the same size) and ``total_bytes`` (their sum).
A size the input leaves open makes a figure ``None``.
"""

from __future__ import annotations

import math

ITEMSIZE = {
    "bool": 1, "int8": 1, "uint8": 1, "float8_e4m3fn": 1, "float8_e5m2": 1,
    "int16": 2, "uint16": 2, "float16": 2, "bfloat16": 2,
    "int32": 4, "uint32": 4, "float32": 4,
    "int64": 8, "uint64": 8, "float64": 8, "complex64": 8, "complex128": 16,
}


def tensor_bytes(shape: list, dtype: str | None) -> int | None:
    """One sample of a tensor (the batch axis left out), or ``None`` when a size or the dtype is unknown."""
    if None in shape[1:] or ITEMSIZE.get(dtype or "") is None:
        return None
    return math.prod(shape[1:]) * ITEMSIZE[dtype]


def outputs_bytes(shapes: list, dtypes: list | None) -> int | None:
    """All the outputs of a row, one sample; ``None`` when one is unknown."""
    dtypes = dtypes or [None] * len(shapes)
    sizes = [tensor_bytes(shape, dtype) for shape, dtype in zip(shapes, dtypes)]
    return None if None in sizes or len(sizes) != len(shapes) else sum(sizes)


def counted_rows(rows: list[dict]) -> list[dict]:
    """The rows whose outputs the forward/backward figure adds up: no input layer; a nested
    model's row is left out when its layers are listed below it (they are counted instead);
    the layers a wrapper runs at each step are left out (the wrapper's output is counted)."""
    counted, wrapper_depth = [], None
    for i, row in enumerate(rows):
        if wrapper_depth is not None and row["depth"] > wrapper_depth:
            continue
        wrapper_depth = None
        if row["wraps"]:
            wrapper_depth = row["depth"]
        expanded = i + 1 < len(rows) and rows[i + 1]["depth"] > row["depth"]
        if row["class"] == "InputLayer" or (expanded and not row["wraps"]):
            continue
        counted.append(row)
    return counted


def memory_totals(rows: list[dict], model: dict, params_bytes: int) -> dict:
    """``input_bytes``, ``params_bytes``, ``forward_backward_bytes``, ``total_bytes`` and the
    dtypes the activations are held in."""
    counted = counted_rows(rows)
    sizes = [row["activation_bytes"] for row in counted]
    forward_backward = None if None in sizes else 2 * sum(sizes)
    inputs = outputs_bytes(model["inputs"], model.get("input_dtypes"))
    parts = (inputs, params_bytes, forward_backward)
    dtypes = {d for row in counted for d in row["output_dtypes"]}
    return {"input_bytes": inputs, "params_bytes": params_bytes, "forward_backward_bytes": forward_backward,
            "total_bytes": None if None in parts else sum(parts), "activation_dtypes": sorted(dtypes)}
