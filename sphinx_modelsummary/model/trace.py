"""Symbolic re-tracing: the shapes a call really had, and the ``keras.ops`` a custom layer runs.

Nothing here computes on data. A nested model's graph is run again on ``keras.KerasTensor``
inputs of the shapes its call site gives (each layer's ``compute_output_spec``), and a custom
layer's ``call`` is run on KerasTensors so that every ``keras.ops`` call it makes leaves a
node behind, read back as plain data (operation, operand shapes, output shapes).
"""

from __future__ import annotations

# How deep a custom layer's custom sublayers are traced in turn.
MAX_DEPTH = 4


def _shape(value) -> list | None:
    shape = getattr(value, "shape", None)
    return None if shape is None else [None if n is None else int(n) for n in shape]


def call_shapes(graph, input_shapes: list) -> dict[int, tuple[list, list]]:
    """``id(node) -> (input shapes, output shapes)`` of ``graph`` run symbolically on inputs of
    ``input_shapes``; a node that cannot be traced (nor any node after it) is left out."""
    import keras

    if len(input_shapes) != len(graph.inputs):
        return {}
    specs = {id(t): keras.KerasTensor(tuple(s), dtype=t.dtype) for t, s in zip(graph.inputs, input_shapes)}
    found: dict[int, tuple[list, list]] = {}
    for depth in sorted(graph._nodes_by_depth, reverse=True):
        for node in graph._nodes_by_depth[depth]:
            if node.is_input:
                shapes = [_shape(specs[id(t)]) for t in node.outputs if id(t) in specs]
                if shapes:
                    found[id(node)] = (shapes, shapes)
                continue
            if any(id(t) not in specs for t in node.input_tensors):
                continue
            args, kwargs = node.arguments.fill_in(specs)
            try:
                outputs = keras.tree.flatten(node.operation.compute_output_spec(*args, **kwargs))
            except Exception:  # Keras's own symbolic shapes stand for this node and after it
                continue
            if len(outputs) != len(node.outputs):
                continue
            for tensor, spec in zip(node.outputs, outputs):
                specs[id(tensor)] = spec
            found[id(node)] = ([_shape(specs[id(t)]) for t in node.input_tensors], [_shape(o) for o in outputs])
    return found


def _is_keras_own(operation) -> bool:
    return type(operation).__module__.startswith("keras.")


def _history(outputs: list, stop: set) -> list:
    """The nodes behind ``outputs`` back to the tensors in ``stop``, in the order they ran."""
    seen, order = set(), []

    def visit(tensor) -> None:
        history = getattr(tensor, "_keras_history", None)
        if history is None or id(tensor) in stop:
            return
        node = history.operation._inbound_nodes[history.node_index]
        if id(node) in seen:
            return
        seen.add(id(node))
        for upstream in node.input_tensors:
            visit(upstream)
        order.append(node)

    for tensor in outputs:
        visit(tensor)
    return order


def _run(layer, node, input_shapes: list, batch):
    """Run ``layer.call`` as ``node`` called it, on fresh KerasTensors of ``input_shapes`` (the
    batch axis ``batch``): its outputs and the fresh inputs."""
    import keras

    specs = {id(t): keras.KerasTensor((batch, *s[1:]), dtype=t.dtype) for t, s in zip(node.input_tensors, input_shapes)}
    args, kwargs = node.arguments.fill_in(specs)
    with keras.StatelessScope():  # a variable the call assigns is left as it was
        outputs = layer.call(*args, **kwargs)
    return keras.tree.flatten(outputs), list(specs.values())


def traced_ops(layer, node, input_shapes: list, prefix: str = "", depth: int = 0) -> list[dict] | None:
    """The operations a custom layer's ``call`` runs on inputs of ``input_shapes``: each
    ``keras.ops`` call and each Keras layer it calls, with operand and output shapes (a custom
    sublayer's or a model's own, traced in turn, under its name). ``None`` when the call
    cannot be traced."""
    if depth > MAX_DEPTH or len(input_shapes) != len(node.input_tensors) or not all(input_shapes):
        return None
    from .keras_adapter import is_model, layer_config

    for batch in (None, 1):  # a call that asks for a concrete batch size (random noise) gets 1
        try:
            outputs, inputs = _run(layer, node, input_shapes, batch)
            break
        except Exception:
            continue
    else:
        return None
    found = []
    for step in _history(outputs, {id(t) for t in inputs}):
        operation, is_layer = step.operation, _is_layer(step.operation)
        # a layer's inputs are its tensors; an operation's operands include the weights it reads
        operands = step.input_tensors if is_layer else [a for a in step.arguments.args if _shape(a) is not None]
        entry = {"path": prefix + operation.name, "class": type(operation).__name__,
                 "module": type(operation).__module__, "is_layer": is_layer, "config": layer_config(operation),
                 "input_shapes": [_sample_shape(a, batch) for a in operands],
                 "output_shapes": [_sample_shape(t, batch) for t in step.outputs]}
        if is_layer and (not _is_keras_own(operation) or is_model(operation)):  # traced in turn
            inner = traced_ops(operation, step, entry["input_shapes"], f"{entry['path']}/", depth + 1)
            if inner is None:
                return None
            found += inner
            continue
        found.append(entry)
    return found


def _sample_shape(value, batch) -> list | None:
    """A tensor's shape with the batch axis ``None`` again when a concrete batch was traced
    (a weight keeps its own shape)."""
    import keras

    shape = _shape(value)
    if batch is not None and shape and isinstance(value, keras.KerasTensor) and shape[0] == batch:
        return [None, *shape[1:]]
    return shape


def _is_layer(operation) -> bool:
    import keras

    return isinstance(operation, keras.layers.Layer)
