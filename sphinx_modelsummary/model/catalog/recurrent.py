"""Recurrent layers and the wrappers around them: ``4 * u * (i + u + 1)`` for an LSTM."""

from __future__ import annotations

from dataclasses import replace

from ..expr import Add, Mul, Num, Sym, product, total
from .registry import (
    Derivation,
    Part,
    ShapeRule,
    inner_layer,
    mac_count,
    macs,
    output_shape,
    parameter_parts,
    params,
    shape,
    sized,
)
from .convolution import channels_sym, convolution_shape, filters_sym, kernel_syms, positions
from .convolution import rank_of, spatial
from .core import features_sym, units_sym

# Weight blocks side by side in a cell's kernels: one per gate or candidate.
GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}
RNN_LAYERS = tuple(GATES)
CELLS = tuple(f"{name}Cell" for name in GATES)
CONV_LSTM = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")


def timesteps(input_shape) -> Sym:
    return sized("T", [input_shape[1]], "timesteps (length of the input sequence)")


def cells(name: str, config: dict) -> list[tuple[str, dict]] | None:
    """The cells a layer runs, bottom first, or ``None`` if one is not catalogued."""
    if name == "RNN":
        name, config = inner_layer(config, "cell")
    if name == "StackedRNNCells":
        found = [(c["class_name"], c["config"]) for c in config["cells"]]
    else:
        found = [(name, config)]
    if all(cell.removesuffix("Cell") in GATES for cell, _ in found):
        return found
    return None


def biases(cell: str, config: dict) -> int:
    """Bias vectors per gate: a GRU with ``reset_after`` keeps one for the input, one for the state."""
    if not config.get("use_bias", True):
        return 0
    return 2 if cell.startswith("GRU") and config.get("reset_after", True) else 1


def chain(name: str, config: dict, input_shape):
    """``(g, u, i, b)`` per cell, bottom first: gates, units, input features, biases per gate.

    A stacked cell reads the units of the cell below it.
    """
    found = cells(name, config)
    if found is None:
        return None
    i, links = features_sym(input_shape), []
    for cell, cell_config in found:
        gates = Num(GATES[cell.removesuffix("Cell")])
        links.append((gates, units_sym(cell_config), i, biases(cell, cell_config)))
        i = Sym("i", cell_config["units"], "input features (units of the cell below)")
    return links


def recurrent_params(name: str, config: dict, input_shapes):
    """``g * u * (i + u + b)``: each gate has an input kernel, a recurrent kernel and b biases."""
    links = chain(name, config, input_shapes[0])
    if links is None:
        return None
    parts = []
    for n, (g, u, i, b) in enumerate(links, 1):
        label = "kernels and biases" if b else "kernels"
        if len(links) > 1:
            label = f"cell {n} {label}"
        parts.append(Part(label, product(g, u, total(i, u, Num(b)))))
    return parts


def recurrent_shape(name: str, config: dict, input_shapes):
    links = chain(name, config, input_shapes[0])
    if links is None:
        return None
    batch, steps = input_shapes[0][:2]
    units = links[-1][1].number
    if config.get("return_sequences"):
        return ShapeRule((batch, steps, units))
    return ShapeRule((batch, units))


def step_macs(name: str, config: dict, input_shape):
    """One step: each gate multiplies the input and the previous state by its kernels."""
    links = chain(name, config, input_shape)
    if links is None or input_shape[-1] is None:
        return None
    return total(*(product(g, u, Add(i, u)) for g, u, i, _ in links))


def recurrent_macs(name: str, config: dict, input_shapes, output):
    """Every time step runs the cell once: ``T`` times the step's count."""
    step = step_macs(name, config, input_shapes[0])
    return None if step is None else Mul(timesteps(input_shapes[0]), step)


for _name in (*RNN_LAYERS, "RNN"):
    params(_name)(lambda config, shapes, name=_name: recurrent_params(name, config, shapes))
    shape(_name)(lambda config, shapes, name=_name: recurrent_shape(name, config, shapes))
    macs(_name)(lambda config, shapes, out, name=_name: recurrent_macs(name, config, shapes, out))
for _name in (*CELLS, "StackedRNNCells"):
    params(_name)(lambda config, shapes, name=_name: recurrent_params(name, config, shapes))
    macs(_name)(lambda config, shapes, out, name=_name: step_macs(name, config, shapes[0]))


