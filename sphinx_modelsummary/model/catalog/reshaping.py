"""Layers that move values around (reshape, pad, crop, merge), EinsumDense, and the weightless rest."""

from __future__ import annotations

import math

from ..expr import Add, Div, Mul, Num, Sub, Sym, Times, product
from .registry import Derivation, Part, ShapeRule, Unknown, inner_layer, mac_count, macs, no_macs, no_params
from .registry import output_shape, parameter_parts, params, shape, sized
from .convolution import AXIS_NAMES, as_tuple, channels, conv_length, derive, input_sym, rank_of
from .convolution import spatial, with_channels
from .core import lora_parts

SHAPE_KEEPING = (
    "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU", "Identity", "Masking",
    "Rescaling", "LayerScale", "ActivityRegularization", "Dropout", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout", "GaussianNoise", "AlphaDropout",
)
# Image augmentation layers that return an image of the size they were given.
AUGMENTATION = (
    "AugMix", "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "CutMix",
    "Equalization", "MixUp", "RandAugment", "RandomBrightness", "RandomColorDegeneration",
    "RandomColorJitter", "RandomContrast", "RandomElasticTransform", "RandomErasing",
    "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
    "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation",
    "RandomSharpness", "RandomShear", "RandomTranslation", "RandomZoom", "Solarization",
)


@shape(*SHAPE_KEEPING, *AUGMENTATION)
def identity_shape(config, input_shapes):
    """The output has the input's shape."""
    return ShapeRule(tuple(input_shapes[0]))


def sizes_text(sizes) -> Times | Num:
    return Times(*map(Num, sizes)) if len(sizes) > 1 else Num(sizes[0])


@shape("Reshape")
def reshape_shape(config, input_shapes):
    """The target shape, with a ``-1`` inferred from the number of values; an output axis that
    gathers several input axes says so (``49 x 32 = 1,568``)."""
    shape_in = input_shapes[0]
    target = list(config["target_shape"])
    if -1 in target:
        at = target.index(-1)
        if any(n is None for n in shape_in[1:]):
            target[at] = None
        else:
            known = [n for n in target if n != -1]
            inferred = sizes_text(shape_in[1:])
            if known:
                inferred = Div(inferred, sizes_text(known))
            target[at] = inferred.integer()
            return ShapeRule((shape_in[0], *target), [Derivation(f"axis {at + 1}", inferred)])
    merged = [
        Derivation(f"axis {j + 1}", Times(*map(Num, shape_in[1:][first:last])))
        for first, last, j in gathered_axes(list(shape_in[1:]), target)
    ]
    return ShapeRule((shape_in[0], *target), merged)


def gathered_axes(sizes: list, target: list) -> list[tuple[int, int, int]]:
    """``(first, last, j)``: input axes ``first:last`` (two or more) become output axis ``j``.

    Axes are matched from the left while the products agree; an unknown size matches only
    an unknown size, and anything after an unmatched axis is left alone.
    """
    found, i, j = [], 0, 0
    while i < len(sizes) and j < len(target):
        if sizes[i] is None or target[j] is None:
            if sizes[i] is not None or target[j] is not None:
                break
            i, j = i + 1, j + 1
            continue
        first, have = i, sizes[i]
        while have < target[j] and i + 1 < len(sizes) and sizes[i + 1] is not None:
            i += 1
            have *= sizes[i]
        if have != target[j]:
            break
        if i > first:
            found.append((first, i + 1, j))
        i, j = i + 1, j + 1
    return found


@shape("Permute")
def permute_shape(config, input_shapes):
    shape_in = input_shapes[0]
    return ShapeRule((shape_in[0], *(shape_in[d] for d in config["dims"])))


@shape("RepeatVector")
def repeat_vector_shape(config, input_shapes):
    shape_in = input_shapes[0]
    return ShapeRule((shape_in[0], config["n"], shape_in[1]))


def resized(config: dict, input_shapes, length_fn) -> ShapeRule:
    """Apply ``length_fn(axis index, n)`` to each known spatial size; channels stay."""
    shape_in = input_shapes[0]
    lengths = [
        None if n is None else length_fn(j, n) for j, n in enumerate(spatial(config, shape_in))
    ]
    sizes, derivations = derive(AXIS_NAMES[rank_of(shape_in)], lengths)
    return ShapeRule(with_channels(config, shape_in, sizes, channels(config, shape_in)), derivations)


