"""PyTorch's modules in PyTorch's own terms: ``Linear``, convolutions, pooling, normalisation,
``Embedding``, ``Flatten``, dropout and activations.

Registered as ``torch.<class>`` (``torch.Conv2d``), so a Keras layer of the same name is never
confused with one. Configs are the module's own attributes (``in_channels``, ``kernel_size``,
``bias``: whether it has one); shapes are channels first, ``(N, C, H, W)``, as PyTorch's.
Symbols follow PyTorch's documentation (``C_in``, ``H_out``, ``kernel_size``).
"""

from __future__ import annotations

import math

from ..expr import Add, Ceil, Div, Floor, Mul, Num, Sub, Sym, Times, product
from .registry import Derivation, Part, ShapeRule, macs, no_macs, no_params, params, shape, sized

T = "torch."
AXES = {1: [("length", "L")], 2: [("height", "H"), ("width", "W")],
        3: [("depth", "D"), ("height", "H"), ("width", "W")]}
CONV = {f"{T}Conv{r}d": r for r in (1, 2, 3)}
TRANSPOSE = {f"{T}ConvTranspose{r}d": r for r in (1, 2, 3)}
MAX_POOL = {f"{T}MaxPool{r}d": r for r in (1, 2, 3)}
AVG_POOL = {f"{T}AvgPool{r}d": r for r in (1, 2, 3)}
ADAPTIVE_POOL = {f"{T}Adaptive{kind}Pool{r}d": r for kind in ("Max", "Avg") for r in (1, 2, 3)}
BATCH_NORM = tuple(f"{T}BatchNorm{r}d" for r in (1, 2, 3))
ACTIVATIONS = tuple(T + n for n in (
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardtanh",
    "Hardswish", "Hardsigmoid", "Softplus", "Softsign", "Softmax", "LogSoftmax", "Tanhshrink", "Threshold",
))
DROPOUT = tuple(T + n for n in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"))


def tuple_of(value, rank: int) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank


def has_bias(config: dict) -> bool:
    return bool(config.get("bias", True))


# Linear ----------------------------------------------------------------------------------------


def linear_syms(config: dict) -> tuple[Sym, Sym]:
    return (Sym("H_in", config["in_features"], "in_features (size of the input's last axis)"),
            Sym("H_out", config["out_features"], "out_features"))


@params(T + "Linear")
def linear_params(config, input_shapes):
    h_in, h_out = linear_syms(config)
    if has_bias(config):
        return [Part("weight and bias", Mul(h_out, Add(h_in, Num(1))))]
    return [Part("weight", Mul(h_out, h_in))]


@shape(T + "Linear")
def linear_shape(config, input_shapes):
    return ShapeRule((*input_shapes[0][:-1], config["out_features"]))


@macs(T + "Linear")
def linear_macs(config, input_shapes, output):
    """Every position before the last axis multiplies the input by the weight."""
    h_in, h_out = linear_syms(config)
    middle = input_shapes[0][1:-1]
    rows = sized("P", middle, "positions (product of the axes between batch and features)") if middle else Num(1)
    return product(rows, h_in, h_out)


@params(T + "Bilinear")
def bilinear_params(config, input_shapes):
    a = Sym("H_in1", config["in1_features"], "in1_features")
    b = Sym("H_in2", config["in2_features"], "in2_features")
    o = Sym("H_out", config["out_features"], "out_features")
    parts = [Part("weight", Mul(o, a, b))]
    return parts + ([Part("bias", o)] if has_bias(config) else [])


@macs(T + "Bilinear")
def bilinear_macs(config, input_shapes, output):
    """Each output feature is x1^T A x2: H_in1 * H_in2 products, at every position."""
    middle = input_shapes[0][1:-1]
    rows = sized("P", middle, "positions (product of the axes between batch and features)") if middle else Num(1)
    return product(rows, Sym("H_in1", config["in1_features"], "in1_features"),
                   Sym("H_in2", config["in2_features"], "in2_features"), Sym("H_out", config["out_features"], "out_features"))


# Convolutions -------------------------------------------------------------------------------------


def channel_syms(config: dict) -> tuple[Sym, Sym]:
    return (Sym("C_in", config["in_channels"], "in_channels (channels of the input)"),
            Sym("C_out", config["out_channels"], "out_channels (filters of this layer)"))


def kernel_syms(config: dict, rank: int) -> list[Sym]:
    names = [axis for _, axis in AXES[rank]]
    return [Sym(f"k_{n.lower()}" if rank > 1 else "k", k, f"kernel_size along {axis}")
            for n, k, (axis, _) in zip(names, tuple_of(config["kernel_size"], rank), AXES[rank])]


def per_group(channels: Sym, groups: int):
    return channels if groups == 1 else Div(channels, Sym("g", groups, "groups"))


def conv_weight(config: dict, rank: int):
    """``C_out * C_in / g * k_h * k_w``: the weight's size (out_channels, in_channels / groups, *kernel)."""
    c_in, c_out = channel_syms(config)
    return c_out, product(per_group(c_in, config.get("groups", 1)), *kernel_syms(config, rank))


@params(*CONV)
def conv_params(config, input_shapes):
    c_out, fan_in = conv_weight(config, len(input_shapes[0]) - 2)
    if has_bias(config):
        return [Part("weight and bias", Mul(c_out, Add(fan_in, Num(1))))]
    return [Part("weight", Mul(c_out, fan_in))]


def window_length(n: int, axis: str, k: int, stride: int, padding: int, dilation: int, ceil: bool = False):
    """``floor((H_in + 2 * p - d * (k - 1) - 1) / s) + 1``, written as PyTorch documents it."""
    size = Sym(f"{axis}_in", n, f"input size along {axis}")
    grown = Add(size, Mul(Num(2), Sym("p", padding, "padding"))) if padding else size
    k_sym = Sym("k", k, "kernel_size")
    span = k_sym if dilation == 1 else Add(Mul(Sym("d", dilation, "dilation"), Sub(k_sym, Num(1))), Num(1))
    steps = Div(Sub(grown, span), Sym("s", stride, "stride"))
    return Add((Ceil if ceil else Floor)(steps), Num(1))


def spatial_rule(input_shape, channels_out, lengths, rank: int) -> ShapeRule:
    sizes, derivations = [], []
    for length, (axis, _) in zip(lengths, AXES[rank]):
        if length is None:
            sizes.append(None)
        else:
            sizes.append(length.integer())
            derivations.append(Derivation(axis, length))
    return ShapeRule((input_shape[0], channels_out, *sizes), derivations)


def padding_of(config: dict, rank: int, kernel, dilation) -> tuple:
    """Numbers for ``padding='valid'`` and ``'same'`` (stride 1: the total ``d * (k - 1)``, halved)."""
    padding = config.get("padding", 0)
    if padding == "valid":
        return (0,) * rank
    if padding == "same":
        return tuple(d * (k - 1) // 2 for k, d in zip(kernel, dilation))
    return tuple_of(padding, rank)


@shape(*CONV)
def conv_shape(config, input_shapes):
    shape_in = input_shapes[0]
    rank = len(shape_in) - 2
    kernel, stride = tuple_of(config["kernel_size"], rank), tuple_of(config.get("stride", 1), rank)
    dilation = tuple_of(config.get("dilation", 1), rank)
    if config.get("padding") == "same":  # the output keeps the input's size: nothing to derive
        return ShapeRule((shape_in[0], config["out_channels"], *shape_in[2:]))
    padding = padding_of(config, rank, kernel, dilation)
    lengths = [None if n is None else window_length(n, axis, k, s, p, d)
               for n, (_, axis), k, s, p, d in zip(shape_in[2:], AXES[rank], kernel, stride, padding, dilation)]
    return spatial_rule(shape_in, config["out_channels"], lengths, rank)


def positions(sizes, name: str = "P", meaning: str = "output positions (product of the output's spatial sizes)"):
    return sized(name, sizes, meaning)


@macs(*CONV)
def conv_macs(config, input_shapes, output):
    """Each output position: every filter multiplies its kernel with the window it sees."""
    c_out, fan_in = conv_weight(config, len(input_shapes[0]) - 2)
    return Mul(positions(output[2:]), c_out, fan_in)


@params(*TRANSPOSE)
def transpose_params(config, input_shapes):
    """The weight is (in_channels, out_channels / groups, *kernel)."""
    c_in, c_out = channel_syms(config)
    weight = product(c_in, per_group(c_out, config.get("groups", 1)), *kernel_syms(config, len(input_shapes[0]) - 2))
    if has_bias(config):
        return [Part("weight and bias", Add(weight, c_out))]
    return [Part("weight", weight)]


def transpose_length(n, axis, k, stride, padding, dilation, extra):
    """``(H_in - 1) * s - 2 * p + d * (k - 1) + output_padding + 1``."""
    size = Sym(f"{axis}_in", n, f"input size along {axis}")
    terms = [Mul(Sub(size, Num(1)), Sym("s", stride, "stride"))]
    k_sym = Sym("k", k, "kernel_size")
    span = Add(Mul(Sym("d", dilation, "dilation"), Sub(k_sym, Num(1))), Num(1)) if dilation != 1 else k_sym
    grown = Add(*terms, span)
    if padding:
        grown = Sub(grown, Mul(Num(2), Sym("p", padding, "padding")))
    return Add(grown, Sym("o", extra, "output_padding")) if extra else grown


@shape(*TRANSPOSE)
def transpose_shape(config, input_shapes):
    shape_in = input_shapes[0]
    rank = len(shape_in) - 2
    values = [tuple_of(config.get(key, default), rank) for key, default in
              (("kernel_size", 1), ("stride", 1), ("padding", 0), ("dilation", 1), ("output_padding", 0))]
    lengths = [None if n is None else transpose_length(n, axis, *args)
               for n, (_, axis), *args in zip(shape_in[2:], AXES[rank], *values)]
    return spatial_rule(shape_in, config["out_channels"], lengths, rank)


@macs(*TRANSPOSE)
def transpose_macs(config, input_shapes, output):
    """Each input position is multiplied by every kernel and added into the output."""
    (part,) = transpose_params({**config, "bias": False}, input_shapes)
    return Mul(positions(input_shapes[0][2:], "Q", "input positions (product of the input's spatial sizes)"), part.expr)


# Pooling ------------------------------------------------------------------------------------------


@shape(*MAX_POOL, *AVG_POOL)
def pool_shape(config, input_shapes):
    shape_in = input_shapes[0]
    rank = len(shape_in) - 2
    kernel = tuple_of(config["kernel_size"], rank)
    stride = tuple_of(config.get("stride") or config["kernel_size"], rank)
    padding, dilation = tuple_of(config.get("padding", 0), rank), tuple_of(config.get("dilation", 1), rank)
    ceil = bool(config.get("ceil_mode"))
    lengths = [None if n is None else window_length(n, axis, k, s, p, d, ceil)
               for n, (_, axis), k, s, p, d in zip(shape_in[2:], AXES[rank], kernel, stride, padding, dilation)]
    return spatial_rule(shape_in, shape_in[1], lengths, rank)


@shape(*ADAPTIVE_POOL)
def adaptive_pool_shape(config, input_shapes):
    shape_in = input_shapes[0]
    rank = len(shape_in) - 2
    wanted = tuple_of(config["output_size"], rank)
    return ShapeRule((*shape_in[:2], *(n if w is None else w for n, w in zip(shape_in[2:], wanted))))


no_params("pooling layers don't learn anything; each output is the maximum or the average of a window",
          *MAX_POOL, *AVG_POOL, *ADAPTIVE_POOL)
no_macs("pooling compares or averages values: no products are summed", *MAX_POOL, *AVG_POOL, *ADAPTIVE_POOL)


# Normalisation -----------------------------------------------------------------------------------

BUFFERS = "; running_mean and running_var (C each) are buffers, updated in training but not parameters"


@params(*BATCH_NORM)
def batch_norm_params(config, input_shapes):
    c = Sym("C", config["num_features"], "num_features (channels)" + (BUFFERS if config.get("track_running_stats") else ""))
    return [Part("weight (gamma) and bias (beta)", Mul(Num(2), c))] if config.get("affine", True) else []


@params(T + "GroupNorm")
def group_norm_params(config, input_shapes):
    c = Sym("C", config["num_channels"], "num_channels (channels); no running statistics")
    return [Part("weight (gamma) and bias (beta)", Mul(Num(2), c))] if config.get("affine", True) else []


@params(T + "LayerNorm", T + "RMSNorm")
def layer_norm_params(config, input_shapes):
    shape_ = config["normalized_shape"] or []
    size = (Sym("d_norm", shape_[0], "normalized_shape (the size normalised over)") if len(shape_) == 1
            else Times(*(Num(n) for n in shape_)))
    if not config.get("elementwise_affine", True):
        return []
    if has_bias(config) and "bias" in config:
        return [Part("weight (gamma) and bias (beta)", Mul(Num(2), size))]
    return [Part("weight (gamma)", size)]


for _norms in ((*BATCH_NORM, T + "GroupNorm", T + "LayerNorm", T + "RMSNorm", T + "InstanceNorm1d",
                T + "InstanceNorm2d", T + "InstanceNorm3d", T + "LocalResponseNorm"),):
    shape(*_norms)(lambda config, input_shapes: ShapeRule(tuple(input_shapes[0])))
no_macs("normalisation scales and shifts each value, which is not counted",
        *BATCH_NORM, T + "GroupNorm", T + "LayerNorm", T + "RMSNorm", T + "InstanceNorm1d", T + "InstanceNorm2d",
        T + "InstanceNorm3d", T + "LocalResponseNorm")


# Embedding, reshaping, dropout, activations ------------------------------------------------------


@params(T + "Embedding")
def embedding_params(config, input_shapes):
    v = Sym("V", config["num_embeddings"], "num_embeddings (vocabulary size)")
    d = Sym("d_emb", config["embedding_dim"], "embedding_dim (size of each embedding vector)")
    return [Part("weight (the embedding table)", Mul(v, d))]


@shape(T + "Embedding")
def embedding_shape(config, input_shapes):
    return ShapeRule((*input_shapes[0], config["embedding_dim"]))


no_macs("an embedding looks rows up in its table: no arithmetic", T + "Embedding")


@shape(T + "Flatten")
def flatten_shape(config, input_shapes):
    shape_in = list(input_shapes[0])
    start, end = config.get("start_dim", 1) % len(shape_in), config.get("end_dim", -1) % len(shape_in)
    merged = shape_in[start:end + 1]
    if None in merged:
        return ShapeRule((*shape_in[:start], None, *shape_in[end + 1:]))
    expr = Times(*(Num(n) for n in merged)) if len(merged) > 1 else Num(merged[0])
    return ShapeRule((*shape_in[:start], math.prod(merged), *shape_in[end + 1:]), [Derivation("features", expr)])


@params(T + "PReLU")
def prelu_params(config, input_shapes):
    slopes = Sym("n_a", config["num_parameters"], "num_parameters (one slope per channel, or one shared)")
    return [Part("weight", slopes)]


for _same in (ACTIVATIONS, DROPOUT, (T + "Identity", T + "PReLU", T + "Sequential (empty)")):
    shape(*_same)(lambda config, input_shapes: ShapeRule(tuple(input_shapes[0])))

no_params("it only rearranges the values it is given (a new shape, the same numbers)",
          T + "Flatten", T + "Unflatten", T + "Identity", T + "ZeroPad2d", T + "Upsample", T + "PixelShuffle")
no_params("it applies a fixed function to each value", *ACTIVATIONS)
no_params("it only zeroes values at random during training (no weights)", *DROPOUT)
no_macs("it only moves, copies or pads values", T + "Flatten", T + "Unflatten", T + "Identity", T + "ZeroPad2d",
        T + "PixelShuffle")
no_macs("it copies or interpolates values, which is not counted", T + "Upsample")
no_macs("it applies a function to each value on its own, which is not counted", *ACTIVATIONS, T + "PReLU")
no_macs("it acts only in training; at inference it passes values through", *DROPOUT)
no_params("an empty Sequential holds no modules: it passes its input on", T + "Sequential (empty)")
no_macs("an empty Sequential passes its input on", T + "Sequential (empty)")
