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
        "LogicalNot", "Cast", "Round", "Floor", "Ceil",
    ),
)
no_macs(
    "it sums, averages or picks values along an axis: no products are summed",
    *op_names("Sum", "Mean", "Max", "Min", "Argmax", "Argmin", "Cumsum", "Logsumexp"),
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