@shape("UpSampling1D", "UpSampling2D", "UpSampling3D")
def upsampling_shape(config, input_shapes):
    factors = as_tuple(config["size"], rank_of(input_shapes[0]))
    return resized(
        config, input_shapes,
        lambda j, n: Mul(input_sym(n), Sym("size", factors[j], "upsampling factor")),
    )


EDGES = {
    1: [("left", "right")],
    2: [("top", "bottom"), ("left", "right")],
    3: [("front", "back"), ("top", "bottom"), ("left", "right")],
}


def edge_pairs(value, rank: int) -> list[tuple[int, int]]:
    """Keras's ``padding``/``cropping``: one int, one pair, or a pair per axis."""
    if rank == 1:
        return [as_tuple(value, 2)]
    return [as_tuple(v, 2) for v in as_tuple(value, rank)]


def edge_syms(config: dict, key: str, rank: int, noun: str) -> list[tuple[Sym, Sym]]:
    return [
        tuple(Sym(name, size, f"{noun} at the {name}") for name, size in zip(names, sizes))
        for names, sizes in zip(EDGES[rank], edge_pairs(config[key], rank))
    ]


@shape("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")
def zero_padding_shape(config, input_shapes):
    edges = edge_syms(config, "padding", rank_of(input_shapes[0]), "zeros added")
    return resized(config, input_shapes, lambda j, n: Add(input_sym(n), *edges[j]))


@shape("Cropping1D", "Cropping2D", "Cropping3D")
def cropping_shape(config, input_shapes):
    edges = edge_syms(config, "cropping", rank_of(input_shapes[0]), "values cropped")
    return resized(
        config, input_shapes, lambda j, n: Sub(Sub(input_sym(n), edges[j][0]), edges[j][1])
    )


@shape("Resizing", "CenterCrop", "RandomCrop")
def resizing_shape(config, input_shapes):
    shape_in = input_shapes[0]
    unbatched = len(shape_in) == 3  # image layers also take a single image
    batched = (None, *shape_in) if unbatched else shape_in
    out = with_channels(config, batched, [config["height"], config["width"]], channels(config, batched))
    return ShapeRule(out[1:] if unbatched else out)


@shape("Concatenate")
def concatenate_shape(config, input_shapes):
    out = list(input_shapes[0])
    axis = config.get("axis", -1) % len(out)
    sizes = [s[axis] for s in input_shapes]
    if None in sizes:
        out[axis] = None
        return ShapeRule(tuple(out))
    terms = [Sym(chr(ord("a") + j), n, f"size of input {j + 1} on the axis") for j, n in enumerate(sizes)]
    joined = Add(*terms)
    out[axis] = joined.integer()
    name = "features" if axis == len(out) - 1 else f"axis {axis}"
    return ShapeRule(tuple(out), [Derivation(name, joined)])


def broadcast(first: tuple, second: tuple) -> tuple:
    """NumPy broadcasting as Keras merges do it: an unknown size on either side stays unknown."""
    if len(first) < len(second):
        first, second = second, first
    lead, out = first[: len(first) - len(second)], []
    for a, b in zip(first[len(lead):], second):
        out.append(None if a is None or b is None else b if a == 1 else a)
    return (*lead, *out)


