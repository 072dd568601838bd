"""The formula catalog: parameters, output shapes and MACs as pure functions.

Every rule takes a layer's class name, its ``get_config()`` dict and its input shapes
(tuples with the batch axis, ``None`` for unknown sizes) and never looks at the layer
itself: Keras is only the referee that :mod:`sphinx_modelsummary.model.summary` compares with.
"""

from __future__ import annotations

from . import attention, convolution, core, normalization, operations, recurrent, reshaping  # noqa: F401 (they register their rules)
from . import torch_layers, torch_sequence  # noqa: F401 (PyTorch's modules, as torch.<class>)
from .registry import (  # noqa: F401 (the catalog's API)
    RULES, Derivation, MacsFn, ParamsFn, Part, Rule, Shape, ShapeFn, ShapeRule, Unknown, UnknownSize, inner_layer,
    mac_count, macs, no_macs, no_macs_reason, no_params, no_params_reason, output_shape, parameter_parts, params,
    shape, sized,
)
