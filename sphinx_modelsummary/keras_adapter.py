"""Read the facts of a built Keras model: one plain dict per layer call, in graph order.

This is the only module that touches Keras objects after loading; everything it returns
is plain data (the layer config included), so the formulas never see Keras.
"""

from __future__ import annotations

import math


def _shape(tensor) -> list:
    return [None if n is None else int(n) for n in tensor.shape]


def _graph(model):
    """The functional graph behind a model, or ``None`` (a subclassed model)."""
    graph = getattr(model, "_functional", None) or model  # a built Sequential keeps one
    return graph if hasattr(graph, "_nodes_by_depth") else None


def is_model(layer) -> bool:
    import keras

    return isinstance(layer, keras.Model)


def _is_layer(operation) -> bool:
    import keras

    return isinstance(operation, keras.layers.Layer)


def _weights(layer) -> list[dict]:
    if not _is_layer(layer):  # a keras.ops call in the graph
        return []
    trainable = {id(w) for w in layer.trainable_weights}
    return [
        {
            "name": getattr(w, "path", w.name),
            "shape": [int(n) for n in w.shape],
            "trainable": id(w) in trainable,
            "dtype": str(w.dtype),
        }
        for w in layer.weights
    ]


def _config(layer) -> dict:
    if is_model(layer) or not _is_layer(layer):
        return {}
    try:
        return layer.get_config()
    except Exception:  # a custom layer without get_config still gets a weights formula
        return {}


def _input_shapes(layer, node) -> list:
    shapes = [_shape(t) for t in node.input_tensors]
    build = layer.get_build_config() if hasattr(layer, "get_build_config") else None
    shapes_dict = (build or {}).get("shapes_dict") or {}
    if "query_shape" in shapes_dict:  # attention: [query, value, key] whatever the call order
        value = shapes_dict.get("value_shape")
        key = shapes_dict.get("key_shape") or value
        shapes = [list(s) if s is not None else None for s in (shapes_dict["query_shape"], value, key)]
    return shapes


# Layers whose symbolic output shape Keras gets wrong in some configurations (a backward
# layer of another size; EinsumDense with a left ellipsis): their real output is measured.
SYMBOLIC_QUIRKS = ("Bidirectional", "EinsumDense")


def _real_shapes(layer, node, outputs: list) -> list | None:
    """The output shapes of running the layer on zeros (batch 1), when they differ."""
    shapes = [_shape(t) for t in node.input_tensors]
    if type(layer).__name__ not in SYMBOLIC_QUIRKS or len(shapes) != 1 or None in shapes[0][1:]:
        return None
    import keras
    import numpy as np

    try:
        result = layer(np.zeros((1, *shapes[0][1:]), dtype=node.input_tensors[0].dtype))
    except Exception:  # measuring is a courtesy: Keras's symbolic shape stands
        return None
    real = [[None, *(int(n) for n in t.shape[1:])] for t in keras.tree.flatten(result)]
    return real if real != outputs else None


def _label(name: str, call: int) -> str:
    return name if call == 0 else f"{name} (call {call + 1})"


def describe(model) -> list[dict]:
    """One dict per layer call of a built functional or Sequential model."""
    rows: list[dict] = []
    _walk(model, depth=0, parent=None, rows=rows)
    return rows


def _walk(model, depth: int, parent, rows: list) -> None:
    graph = _graph(model)
    if graph is None:
        raise TypeError(f"{model.name} has no functional graph to walk")
    order = {id(op): i for i, op in enumerate(graph._operations)}
    graph_nodes = [node for nodes in graph._nodes_by_depth.values() for node in nodes]
    in_graph = {id(node) for node in graph_nodes}

    def call_index(node) -> int:
        """Calls are numbered in the order the code made them, not in graph order."""
        return [id(n) for n in node.operation._inbound_nodes if id(n) in in_graph].index(id(node))

    depth_of = {id(node): d for d, nodes in graph._nodes_by_depth.items() for node in nodes}
    nodes = sorted(graph_nodes, key=lambda n: (-depth_of[id(n)], order[id(n.operation)], call_index(n)))
    labels: dict[int, str] = {}
    for node in nodes:
        layer = node.operation
        call = call_index(node)
        label = _label(layer.name, call)
        for tensor in node.outputs:
            labels[id(tensor)] = label
        outputs = [_shape(t) for t in node.outputs]
        nested = is_model(layer) and _graph(layer) is not None
        rows.append(
            {
                "name": layer.name,
                "label": label,
                "class": type(layer).__name__,
                "module": type(layer).__module__,
                "depth": depth,
                "parent": parent,
                "call": call,
                "shared": call > 0,
                "is_model": is_model(layer),
                "is_layer": _is_layer(layer),
                "config": _config(layer) if call == 0 else {},
                "input_shapes": _input_shapes(layer, node) if node.input_tensors else outputs,
                "output_shapes": outputs,
                "real_output_shapes": _real_shapes(layer, node, outputs),
                "weights": _weights(layer) if call == 0 else [],
                "connected_to": [
                    labels.get(id(t), t._keras_history.operation.name) for t in node.input_tensors
                ],
            }
        )
        if nested and call == 0:
            _walk(layer, depth + 1, layer.name, rows)


def weight_bytes_by_dtype(model) -> dict[str, int]:
    """Parameter memory per dtype, counting every weight once."""
    import numpy as np

    sizes: dict[str, int] = {}
    for w in model.weights:
        dtype = str(w.dtype)
        itemsize = np.dtype(dtype).itemsize if dtype != "bfloat16" else 2
        sizes[dtype] = sizes.get(dtype, 0) + math.prod(w.shape) * itemsize
    return sizes


def keras_totals(model) -> dict:
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    non_trainable = sum(math.prod(w.shape) for w in model.non_trainable_weights)
    return {"params": trainable + non_trainable, "trainable": trainable, "non_trainable": non_trainable}