@shape("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
def merge_shape(config, input_shapes):
    out = tuple(input_shapes[0][1:])
    for other in input_shapes[1:]:
        out = broadcast(out, tuple(other[1:]))
    batches = {s[0] for s in input_shapes} - {None}
    return ShapeRule((batches.pop() if len(batches) == 1 else None, *out))


@shape("Dot")
def dot_shape(config, input_shapes):
    first, second = (list(s) for s in input_shapes)
    axes = config["axes"]
    axes = [axes, axes] if isinstance(axes, int) else list(axes)
    axes = [a % len(s) for a, s in zip(axes, (first, second))]
    first.pop(axes[0])
    second.pop(axes[1])
    out = first + second[1:]
    return ShapeRule(tuple(out + [1] if len(out) == 1 else out))


def einsum_specs(equation: str) -> tuple[str, str, str, str]:
    """Input, weight and output letters, and where the ``...`` is (``left``, ``right`` or ``""``)."""
    given, result = equation.replace(" ", "").split("->")
    spec_in, spec_w = given.split(",")
    if spec_in.startswith("..."):
        return spec_in[3:], spec_w, result[3:], "left"
    if spec_in.endswith("..."):
        return spec_in[:-3], spec_w, result[:-3], "right"
    return spec_in, spec_w, result, ""


def einsum_layout(config: dict, input_shape):
    """The size of each letter, the full output shape, and the axes the ``...`` stands for."""
    spec_in, spec_w, spec_out, ellipsis = einsum_specs(config["equation"])
    partial = as_tuple(config["output_shape"], 1)
    elided = len(input_shape) - len(spec_in)
    if ellipsis == "left":
        sizes = dict(zip(spec_in, input_shape[elided:]))
        given = dict(zip(spec_out, partial))
        before, after = tuple(input_shape[:elided]), ()
    else:
        # Keras gives the first output letter the batch size; output_shape covers the rest.
        sizes = dict(zip(spec_in, input_shape[: len(spec_in)]))
        given = {spec_out[0]: input_shape[0], **dict(zip(spec_out[1:], partial))}
        before, after = (), tuple(input_shape[len(spec_in):])
    sizes.update({letter: n for letter, n in given.items() if n is not None})
    # The real tensor takes the elided axes in their order (Keras's symbolic shape may not).
    out = (*before, *(sizes.get(letter) for letter in spec_out), *after)
    return sizes, out, (before[1:] if before else after)


def einsum_sym(letter: str, size: int, config: dict) -> Sym:
    spec_in, _, spec_out, _ = einsum_specs(config["equation"])
    side = " and ".join(s for s, spec in (("input", spec_in), ("output", spec_out)) if letter in spec)
    return Sym(letter, size, f"size of axis {letter} of the equation ({side or 'weights only'})")


def einsum_weights(config: dict, input_shape) -> tuple[list[Sym], list[Sym]]:
    """The kernel's axes, one per weight letter, and the bias's (the ``bias_axes`` letters)."""
    sizes, _, _ = einsum_layout(config, input_shape)
    _, spec_w, spec_out, _ = einsum_specs(config["equation"])
    kernel = [einsum_sym(letter, sizes[letter], config) for letter in spec_w]
    bias_axes = config.get("bias_axes") or ""
    bias = [einsum_sym(letter, sizes[letter], config) for letter in spec_out if letter in bias_axes]
    return kernel, bias


@params("EinsumDense")
def einsum_dense_params(config, input_shapes):
    kernel, bias = einsum_weights(config, input_shapes[0])
    bias_expr = product(*bias) if bias else None
    if config.get("lora_rank"):
        # The LoRA factors split the kernel before its last axis.
        return lora_parts(config, product(*kernel[:-1]), kernel[-1], product(*kernel), bias_expr)
    return [Part("kernel", product(*kernel))] + ([Part("bias", bias_expr)] if bias else [])


@shape("EinsumDense")
def einsum_dense_shape(config, input_shapes):
    return ShapeRule(einsum_layout(config, input_shapes[0])[1])


@macs("EinsumDense")
def einsum_dense_macs(config, input_shapes, output):
    """One multiply-add per point of the einsum's loop space (every input and weight letter)."""
    sizes, _, elided = einsum_layout(config, input_shapes[0])
    spec_in, spec_w, _, ellipsis = einsum_specs(config["equation"])
    batch_free = spec_in if ellipsis == "left" else spec_in[1:]
    letters = dict.fromkeys(batch_free + spec_w)
    loop = [
        einsum_sym(letter, sizes[letter], config) if sizes.get(letter) is not None
        else Unknown(letter, f"size of axis {letter} of the equation; unknown")
        for letter in letters
    ]
    if elided:
        loop.insert(0, sized("P", elided, "positions on the axes of the ellipsis"))
    return product(*loop)


def stft_syms(config: dict) -> tuple[Sym, Sym]:
    """``L`` frame length and ``F`` frequency bins (the FFT length defaults to a power of 2)."""
    frame = config["frame_length"]
    fft = config.get("fft_length") or 2 ** math.ceil(math.log2(frame))
    return Sym("L", frame, "frame length"), Sym("F", fft // 2 + 1, "frequency bins (fft_length // 2 + 1)")


@params("STFTSpectrogram")
def stft_params(config, input_shapes):
    """A real and an imaginary kernel of L x F (one of them for mode real or imag): the Fourier basis."""
    kernels = 1 if config.get("mode") in ("real", "imag") else 2
    return [Part("Fourier kernels", product(Num(kernels), *stft_syms(config)))]


@shape("STFTSpectrogram")
def stft_shape(config, input_shapes):
    batch, *rest = input_shapes[0]
    first = config.get("data_format") == "channels_first"
    c, n = rest if first else reversed(rest)
    length, bins = stft_syms(config)
    freq = bins.number * (2 if config.get("mode") == "stft" else 1)  # real and imaginary parts
    step = config.get("frame_step") or length.number // 2
    frames, derivations = None, []
    if n is not None:
        expr = conv_length(n, length, step, 1, config.get("padding", "valid"))
        frames, derivations = expr.integer(), [Derivation("frames", expr)]
    if config.get("expand_dims"):
        out = (batch, c, frames, freq) if first else (batch, frames, freq, c)
    else:
        flat = None if c is None else freq * c
        out = (batch, flat, frames) if first else (batch, frames, flat)
    return ShapeRule(out, derivations)


@params("LayerScale")
def layer_scale_params(config, input_shapes):
    """ConvNeXt's private layer: one learned scale per channel."""
    return [Part("gamma", Sym("f", config["projection_dim"], "channels (projection_dim)"))]


@macs("STFTSpectrogram")
def stft_macs(config, input_shapes, output):
    """Each frame of each channel is multiplied by the L x F Fourier kernels (a convolution)."""
    batch, *rest = input_shapes[0]
    c, n = rest if config.get("data_format") == "channels_first" else reversed(rest)
    length, bins = stft_syms(config)
    rule = stft_shape(config, input_shapes)
    frames = rule.derivations[0].expr.integer() if rule.derivations else None
    kernels = 1 if config.get("mode") in ("real", "imag") else 2
    return product(
        sized("N", [frames], "frames (the STFT's output length)"),
        Sym("C", c, "input channels"), Num(kernels), length, bins,
    )


@macs("Dot")
def dot_macs(config, input_shapes, output):
    """Each output value is a dot product along the contracted axis."""
    first = input_shapes[0]
    axes = config["axes"]
    axis = (axes if isinstance(axes, int) else axes[0]) % len(first)
    out = list(output[1:])
    return product(sized("O", out, "output values"), sized("n", [first[axis]], "length of the contracted axis"))


@params("Wrapper")
def wrapper_params(config, input_shapes):
    name, inner = inner_layer(config)
    return parameter_parts(name, inner, input_shapes)


@shape("Wrapper")
def wrapper_shape(config, input_shapes):
    name, inner = inner_layer(config)
    return output_shape(name, inner, input_shapes)


@macs("Wrapper")
def wrapper_macs(config, input_shapes, output):
    name, inner = inner_layer(config)
    return mac_count(name, inner, input_shapes, output)


no_params(
    "it transforms images by fixed rules, at random during training, and has no weights",
    *AUGMENTATION, "Resizing", "CenterCrop", "RandomCrop", "MaxNumBoundingBoxes",
)
no_params(
    "it maps values to indices, bins or encodings; a vocabulary or a hash is not a weight",
    "StringLookup", "IntegerLookup", "TextVectorization", "Hashing", "HashedCrossing",
    "CategoryEncoding", "Discretization",
)
no_params("it computes a fixed mel spectrogram, with nothing to learn", "MelSpectrogram")
no_macs("it resamples or crops values by a fixed rule, which is not counted",
        "UpSampling1D", "UpSampling2D", "UpSampling3D", "Resizing", "CenterCrop", "RandomCrop")
no_macs("it transforms images only in training; at inference it passes them through", *AUGMENTATION)
no_macs(
    "it maps values to indices, bins or encodings: no arithmetic",
    "StringLookup", "IntegerLookup", "TextVectorization", "Hashing", "HashedCrossing",
    "CategoryEncoding", "Discretization", "MaxNumBoundingBoxes",
)
