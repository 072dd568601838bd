"""Read the facts of a built Keras model: one plain dict per layer call, in graph order.

This module and ``trace`` (its symbolic re-tracing) are the only ones that touch Keras
objects after loading; everything they return is plain data (the layer config included),
so the formulas never see Keras.
"""

from __future__ import annotations

import math


def _shape(tensor) -> list:
    return [None if n is None else int(n) for n in tensor.shape]


def dtype_name(tensor) -> str:
    """``float16`` for a layer under ``mixed_float16``: the dtype its output is held in."""
    return str(getattr(tensor.dtype, "name", tensor.dtype))


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


def _weights(layer, paths: dict) -> list[dict]:
    """Each weight with its shape, its trainability and its ``path``: the attributes that hold
    it (``att/query/kernel``, ``w``), else Keras's path inside the layer."""
    if not _is_layer(layer):  # a keras.ops call in the graph
        return []
    trainable = {id(w) for w in layer.trainable_weights}
    own = getattr(layer, "path", None) or layer.name
    return [
        {
            "key": id(w),
            "name": getattr(w, "path", w.name),
            "path": paths.get(id(w)) or getattr(w, "path", w.name).removeprefix(own + "/"),
            "shape": [int(n) for n in w.shape],
            "trainable": id(w) in trainable,
            "dtype": str(w.dtype),
        }
        for w in layer.weights
    ]


def layer_config(layer) -> dict:
    if not _is_layer(layer):  # a keras.ops call: what its count needs beyond shapes
        subscripts = getattr(layer, "subscripts", None)
        return {"subscripts": subscripts} if isinstance(subscripts, str) else {}
    if is_model(layer):
        return {}
    try:
        config = layer.get_config()
    except Exception:  # a custom layer without get_config still gets a weights formula
        return {}
    _restore_forgotten(layer, config)
    return config


def _restore_forgotten(layer, config: dict) -> None:
    """Put back what some Keras versions leave out of a config: before 3.13 a transposed
    convolution's ``output_padding``, which still shapes its output. Wrapped layers too."""
    if hasattr(layer, "output_padding") and "output_padding" not in config:
        padding = layer.output_padding
        config["output_padding"] = None if padding is None else list(padding)
    for key, inner in (("layer", getattr(layer, "forward_layer", None) or getattr(layer, "layer", None)),
                       ("backward_layer", getattr(layer, "backward_layer", None))):
        if isinstance(config.get(key), dict) and _is_layer(inner) and isinstance(config[key].get("config"), dict):
            _restore_forgotten(inner, config[key]["config"])


def wrapped(layer) -> list:
    """The layers a wrapper runs: a Wrapper's (TimeDistributed) layer, Bidirectional's two."""
    if type(layer).__name__ == "Bidirectional":
        return [layer.forward_layer, layer.backward_layer]
    import keras

    return [layer.layer] if isinstance(layer, keras.layers.Wrapper) else []


def _wraps(layer) -> list[dict]:
    return [{"name": inner.name, "class": type(inner).__name__, "is_model": is_model(inner)}
            for inner in wrapped(layer)]


def _build(layer) -> dict:
    try:
        return (layer.get_build_config() if hasattr(layer, "get_build_config") else None) or {}
    except Exception:
        return {}


def _attention_shapes(layer) -> list | None:
    """Attention's ``[query, value, key]`` whatever the call order, from its build config."""
    shapes_dict = _build(layer).get("shapes_dict") or {}
    if "query_shape" not in shapes_dict:
        return None
    value = shapes_dict.get("value_shape")
    key = shapes_dict.get("key_shape") or value
    return [list(s) if s is not None else None for s in (shapes_dict["query_shape"], value, key)]


def _built_shapes(layer) -> list | None:
    """The input shapes a layer was built for (how a sublayer called in ``call()`` is sized)."""
    attention = _attention_shapes(layer)
    if attention:
        return attention
    build = _build(layer)
    if build.get("input_shape") is not None:
        shape = build["input_shape"]
        return [list(shape)] if not shape or not isinstance(shape[0], (list, tuple)) else [list(s) for s in shape]
    shapes = list((build.get("shapes_dict") or {}).values())
    return [list(s) for s in shapes] if shapes and all(isinstance(s, (list, tuple)) for s in shapes) else None


# Layers whose symbolic output shape Keras gets wrong in some configurations (a backward
# layer of another size; EinsumDense with a left ellipsis): their real output is measured.
SYMBOLIC_QUIRKS = ("Bidirectional", "EinsumDense")


