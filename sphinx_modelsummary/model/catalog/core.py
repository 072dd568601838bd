"""Dense, Embedding, Flatten and the layers that hold no weights."""

from __future__ import annotations

from ..expr import Add, Expr, Mul, Num, Sym, Times, product
from .registry import Derivation, Part, ShapeRule, macs, no_macs, no_params, params, shape, sized


def features_sym(input_shape) -> Sym:
    return Sym("i", input_shape[-1], "input features (last axis of the input)")


def units_sym(config: dict) -> Sym:
    return Sym("u", config["units"], "units (output features)")


def lora_parts(
    config: dict, fan_in: Expr, fan_out: Expr, kernel: Expr, bias: Expr | None, what: str = "kernel"
) -> list[Part]:
    """With ``lora_rank`` r the kernel is frozen and two factors of rank r are trained."""
    r = Sym("r", config["lora_rank"], "LoRA rank")
    parts = [Part("LoRA factors A and B", Mul(r, Add(fan_in, fan_out)))]
    if bias is not None:
        parts.append(Part("bias", bias))
    return parts + [Part(f"frozen {what}", kernel, trainable=False)]


@params("Dense")
def dense_params(config, input_shapes):
    i, u = features_sym(input_shapes[0]), units_sym(config)
    bias = config.get("use_bias", True)
    if config.get("lora_rank"):
        return lora_parts(config, i, u, Mul(i, u), u if bias else None)
    if bias:
        return [Part("kernel and bias", Mul(u, Add(i, Num(1))))]
    return [Part("kernel", Mul(u, i))]


def leading_positions(input_shape) -> Expr:
    """Dense acts on the last axis once per position of the axes before it."""
    middle = input_shape[1:-1]
    if not middle:
        return Num(1)  # dropped by product(): a plain (batch, features) input
    return sized("P", middle, "positions (product of the axes between batch and features)")


@shape("Dense")
def dense_shape(config, input_shapes):
    return ShapeRule((*input_shapes[0][:-1], config["units"]))


@macs("Dense")
def dense_macs(config, input_shapes, output):
    shape_in = input_shapes[0]
    if shape_in[-1] is None:
        return None
    return product(leading_positions(shape_in), features_sym(shape_in), units_sym(config))


@params("Embedding", "ReversibleEmbedding")
def embedding_params(config, input_shapes):
    v = Sym("V", config["input_dim"], "vocabulary size")
    d = Sym("D", config["output_dim"], "embedding size")
    if config.get("lora_rank"):
        parts = lora_parts(config, v, d, Mul(v, d), None, "embedding matrix")
    else:
        parts = [Part("embedding matrix", Mul(v, d))]
    if config.get("tie_weights", True) is False:
        # ReversibleEmbedding: a separate (D, V) matrix for the output projection.
        parts.append(Part("reverse embedding matrix", Mul(d, v)))
    return parts


@shape("Embedding", "ReversibleEmbedding")
def embedding_shape(config, input_shapes):
    return ShapeRule((*input_shapes[0], config["output_dim"]))


@params("PReLU")
def prelu_params(config, input_shapes):
    """One slope per input value; an axis in ``shared_axes`` shares its slopes."""
    shared = set(config.get("shared_axes") or [])
    sizes = [
        Sym(f"n_{axis}", n, f"input size on axis {axis}")
        for axis, n in enumerate(input_shapes[0][1:], 1)
        if axis not in shared
    ]
    return [Part("alpha", product(*sizes))]


@shape("Flatten")
def flatten_shape(config, input_shapes):
    shape_in = input_shapes[0]
    if any(n is None for n in shape_in[1:]):
        return ShapeRule((shape_in[0], None))
    flat = Times(*(Num(n) for n in shape_in[1:]))
    return ShapeRule((shape_in[0], flat.integer()), [Derivation("features", flat)])


no_params(
    "it only holds the tensor fed to the model",
    "InputLayer",
)
no_params(
    "pooling layers don't learn anything; each output is the maximum or the average of a window",
    *(f"{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)),
    *(f"Global{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)),
    "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D",
    "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
)
no_params(
    "it only rearranges the values it is given (a new shape, the same numbers)",
    "Flatten", "Reshape", "Permute", "RepeatVector", "Cropping1D", "Cropping2D", "Cropping3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "UpSampling1D", "UpSampling2D",
    "UpSampling3D", "Identity", "Masking",
)
no_params(
    "it combines its inputs element by element or along an axis, with nothing to learn",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
)
no_params(
    "it applies a fixed function to each value",
    "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "UnitNormalization", "Rescaling",
)
no_params(
    "it only changes values at random during training (no weights; its seed is not a parameter)",
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
    "GaussianNoise", "AlphaDropout", "ActivityRegularization",
)


# Multiply-accumulates: the convention (docs/formulas.rst) counts only products summed into a
# dot product. These layers do none at inference, and their rows say which rule applies.
POOLING = (
    *(f"{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)),
    *(f"Global{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)),
    *(f"Adaptive{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)),
)
no_macs("it only holds the input", "InputLayer")
no_macs("pooling compares or averages values: no products are summed", *POOLING)
no_macs("an embedding looks rows up in its table: no arithmetic", "Embedding", "ReversibleEmbedding")
no_macs(
    "it only moves, copies or pads values",
    "Flatten", "Reshape", "Permute", "RepeatVector", "Cropping1D", "Cropping2D", "Cropping3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Identity", "Masking",
)
no_macs(
    "it combines its inputs element by element or joins them: no products are summed",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
    "CustomScaleLayer",  # InceptionResNetV2's private layer: x + scale * y, value by value
)
no_macs(
    "it applies a function to each value on its own, which is not counted",
    "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU", "Rescaling", "LayerScale",
)
no_macs(
    "normalisation scales and shifts each value, which is not counted",
    "BatchNormalization", "LayerNormalization", "RMSNormalization", "GroupNormalization",
    "Normalization", "UnitNormalization",
)
no_macs(
    "it acts only in training; at inference it passes values through",
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
    "GaussianNoise", "AlphaDropout", "ActivityRegularization",
)
