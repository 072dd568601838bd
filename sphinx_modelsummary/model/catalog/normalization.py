"""Normalisation layers: a scale and a shift per feature, and for BatchNormalization running statistics."""

from __future__ import annotations

import math

from ..expr import Add, Mul, Num, Sym, product
from .registry import Part, inner_layer, macs, parameter_parts, params, shape
from .convolution import CONV, DEPTHWISE, TRANSPOSE, channels_sym, filters_sym, multiplier_sym
from .core import units_sym
from .reshaping import einsum_weights, identity_shape, wrapper_macs, wrapper_shape


def axes_of(config: dict, input_shape, default=-1) -> list[int]:
    axes = config.get("axis", default)
    if axes is None:
        return []
    axes = [axes] if isinstance(axes, int) else axes
    return sorted(a % len(input_shape) for a in axes)


def normalised_size(config: dict, input_shape) -> Sym:
    """``A``: how many values one statistic or one weight vector covers."""
    sizes = [input_shape[a] for a in axes_of(config, input_shape)]
    if len(sizes) == 1:
        return Sym("A", sizes[0], "size of the normalised axis")
    joined = " x ".join(map(str, sizes)) or "no axis"
    return Sym("A", math.prod(sizes), f"product of the sizes on the normalised axes ({joined})")


def channel_sym(config: dict, input_shape) -> Sym:
    return Sym("f", input_shape[config.get("axis", -1)], "channels (size of the normalised axis)")


def scale_and_shift(size: Sym, scale: bool, center: bool) -> list[Part]:
    """``2 * f`` for gamma and beta, or ``f`` when only one of them is learned."""
    names = [name for name, used in (("gamma", scale), ("beta", center)) if used]
    if not names:
        return []
    return [Part(" and ".join(names), product(Num(len(names)), size))]


@params("BatchNormalization")
def batch_normalization_params(config, input_shapes):
    f = channel_sym(config, input_shapes[0])
    parts = scale_and_shift(f, config.get("scale", True), config.get("center", True))
    parts.append(Part("moving mean and variance", Mul(Num(2), f), trainable=False))
    if config.get("renorm"):
        parts.append(Part("renorm moving stddev, mean and stddev", Mul(Num(3), f), trainable=False))
    return parts


@params("LayerNormalization")
def layer_normalization_params(config, input_shapes):
    rms = config.get("rms_scaling", False)
    scale = config.get("scale", True) or rms
    center = config.get("center", True) and not rms
    return scale_and_shift(normalised_size(config, input_shapes[0]), scale, center)


@params("RMSNormalization")
def rms_normalization_params(config, input_shapes):
    return [Part("scale", normalised_size(config, input_shapes[0]))]


@params("GroupNormalization")
def group_normalization_params(config, input_shapes):
    """One gamma and beta per channel, whatever the number of groups."""
    f = channel_sym(config, input_shapes[0])
    return scale_and_shift(f, config.get("scale", True), config.get("center", True))


@params("Normalization")
def normalization_params(config, input_shapes):
    """Statistics set by ``adapt()``; a mean and variance given in the config are constants."""
    if config.get("mean") is not None:
        return []
    a = normalised_size(config, input_shapes[0])
    return [Part("mean, variance and count", Add(Mul(Num(2), a), Num(1)), trainable=False)]


def kernel_columns(name: str, config: dict, input_shape) -> Sym | None:
    """The last axis of the wrapped layer's kernel, which sizes SpectralNormalization's ``u``."""
    if name == "Dense":
        return units_sym(config)
    if name in CONV:
        return filters_sym(config)
    if name in TRANSPOSE:  # kernel stored as (..., filters, channels)
        return channels_sym(config, input_shape)
    if name in DEPTHWISE:
        return multiplier_sym(config)
    if name in ("Embedding", "ReversibleEmbedding"):
        return Sym("D", config["output_dim"], "embedding size")
    if name == "EinsumDense":
        return einsum_weights(config, input_shape)[0][-1]
    return None


@params("SpectralNormalization")
def spectral_normalization_params(config, input_shapes):
    name, inner = inner_layer(config)
    parts = parameter_parts(name, inner, input_shapes)
    columns = kernel_columns(name, inner, input_shapes[0])
    if parts is None or columns is None:
        return None
    return parts + [Part("power-iteration vector u", columns, trainable=False)]


# The wrapped layer's shape and count, as any wrapper's: the power iteration runs only in training.
shape("SpectralNormalization")(wrapper_shape)
macs("SpectralNormalization")(wrapper_macs)


shape(
    "BatchNormalization", "LayerNormalization", "RMSNormalization", "GroupNormalization",
    "Normalization", "UnitNormalization",
)(identity_shape)