def step_shape(input_shape) -> tuple:
    """The shape one time step sees: the time axis taken out."""
    return (input_shape[0], *input_shape[2:])


@params(*CONV_LSTM)
def conv_lstm_params(config, input_shapes):
    """``4 * k * (h * w * (f + k) + 1)``: 4 gates convolve the input (f) and the state (k)."""
    step = step_shape(input_shapes[0])
    f, k = channels_sym(config, step), filters_sym(config)
    per_filter = product(*kernel_syms(config, rank_of(step)), Add(f, k))
    if config.get("use_bias", True):
        return [Part("kernels and biases", Mul(Num(4), k, Add(per_filter, Num(1))))]
    return [Part("kernels", Mul(Num(4), k, per_filter))]


@shape(*CONV_LSTM)
def conv_lstm_shape(config, input_shapes):
    shape_in = input_shapes[0]
    step = convolution_shape(config, [step_shape(shape_in)])
    if config.get("return_sequences"):
        return ShapeRule((shape_in[0], shape_in[1], *step.shape[1:]), step.derivations)
    return step


@macs(*CONV_LSTM)
def conv_lstm_macs(config, input_shapes, output):
    """Every step, at every output position, the four gates convolve the input and the state."""
    step_out = conv_lstm_shape({**config, "return_sequences": False}, input_shapes).shape
    (part,) = conv_lstm_params({**config, "use_bias": False}, input_shapes)
    return Mul(timesteps(input_shapes[0]), positions(spatial(config, step_out)), part.expr)


def directions(config: dict) -> list[tuple[str, str, dict]]:
    """``(label, class name, config)`` for both directions; Keras always saves the backward copy."""
    forward = inner_layer(config)
    backward = inner_layer(config, "backward_layer") if config.get("backward_layer") else forward
    return [("forward", *forward), ("backward", *backward)]


@params("Bidirectional")
def bidirectional_params(config, input_shapes):
    parts = []
    for label, name, inner in directions(config):
        found = parameter_parts(name, inner, input_shapes)
        if found is None:
            return None
        parts += [replace(part, label=f"{label} {part.label}") for part in found]
    return parts


@shape("Bidirectional")
def bidirectional_shape(config, input_shapes):
    rules = [output_shape(name, inner, input_shapes) for _, name, inner in directions(config)]
    if None in rules:
        return None
    forward, backward = rules
    if config.get("merge_mode", "concat") != "concat":
        return forward  # sum, mul, ave keep the size; None returns both, forward first
    fw = Sym("fw", forward.shape[-1], "features of the forward output")
    bw = Sym("bw", backward.shape[-1], "features of the backward output")
    joined = Add(fw, bw)
    return ShapeRule(
        (*forward.shape[:-1], joined.integer()),
        [*forward.derivations, Derivation("features", joined)],
    )


@macs("Bidirectional")
def bidirectional_macs(config, input_shapes, output):
    """The forward and the backward layer each read the whole sequence."""
    counts = []
    for _, name, inner in directions(config):
        rule = output_shape(name, inner, input_shapes)
        counts.append(rule and mac_count(name, inner, input_shapes, rule.shape))
    return None if None in counts else Add(*counts)


@params("TimeDistributed")
def time_distributed_params(config, input_shapes):
    name, inner = inner_layer(config)
    return parameter_parts(name, inner, [step_shape(s) for s in input_shapes])


@shape("TimeDistributed")
def time_distributed_shape(config, input_shapes):
    name, inner = inner_layer(config)
    rule = output_shape(name, inner, [step_shape(s) for s in input_shapes])
    if rule is None:
        return None
    steps = input_shapes[0][1]
    return ShapeRule((rule.shape[0], steps, *rule.shape[1:]), rule.derivations)


@macs("TimeDistributed")
def time_distributed_macs(config, input_shapes, output):
    """The inner layer's count, once per time step."""
    name, inner = inner_layer(config)
    count = mac_count(name, inner, [step_shape(s) for s in input_shapes], step_shape(output))
    if count is None or (isinstance(count, Num) and count.number == 0):
        return count
    return Mul(timesteps(input_shapes[0]), count)
