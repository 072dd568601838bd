"""Convolutions and pooling: ``k * (f * h * w + 1)`` and ``floor((n - h) / s) + 1``."""

from __future__ import annotations

from ..expr import Add, Ceil, Div, Floor, Max, Mul, Num, Sub, Sym, product
from .registry import Derivation, Part, ShapeRule, macs, params, shape, sized
from .core import lora_parts

AXIS_NAMES = {1: ["length"], 2: ["height", "width"], 3: ["depth", "height", "width"]}
KERNEL_SYMBOLS = {1: ["w"], 2: ["h", "w"], 3: ["d", "h", "w"]}
KERNEL_MEANINGS = {"d": "kernel depth", "h": "kernel height", "w": "kernel width"}

CONV = ("Conv1D", "Conv2D", "Conv3D")
TRANSPOSE = ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
DEPTHWISE = ("DepthwiseConv1D", "DepthwiseConv2D")
SEPARABLE = ("SeparableConv1D", "SeparableConv2D")
POOLING = tuple(
    f"{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)
)
GLOBAL_POOLING = tuple(
    f"Global{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)
)


def channels_first(config: dict) -> bool:
    return config.get("data_format") == "channels_first"


def channels(config: dict, input_shape) -> int:
    return input_shape[1] if channels_first(config) else input_shape[-1]


def spatial(config: dict, input_shape) -> list:
    return list(input_shape[2:] if channels_first(config) else input_shape[1:-1])


def with_channels(config: dict, input_shape, sizes: list, channel_count) -> tuple:
    if channels_first(config):
        return (input_shape[0], channel_count, *sizes)
    return (input_shape[0], *sizes, channel_count)


def as_tuple(value, rank: int) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank


def kernel_syms(config: dict, rank: int, key: str = "kernel_size") -> list[Sym]:
    sizes = as_tuple(config[key], rank)
    return [Sym(s, n, KERNEL_MEANINGS[s]) for s, n in zip(KERNEL_SYMBOLS[rank], sizes)]


def filters_sym(config: dict) -> Sym:
    return Sym("k", config["filters"], "output filters of this layer")


def channels_sym(config: dict, input_shape) -> Sym:
    return Sym("f", channels(config, input_shape), "channels coming from the previous layer")


def rank_of(input_shape) -> int:
    return len(input_shape) - 2


def kernel_and_bias(config: dict, outputs: Sym, per_output) -> Part:
    """``k * (f * h * w + 1)``, or ``k * f * h * w`` without bias."""
    if config.get("use_bias", True):
        return Part("kernel and bias", Mul(outputs, Add(per_output, Num(1))))
    return Part("kernel", Mul(outputs, per_output))


@params(*CONV, *TRANSPOSE)
def convolution_params(config, input_shapes):
    shape_in = input_shapes[0]
    f = channels_sym(config, shape_in)
    groups = config.get("groups", 1)
    per_filter = f if groups == 1 else Div(f, Sym("g", groups, "groups"))
    kernel = kernel_syms(config, rank_of(shape_in))
    k, fan_in = filters_sym(config), product(per_filter, *kernel)
    if config.get("lora_rank"):
        bias = k if config.get("use_bias", True) else None
        return lora_parts(config, fan_in, k, Mul(k, fan_in), bias)
    return [kernel_and_bias(config, k, fan_in)]


def multiplier_sym(config: dict) -> Sym:
    return Sym("m", config["depth_multiplier"], "depth multiplier")


@params(*DEPTHWISE)
def depthwise_params(config, input_shapes):
    shape_in = input_shapes[0]
    f = channels_sym(config, shape_in)
    kernel = kernel_syms(config, rank_of(shape_in))
    m = multiplier_sym(config)
    outputs = product(f, m)
    if config.get("use_bias", True):
        return [Part("depthwise kernel and bias", Mul(f, m, Add(product(*kernel), Num(1))))]
    return [Part("depthwise kernel", Mul(outputs, *kernel))]


@params(*SEPARABLE)
def separable_params(config, input_shapes):
    shape_in = input_shapes[0]
    f = channels_sym(config, shape_in)
    m = multiplier_sym(config)
    kernel = kernel_syms(config, rank_of(shape_in))
    depthwise = Part("depthwise kernel", product(f, m, *kernel))
    return [depthwise, kernel_and_bias(config, filters_sym(config), product(f, m))]


def input_sym(n: int) -> Sym:
    return Sym("n", n, "input size along the axis")


def stride_sym(s: int) -> Sym:
    return Sym("s", s, "stride")


def conv_length(n, kernel: Sym, stride: int, dilation: int, padding: str):
    """Output length of a convolution along one axis, as an expression."""
    s = stride_sym(stride)
    if padding in ("same", "causal"):
        return Ceil(Div(input_sym(n), s))
    span = kernel if dilation == 1 else Add(Mul(Sym("r", dilation, "dilation rate"), Sub(kernel, Num(1))), Num(1))
    return Add(Floor(Div(Sub(input_sym(n), span), s)), Num(1))