def _real_shapes(layer, shapes: list, node, outputs: list) -> list | None:
    """The output shapes of running the layer on zeros (batch 1), when they differ."""
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


# Sublayers and weight paths ---------------------------------------------------------------

# What every Keras layer keeps for itself: never a user's attribute.
_INTERNALS = frozenset({
    "_layers", "_trainable_variables", "_non_trainable_variables", "_tracker", "_tracked", "_metrics",
    "_seed_generators", "_inbound_nodes", "_outbound_nodes", "_functional", "_operations", "_losses",
})


def _is_custom(layer) -> bool:
    """A user's layer (not one of Keras's own, not a model): its formula comes from its sublayers."""
    return _is_layer(layer) and not is_model(layer) and not type(layer).__module__.startswith("keras.")


def _held(layer) -> list[tuple[str, object]]:
    """``(path, value)`` for what a layer's attributes hold, public ones first; a list, tuple or
    dict gives its items (``blocks[0]``)."""
    items = [(k, v) for k, v in vars(layer).items() if not k.startswith("__")]
    ordered = [kv for kv in items if not kv[0].startswith("_")]
    ordered += [kv for kv in items if kv[0].startswith("_") and kv[0] not in _INTERNALS]
    held = []
    for name, value in ordered:
        if isinstance(value, (list, tuple)):
            held += [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            held += [(f"{name}[{k!r}]", v) for k, v in value.items()]
        else:
            held.append((name, value))
    return held


def tracked(layer) -> list[tuple[str, object]]:
    """``(path, sublayer)`` for the layers a layer holds: by the attribute naming each, a model's
    layers by name, and any other sublayer Keras tracks by its name."""
    if is_model(layer):
        return [(sub.name, sub) for sub in layer.layers]
    found, seen = [], set()
    for path, value in _held(layer):
        if _is_layer(value) and id(value) not in seen:
            seen.add(id(value))
            found.append((path, value))
    for sub in layer._flatten_layers(include_self=False, recursive=False):
        if id(sub) not in seen:
            seen.add(id(sub))
            found.append((sub.name, sub))
    return found


def attribute_paths(layer, prefix: str = "", seen: set | None = None) -> dict[int, str]:
    """``id(weight) -> path``: the attributes leading to it from ``layer`` (``att/query/kernel``)."""
    import keras

    seen = set() if seen is None else seen
    seen.add(id(layer))
    paths: dict[int, str] = {}
    if not is_model(layer):
        for path, value in _held(layer):
            if isinstance(value, keras.Variable):
                paths.setdefault(id(value), prefix + path)
    for path, sub in tracked(layer):
        if id(sub) not in seen:
            for key, value in attribute_paths(sub, f"{prefix}{path}/", seen).items():
                paths.setdefault(key, value)
    return paths


def _sublayers(layer, prefix: str = "", seen: set | None = None) -> list[dict]:
    """The Keras layers a custom layer holds (through custom layers and models in between),
    each with its path, config, the input shapes it was built for and its weights."""
    seen = {id(layer)} if seen is None else seen
    found = []
    for path, sub in tracked(layer):
        if id(sub) in seen:
            continue
        seen.add(id(sub))
        if is_model(sub) or _is_custom(sub):
            found += _sublayers(sub, f"{prefix}{path}/", seen)
        elif sub.weights or sub.built:
            found.append({
                "path": prefix + path, "name": sub.name, "class": type(sub).__name__,
                "module": type(sub).__module__, "config": layer_config(sub), "input_shapes": _built_shapes(sub),
                "weights": _weights(sub, {}),
            })
    return found


def _label(name: str, call: int) -> str:
    return name if call == 0 else f"{name} (call {call + 1})"


def describe(model) -> list[dict]:
    """One dict per layer call of a built functional or Sequential model."""
    rows: list[dict] = []
    _walk(model, Site(depth=0, parent=None), rows)
    return rows


class Site:
    """Where a graph is walked: its depth, the row it sits under, the shapes of the call that
    runs it (``None``: the graph's own) and which call of the enclosing model it is."""

    def __init__(self, depth: int, parent, shapes: list | None = None, call: int = 0):
        self.depth, self.parent, self.shapes, self.call = depth, parent, shapes, call

    def inner(self, label: str, shapes: list | None, call: int) -> "Site":
        return Site(self.depth + 1, label, shapes, max(call, self.call))


def _step_shapes(shapes: list) -> list:
    """What TimeDistributed gives the model it wraps: one time step, the time axis folded away."""
    return [[s[0], *s[2:]] for s in shapes[:1]]


def _retraced(graph, shapes: list | None) -> dict:
    """The graph's node shapes on the call's own input shapes, when they are not the graph's."""
    from .trace import call_shapes

    if shapes is None or shapes == [_shape(t) for t in graph.inputs]:
        return {}
    try:
        return call_shapes(graph, shapes)
    except Exception:  # Keras's own shapes stand; the build goes on
        return {}


def _walk(model, site: Site, rows: list) -> None:
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
    traced = _retraced(graph, site.shapes)
    labels: dict[int, str] = {}
    for node in nodes:
        layer = node.operation
        call = call_index(node)
        label = _label(layer.name, call) + (f" in {site.parent}" if site.call else "")
        for tensor in node.outputs:
            labels[id(tensor)] = label
        fact = _fact(layer, node, call, label, site, traced.get(id(node)))
        fact["connected_to"] = [labels.get(id(t), t._keras_history.operation.name) for t in node.input_tensors]
        rows.append(fact)
        earlier = [n for n in layer._inbound_nodes if id(n) in in_graph][:call]
        seen = [(traced.get(id(n)) or ([_shape(t) for t in n.input_tensors],))[0] for n in earlier]
        _walk_inside(layer, fact, seen, site, rows)


def _walk_inside(layer, fact: dict, seen: list, site: Site, rows: list) -> None:
    """The rows of a nested model (or a model a wrapper runs) under its call's row: at its
    first call, and again at a later call on inputs of shapes no earlier call had (``seen``)."""
    if fact["input_shapes"] in seen:
        return
    if fact["is_model"] and _graph(layer) is not None:
        _walk(layer, site.inner(fact["label"], fact["input_shapes"], fact["call"]), rows)
    for model in wrapped(layer):
        if is_model(model) and _graph(model) is not None:
            _walk(model, site.inner(fact["label"], _step_shapes(fact["input_shapes"]), fact["call"]), rows)


def _fact(layer, node, call: int, label: str, site: Site, traced: tuple | None) -> dict:
    """The plain facts of one layer call; ``traced``: its shapes on the call site's inputs."""
    tensor_shapes, outputs = traced or ([_shape(t) for t in node.input_tensors], [_shape(t) for t in node.outputs])
    first = call == 0 and site.call == 0  # weights are counted once, at the first call of the first site
    paths = attribute_paths(layer) if first and _is_custom(layer) else {}
    inputs = (_attention_shapes(layer) if traced is None else None) or tensor_shapes
    sublayers = _sublayers(layer) if first and _is_custom(layer) else []
    return {
        "name": layer.name,
        "label": label,
        "class": type(layer).__name__,
        "module": type(layer).__module__,
        "depth": site.depth,
        "parent": site.parent,
        "call": call,
        "shared": not first,
        "is_model": is_model(layer),
        "is_layer": _is_layer(layer),
        "config": layer_config(layer),
        "input_shapes": inputs if node.input_tensors else outputs,
        "output_shapes": outputs,
        "output_dtypes": [dtype_name(t) for t in node.outputs],
        "real_output_shapes": _real_shapes(layer, tensor_shapes, node, outputs),
        "weights": _weights(layer, paths) if first else [],
        "has_weights": bool(getattr(layer, "weights", None)),
        "wraps": _wraps(layer) if _is_layer(layer) else [],
        "sublayers": sublayers,
        "traced_ops": _traced_ops(layer, node, tensor_shapes, sublayers),
    }


def _traced_ops(layer, node, shapes: list, sublayers: list[dict]) -> list[dict] | None:
    """What a custom layer's (or a nested subclassed model's) call runs, when its Keras
    sublayers alone cannot give its count (it has none, or holds weights its call uses)."""
    from .trace import traced_ops

    subclassed = is_model(layer) and _graph(layer) is None
    if not (_is_custom(layer) or subclassed) or not node.input_tensors:
        return None
    owned = {w["key"] for leaf in sublayers for w in leaf["weights"]}
    if sublayers and all(id(w) in owned for w in layer.weights):
        return None
    try:
        return traced_ops(layer, node, shapes)
    except Exception:  # a courtesy: the count is then "not known", the build goes on
        return None


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
