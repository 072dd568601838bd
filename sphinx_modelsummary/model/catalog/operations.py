"""``keras.ops`` calls in a functional graph (``x + y``, ``ops.matmul``): their multiply-accumulates.

They are looked up as ``ops.<class>`` (``ops.Add``), apart from the layers of the same name.
"""

from __future__ import annotations

from .registry import macs, no_macs, sized
from ..expr import product


def op_names(*names: str) -> list[str]:
    return [f"ops.{name}" for name in names]


no_macs(
    "it computes each value on its own (element-wise), which is not counted",
    *op_names(
        "Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Negative", "Maximum", "Minimum",
        "Power", "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Abs", "Absolute", "Clip", "Where", "Sign",
        "Sin", "Cos", "Tanh", "Erf", "Sigmoid", "Relu", "Relu6", "Gelu", "Silu", "Elu", "Selu",
        "LeakyRelu", "Softplus", "HardSigmoid", "HardSilu", "Softmax", "LogSoftmax", "Equal",
        "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr",
        "LogicalNot", "Cast", "Round", "Floor", "Ceil", "Reciprocal", "Log1p", "Expm1", "Softsign",
        "Mod", "FloorDivide",
    ),
)
no_macs(
    "it sums, averages or picks values along an axis: no products are summed",
    *op_names("Sum", "Mean", "Max", "Min", "Argmax", "Argmin", "Cumsum", "Logsumexp", "Var", "Std"),
)
no_macs(
    "it only moves, copies or selects values",
    *op_names(
        "Reshape", "Transpose", "ExpandDims", "Squeeze", "Concatenate", "Stack", "GetItem", "Slice",
        "Tile", "Repeat", "BroadcastTo", "Flip", "Pad", "Moveaxis", "Swapaxes", "Split", "Take",
        "TakeAlongAxis", "Ravel", "ConvertToTensor", "StopGradient", "OnesLike", "ZerosLike",
        "Arange", "Unstack", "Roll",
    ),
)


@macs("ops.Matmul")
def matmul_macs(config, input_shapes, output):
    """Each output value is a dot product along the first operand's last axis."""
    if len(input_shapes) != 2:
        return None  # a constant operand: which axis is contracted cannot be told
    return product(
        sized("O", output[1:], "output values"),
        sized("n", [input_shapes[0][-1]], "length of the contracted axis"),
    )


def _expanded(letters: str, rank: int) -> str | None:
    """``...`` spelt out as one digit per axis it covers, counted from the right (broadcasting)."""
    if "..." not in letters:
        return letters if len(letters) == rank else None
    head, tail = letters.split("...")
    covered = rank - len(head) - len(tail)
    return None if covered < 0 else head + "".join(str(i) for i in reversed(range(covered))) + tail


def _einsum_sizes(operands: list[str], input_shapes: list) -> dict[str, int | None]:
    """Each letter's size in ``ab,bc->ac`` (an axis of size 1 broadcast to the other's size)."""
    sizes: dict[str, int | None] = {}
    for letters, shape in zip(operands, input_shapes):
        for letter, size in zip(letters, shape):
            known = sizes.get(letter)
            sizes[letter] = size if known is None or known == 1 else known
    return sizes


@macs("ops.Einsum")
def einsum_macs(config, input_shapes, output):
    """Each combination of the equation's letters is one product (summed where a letter is
    contracted); the batch letter, the first operand's first, is left out as everywhere."""
    subscripts = config.get("subscripts", "").replace(" ", "")
    if "->" not in subscripts or len(input_shapes) != subscripts.count(",") + 1:
        return None
    operands = [_expanded(letters, len(shape))
                for letters, shape in zip(subscripts.split("->")[0].split(","), input_shapes)]
    if None in operands:
        return None
    sizes = _einsum_sizes(operands, input_shapes)
    batch = operands[0][0] if operands[0] and sizes.get(operands[0][0]) is None else None
    letters = [letter for letter in sizes if letter != batch]
    return sized("L", [sizes[letter] for letter in letters],
                 f"product of the sizes of {', '.join(letters)} in {subscripts} (the batch letter left out): "
                 + " x ".join("?" if sizes[letter] is None else str(sizes[letter]) for letter in letters))


@macs("ops.Conv")
def conv_macs(config, input_shapes, output):
    """Each output value sums a kernel window over the input channels of its group."""
    if len(input_shapes) != 2:
        return None
    return product(sized("O", output[1:], "output values"),
                   sized("K", input_shapes[1][:-1], "kernel window x input channels per group"))


@macs("ops.DepthwiseConv")
def depthwise_conv_macs(config, input_shapes, output):
    """Each output value sums a kernel window over one input channel."""
    if len(input_shapes) != 2:
        return None
    return product(sized("O", output[1:], "output values"), sized("k", input_shapes[1][:-2], "kernel window"))


@macs("ops.ConvTranspose")
def conv_transpose_macs(config, input_shapes, output):
    """Each input value is spread over a kernel window of every output channel."""
    if len(input_shapes) != 2:
        return None
    return product(sized("I", input_shapes[0][1:], "input values"),
                   sized("K", input_shapes[1][:-1], "kernel window x output channels"))
