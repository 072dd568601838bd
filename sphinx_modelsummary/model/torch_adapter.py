"""Read the facts of a ``torch.nn.Module``: one plain dict per module call, from one forward pass.

The same facts the Keras adapter gives, so :func:`.summary.build_record` makes the record.
Shapes come from forward hooks on a pass over zeros built from ``:input-shape:`` (channels
first, no batch axis): on the meta device where the model's code allows it (no memory, no
arithmetic), else on the CPU. The pass runs twice, with batches of 1 and 2: the axis that
follows the batch is shown as ``None``, wherever the module puts it. Nothing here imports
torch at module level; :func:`is_torch_module` never imports it.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

from ..problems import ModelSpecError, Problem
from .catalog.registry import RULES

RULE_PREFIX = "torch."  # the catalog's rules for PyTorch's modules: "torch.Conv2d"
EMPTY = "torch.Sequential (empty)"


def is_torch_module(obj) -> bool:
    """A ``torch.nn.Module``, told without importing torch (no torch imported, no module),
    and not a Keras layer (on Keras's torch backend every layer is a ``torch.nn.Module``)."""
    torch = sys.modules.get("torch")
    nn = getattr(torch, "nn", None)
    if nn is None or not isinstance(obj, nn.Module):
        return False
    return not any(cls.__module__.startswith("keras.") for cls in type(obj).__mro__)


def _is_torchs(module) -> bool:
    return type(module).__module__.startswith("torch.nn.")


def rule_name(module) -> str | None:
    """The catalog's name for one of PyTorch's own modules (a user's class may share a name)."""
    name = RULE_PREFIX + type(module).__name__
    if name in ("torch.Sequential", "torch.ModuleList") and not module._modules:
        name = EMPTY  # a shortcut that passes its input on
    return name if _is_torchs(module) and name in RULES else None


# Configs: the module's own settings, as plain values ------------------------------------------

_PLAIN = (int, float, bool, str, type(None))


def _plain(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(isinstance(v, _PLAIN) for v in value)
    return isinstance(value, _PLAIN)


def module_config(module) -> dict:
    """Public plain attributes (``in_channels``, ``kernel_size``) and whether it has a bias."""
    config = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(module).items()
              if not k.startswith("_") and k != "training" and _plain(v)}
    config["torch_class"] = type(module).__name__  # never empty: an Identity's config still says what it is
    weights = list(module.parameters())
    if weights and not any(p.requires_grad for p in weights):  # frozen: the catalog's parts are non-trainable
        config["trainable"] = False
    params = module._parameters
    if "bias" in params and "bias" not in config:
        config["bias"] = params["bias"] is not None
    name = type(module).__name__
    if name == "MultiheadAttention":
        config["bias"] = params.get("in_proj_bias") is not None
        config["out_bias"] = module.out_proj.bias is not None
        config["add_bias_kv"] = module.bias_k is not None
        config["same_embed_dim"] = module._qkv_same_embed_dim
    elif name == "TransformerEncoderLayer":
        config.update(_encoder_config(module))
    return config


def _encoder_config(layer) -> dict:
    """A TransformerEncoderLayer keeps no sizes of its own: they are read from its parts."""
    return {"d_model": layer.self_attn.embed_dim, "nhead": layer.self_attn.num_heads,
            "dim_feedforward": layer.linear1.out_features, "bias": layer.linear1.bias is not None,
            "batch_first": layer.self_attn.batch_first,
            "norm_affine": layer.norm1.weight is not None, "norm_bias": layer.norm1.bias is not None}


def _weights(module, recurse: bool, skip: set = frozenset()) -> list[dict]:
    """Each parameter with its shape and ``path`` (``weight``, ``out_proj.bias``); buffers
    (a batch norm's running statistics) are not parameters and are left out."""
    return [{"key": id(p), "name": path, "path": path, "shape": [int(n) for n in p.shape],
             "trainable": bool(p.requires_grad), "dtype": dtype_name(p.dtype)}
            for path, p in module.named_parameters(recurse=recurse) if id(p) not in skip]


# The forward pass -------------------------------------------------------------------------------


@dataclass
class Call:
    module: object
    name: str
    call: int
    parent: "Call | None"
    hidden: bool  # inside a catalogued module, or inside a repeated call: not a row
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    dtypes: list = field(default_factory=list)  # of the outputs: "float32"
    sources: list = field(default_factory=list)  # the calls (or "input") that made each input
    children: list = field(default_factory=list)


def dtype_name(dtype) -> str:
    """``float32`` for ``torch.float32``: the names the Keras side and the memory sizes use."""
    return str(dtype).removeprefix("torch.")


def _tensors(value) -> list:
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


class _Recorder:
    """Forward pre-hooks and hooks on every module: who calls whom, on what, giving what."""

    def __init__(self, model):
        self.names = {id(m): name for name, m in model.named_modules(remove_duplicate=True)}
        self.calls, self.stack, self.counts, self.made = [], [], {}, {}

    def before(self, module, args, kwargs):
        parent = self.stack[-1] if self.stack else None
        call = self.counts.get(id(module), 0)
        self.counts[id(module)] = call + 1
        hidden = parent is not None and (parent.hidden or parent.call > 0 or rule_name(parent.module) is not None)
        name = self.names.get(id(module)) or type(module).__name__  # the model itself is named ""
        entry = Call(module, name, call, parent, hidden)
        inputs = _tensors(list(args) + list(kwargs.values()))
        entry.inputs = [list(t.shape) for t in inputs]
        entry.sources = [self.made.get(id(t), (None, t))[0] for t in inputs]
        if parent is not None:
            parent.children.append(entry)
        self.calls.append(entry)
        self.stack.append(entry)

    def after(self, module, args, kwargs, output):
        entry = self.stack.pop()
        outputs = _tensors(output)
        entry.outputs = [list(t.shape) for t in outputs]
        entry.dtypes = [dtype_name(t.dtype) for t in outputs]
        for t in outputs:
            self.made[id(t)] = (entry, t)  # the tensor is kept, so its id is not reused

    def run(self, model, inputs, device: str):
        handles = []
        for module in model.modules():
            handles.append(module.register_forward_pre_hook(self.before, with_kwargs=True))
            handles.append(module.register_forward_hook(self.after, with_kwargs=True))
        try:
            self.made = {id(t): ("input", t) for t in inputs}
            _forward(model, inputs, device)
        finally:
            for handle in handles:
                handle.remove()
        return self.calls


def _forward(model, inputs, device: str) -> None:
    import torch

    if device == "meta":  # parameters swapped for meta tensors: the model itself is untouched
        state = {name: torch.empty_like(t, device="meta")
                 for name, t in [*model.named_parameters(), *model.named_buffers()]}
        torch.func.functional_call(model, state, tuple(inputs))
    else:
        with torch.no_grad():
            model(*inputs)


def _example(shapes, batch: int, device: str, dtype) -> list:
    import torch

    return [torch.zeros((batch, *shape), device=device, dtype=dtype) for shape in shapes]


def _input_dtype(model):
    """Indices for a model that starts with an embedding, else floats of its parameters' type."""
    import torch

    first = next((m for m in model.modules() if not list(m.children())), None)
    if type(first).__name__ in ("Embedding", "EmbeddingBag"):
        return torch.long
    return next((p.dtype for p in model.parameters() if p.is_floating_point()), torch.float32)


def trace(model, input_shapes) -> tuple[list[Call], list[Call], str]:
    """The calls of two forward passes (batch 1, batch 2) and the device they ran on."""
    dtype = _input_dtype(model)
    modes = {m: m.training for m in model.modules()}
    model.eval()  # a batch norm of batch 1 in training would refuse to run
    try:
        for device in ("meta", "cpu"):
            try:
                passes = [_Recorder(model).run(model, _example(input_shapes, b, device, dtype), device) for b in (1, 2)]
                return passes[0], passes[1], device
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # the model's own forward() may raise anything
                failure = error
        raise failure
    finally:
        for module, training in modes.items():
            module.train(training)


def _batch_free(one: list, two: list) -> list:
    """Each shape with ``None`` on the axes that grew with the batch."""
    if len(one) != len(two):
        return one
    return [[None if a != b else a for a, b in zip(s1, s2)] if len(s1) == len(s2) else s1 for s1, s2 in zip(one, two)]


# Facts --------------------------------------------------------------------------------------------


def _label(call: Call) -> str:
    return call.name if call.call == 0 else f"{call.name} (call {call.call + 1})"


def _visible(calls: list[Call]) -> list[Call]:
    return [c for c in calls if not c.hidden]


def _is_container(call: Call) -> bool:
    return call.call == 0 and rule_name(call.module) is None and any(not c.hidden for c in call.children)


def _fact(call: Call, twin: Call, depth: int) -> dict:
    module, container, rule = call.module, _is_container(call), rule_name(call.module)
    leaf_own = not container and rule is None and not list(module.children())
    return {
        "name": call.name, "label": _label(call), "class": type(module).__name__, "module": type(module).__module__,
        "rule": rule, "framework": "PyTorch", "depth": depth,
        "parent": call.parent.name if call.parent is not None and depth else None,
        "call": call.call, "shared": call.call > 0, "is_model": container, "is_layer": True,
        "config": module_config(module) if rule else {},
        "input_shapes": _batch_free(call.inputs, twin.inputs) or _batch_free(call.outputs, twin.outputs),
        "output_shapes": _batch_free(call.outputs, twin.outputs),
        "output_dtypes": call.dtypes,
        "weights": _weights(module, recurse=not leaf_own) if call.call == 0 else [],
        "wraps": [], "sublayers": [],
        "connected_to": [_label(s) if isinstance(s, Call) else s for s in call.sources if s is not None],
    }


def _own_weight_fact(call: Call, weight: dict, depth: int) -> dict:
    """A container's parameter that none of its called modules holds: a row of its own."""
    name = f"{call.name}.{weight['path']}" if call.parent is not None else weight["path"]
    return {"name": name, "label": name, "class": "Parameter", "module": "torch.nn.parameter", "rule": None,
            "framework": "PyTorch", "depth": depth, "parent": call.name if depth else None, "call": 0, "shared": False,
            "is_model": False, "is_layer": True, "config": {}, "input_shapes": [], "output_shapes": [],
            "weights": [{**weight, "path": weight["path"].rsplit(".", 1)[-1]}], "wraps": [], "sublayers": [],
            "connected_to": []}


def describe(model, input_shapes) -> tuple[list[dict], str, list]:
    """One fact per visible module call, parents before their children; the device used; and
    the shapes the model returns."""
    first, second, device = trace(model, input_shapes)
    twins = dict(zip(map(id, first), second)) if len(first) == len(second) else {}
    top = first[0] if first else None
    rows = [c for c in top.children if not c.hidden] if top is not None and _is_container(top) else first[:1]
    facts = []

    def add(call: Call, depth: int) -> None:
        facts.append(_fact(call, twins.get(id(call), call), depth))
        if _is_container(call):
            children = _visible(call.children)
            for child in children:
                add(child, depth + 1)
            held = {id(p) for c in children if c.call == 0 for p in c.module.parameters()}
            for weight in _weights(call.module, recurse=True, skip=held):
                facts.append(_own_weight_fact(call, weight, depth + 1))

    for call in rows:
        add(call, 0)
    if top is not None and rows and rows[0] is not top:  # the model's own parameters, as rows at the top
        held = {id(p) for c in rows if c.call == 0 for p in c.module.parameters()}
        facts += [_own_weight_fact(top, w, 0) for w in _weights(model, recurse=True, skip=held)]
    outputs = _batch_free(top.outputs, twins.get(id(top), top).outputs) if top is not None else []
    return facts, device, outputs


def totals(model) -> dict:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    return {"params": trainable + frozen, "trainable": trainable, "non_trainable": frozen}


def parameter_bytes_by_dtype(model) -> dict[str, int]:
    """Parameter memory per dtype, each parameter once (buffers are not parameters)."""
    sizes: dict[str, int] = {}
    for p in model.parameters():
        dtype = dtype_name(p.dtype)
        sizes[dtype] = sizes.get(dtype, 0) + math.prod(p.shape) * p.element_size()
    return sizes


def summarize_module(model, *, spec: str = "", input_shapes=None) -> dict:
    """The record of a ``torch.nn.Module`` run on zeros of ``input_shapes``."""
    import torch

    from .summary import build_record

    name = type(model).__name__
    if not input_shapes or any(None in s for s in input_shapes):
        raise ModelSpecError(Problem.INPUT_SHAPE, f"{spec or name} is a PyTorch module: give its input shape "
                             "without the batch axis and with every size, channels first, like '1, 28, 28'")
    try:
        facts, device, outputs = describe(model, input_shapes)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        from .spec import _where, input_shape_text

        raise ModelSpecError(Problem.INPUT_SHAPE, f"cannot run {name} on input shape "
                             f"{input_shape_text(input_shapes)}: {_where(error)}") from None
    info = {
        "name": name, "class": name, "spec": spec, "input_shapes": [list(s) for s in input_shapes],
        "inputs": [[None, *s] for s in input_shapes], "outputs": outputs,
        "input_dtypes": [dtype_name(_input_dtype(model))] * len(input_shapes),
        "keras_version": "", "backend": "torch", "framework": "pytorch", "torch_version": torch.__version__,
        "device": device,
    }
    return build_record(facts, model=info, keras_totals=totals(model), memory=parameter_bytes_by_dtype(model))
