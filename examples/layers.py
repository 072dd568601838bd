"""One-layer models for the formula reference.

Every factory here returns a small functional model around a single ``keras.layers``
layer, so a page can show one formula at a time::

    .. model-summary:: examples.layers:single("Conv2D", (28, 28, 1), filters=32, kernel_size=3)

Input shapes are written without the batch axis. Nothing is downloaded or trained.
"""

import keras
from keras import layers

# Layers that look up integer ids rather than multiply floats.
INTEGER_INPUTS = ("Embedding", "ReversibleEmbedding")


def _input(shape, dtype=None, name=None):
    return keras.Input(shape=tuple(shape), dtype=dtype, name=name)


def _layer(class_name, config):
    try:
        cls = getattr(layers, class_name)
    except AttributeError:
        raise ValueError(f"keras.layers has no layer {class_name!r}") from None
    return cls(**config)


def single(class_name, input_shape, input_dtype=None, **config):
    """A model with one input of ``input_shape`` and one ``keras.layers.<class_name>(**config)``.

    ``input_dtype`` defaults to ``"int32"`` for embeddings and to float otherwise.
    """
    if input_dtype is None and class_name in INTEGER_INPUTS:
        input_dtype = "int32"
    inputs = _input(input_shape, input_dtype)
    outputs = _layer(class_name, config)(inputs)
    return keras.Model(inputs, outputs, name=f"single_{class_name.lower()}")


def wrapped(wrapper, class_name, input_shape, wrapper_config=None, **config):
    """``keras.layers.<wrapper>(keras.layers.<class_name>(**config), **wrapper_config)``.

    For example ``wrapped("Bidirectional", "LSTM", (20, 8), units=16)`` or
    ``wrapped("TimeDistributed", "Dense", (10, 8), units=4)``.
    """
    inputs = _input(input_shape)
    inner = _layer(class_name, config)
    layer = getattr(layers, wrapper)(inner, **(wrapper_config or {}))
    outputs = layer(inputs)
    return keras.Model(inputs, outputs, name=f"{wrapper.lower()}_{class_name.lower()}")


def bidirectional(class_name, input_shape, merge_mode="concat", **config):
    """``Bidirectional(<class_name>(**config))`` over sequences of ``input_shape``."""
    return wrapped("Bidirectional", class_name, input_shape, {"merge_mode": merge_mode}, **config)


def time_distributed(class_name, input_shape, **config):
    """``TimeDistributed(<class_name>(**config))``: the inner layer applied at each time step."""
    return wrapped("TimeDistributed", class_name, input_shape, **config)


def rnn(cell_class, input_shape, return_sequences=False, **config):
    """``RNN(<cell_class>(**config))``: a recurrent layer built from a cell."""
    inputs = _input(input_shape)
    outputs = layers.RNN(_layer(cell_class, config), return_sequences=return_sequences)(inputs)
    return keras.Model(inputs, outputs, name=f"rnn_{cell_class.lower()}")


def stacked_cells(cell_class, input_shape, units, **config):
    """``RNN(StackedRNNCells([...]))`` with one cell per entry of ``units``."""
    inputs = _input(input_shape)
    cells = [_layer(cell_class, {"units": u, **config}) for u in units]
    outputs = layers.RNN(layers.StackedRNNCells(cells))(inputs)
    return keras.Model(inputs, outputs, name=f"stacked_{cell_class.lower()}")


def attention(class_name, query_shape, value_shape=None, key_shape=None, **config):
    """An attention layer called on a query and a value (and a key when given).

    ``MultiHeadAttention`` and ``GroupQueryAttention`` are called as
    ``layer(query, value, key)``; ``Attention`` and ``AdditiveAttention`` as
    ``layer([query, value, key])``. Without ``value_shape`` the value is the query
    itself (self-attention).
    """
    query = _input(query_shape, name="query")
    value = query if value_shape is None else _input(value_shape, name="value")
    key = None if key_shape is None else _input(key_shape, name="key")
    layer = _layer(class_name, config)
    if class_name in ("Attention", "AdditiveAttention"):
        outputs = layer([query, value] if key is None else [query, value, key])
    else:
        outputs = layer(query, value) if key is None else layer(query, value, key)
    inputs = [t for t in (query, value, key) if t is not None]
    inputs = list({id(t): t for t in inputs}.values())
    return keras.Model(inputs if len(inputs) > 1 else inputs[0], outputs, name=f"single_{class_name.lower()}")


def merge(class_name, input_shapes, **config):
    """A merging layer (``Concatenate``, ``Add``, ``Dot``...) over one input per shape."""
    inputs = [_input(shape, name=f"input_{n}") for n, shape in enumerate(input_shapes, 1)]
    outputs = _layer(class_name, config)(inputs)
    return keras.Model(inputs, outputs, name=f"merge_{class_name.lower()}")


def spectral(class_name, input_shape, power_iterations=1, **config):
    """``SpectralNormalization(<class_name>(**config))``."""
    inputs = _input(input_shape)
    layer = layers.SpectralNormalization(_layer(class_name, config), power_iterations=power_iterations)
    return keras.Model(inputs, layer(inputs), name=f"spectral_{class_name.lower()}")


def layer_scale(input_shape, projection_dim, init_values=1e-6):
    """ConvNeXt's ``LayerScale`` (not exported in ``keras.layers``): one learned scale per channel."""
    from keras.src.applications.convnext import LayerScale

    inputs = _input(input_shape)
    outputs = LayerScale(init_values, projection_dim, name="layer_scale")(inputs)
    return keras.Model(inputs, outputs, name="single_layerscale")