def transpose_length(n, kernel: Sym, stride: int, dilation: int, padding: str, extra):
    s = stride_sym(stride)
    if dilation == 1:
        span = kernel
    else:
        span = Add(Mul(Sym("r", dilation, "dilation rate"), Sub(kernel, Num(1))), Num(1))
    if extra is None:
        if padding == "same":
            return Mul(input_sym(n), s)
        return Add(Mul(Sub(input_sym(n), Num(1)), s), Max(span, s))
    o = Sym("o", extra, "output padding")
    grown = Add(Mul(Sub(input_sym(n), Num(1)), s), span)
    if padding == "same":
        return Add(Sub(grown, Mul(Num(2), Floor(Div(span, Num(2))))), o)
    return Add(grown, o)


def derive(axes: list[str], lengths) -> tuple[list, list[Derivation]]:
    sizes, derivations = [], []
    for axis, length in zip(axes, lengths):
        if length is None:
            sizes.append(None)
            continue
        sizes.append(length.integer())
        derivations.append(Derivation(axis, length))
    return sizes, derivations


def spatial_lengths(config: dict, input_shape, length_fn, extras=None):
    """One length expression per spatial axis (``None`` where the input size is unknown).

    ``length_fn(n, kernel, stride, dilation, extra)`` gets the axis's entry of ``extras``.
    """
    rank = rank_of(input_shape)
    kernel = kernel_syms(config, rank)
    strides = as_tuple(config.get("strides", 1), rank)
    dilations = as_tuple(config.get("dilation_rate", 1), rank)
    extras = extras or (None,) * rank
    return [
        None if n is None else length_fn(n, k, s, d, e)
        for n, k, s, d, e in zip(spatial(config, input_shape), kernel, strides, dilations, extras)
    ]


@shape(*CONV, *DEPTHWISE, *SEPARABLE)
def convolution_shape(config, input_shapes):
    shape_in = input_shapes[0]
    padding = config.get("padding", "valid")
    lengths = spatial_lengths(
        config, shape_in, lambda n, k, s, d, e: conv_length(n, k, s, d, padding)
    )
    sizes, derivations = derive(AXIS_NAMES[rank_of(shape_in)], lengths)
    if "depth_multiplier" in config and "filters" not in config:
        out_channels = channels(config, shape_in) * config["depth_multiplier"]
    else:
        out_channels = config["filters"]
    return ShapeRule(with_channels(config, shape_in, sizes, out_channels), derivations)


@shape(*TRANSPOSE)
def transpose_shape(config, input_shapes):
    shape_in = input_shapes[0]
    rank = rank_of(shape_in)
    padding = config.get("padding", "valid")
    extras = config.get("output_padding")
    lengths = spatial_lengths(
        config,
        shape_in,
        lambda n, k, s, d, e: transpose_length(n, k, s, d, padding, e),
        None if extras is None else as_tuple(extras, rank),
    )
    sizes, derivations = derive(AXIS_NAMES[rank], lengths)
    return ShapeRule(with_channels(config, shape_in, sizes, config["filters"]), derivations)


@shape(*POOLING)
def pooling_shape(config, input_shapes):
    shape_in = input_shapes[0]
    rank = rank_of(shape_in)
    pools = as_tuple(config["pool_size"], rank)
    strides = as_tuple(config.get("strides") or config["pool_size"], rank)
    padding = config.get("padding", "valid")
    lengths = []
    for n, p, s in zip(spatial(config, shape_in), pools, strides):
        if n is None:
            lengths.append(None)
        elif padding == "same":
            lengths.append(Ceil(Div(input_sym(n), stride_sym(s))))
        else:
            pool = Sym("p", p, "pool size")
            lengths.append(Add(Floor(Div(Sub(input_sym(n), pool), stride_sym(s))), Num(1)))
    sizes, derivations = derive(AXIS_NAMES[rank], lengths)
    return ShapeRule(with_channels(config, shape_in, sizes, channels(config, shape_in)), derivations)


@shape(*GLOBAL_POOLING)
def global_pooling_shape(config, input_shapes):
    shape_in = input_shapes[0]
    c = channels(config, shape_in)
    if config.get("keepdims"):
        return ShapeRule(with_channels(config, shape_in, [1] * rank_of(shape_in), c))
    return ShapeRule((shape_in[0], c))


def positions(sizes) -> Sym:
    return sized("P", sizes, "output positions (product of the output spatial sizes)")


@macs(*CONV)
def convolution_macs(config, input_shapes, output):
    """Each output position: every filter multiplies its kernel with the window it sees."""
    (part,) = convolution_params({**config, "use_bias": False, "lora_rank": None}, input_shapes)
    return Mul(positions(spatial(config, output)), part.expr)


@macs(*TRANSPOSE)
def transpose_macs(config, input_shapes, output):
    """Each input position is multiplied by every kernel and added into the output."""
    places = sized("Q", spatial(config, input_shapes[0]), "input positions (product of the input spatial sizes)")
    (part,) = convolution_params({**config, "use_bias": False, "lora_rank": None}, input_shapes)
    return Mul(places, part.expr)


@macs(*DEPTHWISE)
def depthwise_macs(config, input_shapes, output):
    (part,) = depthwise_params({**config, "use_bias": False}, input_shapes)
    return Mul(positions(spatial(config, output)), part.expr)


@macs(*SEPARABLE)
def separable_macs(config, input_shapes, output):
    """The depthwise step and the 1 x 1 step, both at every output position."""
    places = positions(spatial(config, output))
    depthwise, pointwise = separable_params({**config, "use_bias": False}, input_shapes)
    return Mul(places, Add(depthwise.expr, pointwise.expr))
