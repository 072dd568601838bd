"""Whole-model totals against the figures their authors and model zoos publish.

The convention of every figure here, and of the records: 1 MAC is one multiply-add of a
weight (a convolution's or a dense layer's kernel, a depthwise kernel); biases, batch
normalisation, activations, pooling and additions count 0; one sample at the input size of
the paper, 224 × 224 × 3 except InceptionV3's 299 × 299 × 3. Papers that write "FLOPs" for
these networks count multiply-adds the same way. A figure published to two or three
digits is met within 2 %. Each model is built once (``weights=None``: nothing is downloaded).

``tests/test_applications.py`` checks every application's counts row by row against Keras,
and ``tests/test_macs.py`` checks MACs against loops and TensorFlow's profiler; this module
is the check against the literature.
"""

from __future__ import annotations

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary.model.spec import load_model, parse_spec  # noqa: E402
from sphinx_modelsummary.model.summary import summarize_model  # noqa: E402

TOLERANCE = 0.02
G, M = 10**9, 10**6

# name: (input side, published MACs, where it is published)
PUBLISHED_MACS = {
    # He et al., "Deep Residual Learning for Image Recognition" (CVPR 2016), Table 1: 3.8 × 10⁹
    # FLOPs (multiply-adds) for the 50-layer net, 3.86 G to three digits. Keras's ResNet50 is
    # that original net (stride 2 in the first 1 × 1 convolution of a stage); torchvision's
    # 4.09 G is ResNet v1.5 (stride in the 3 × 3) and is not this model.
    "ResNet50": (224, 3.86 * G, "He et al. 2016, Table 1"),
    # Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks" (CVPR 2018),
    # Table 4: 300 M multiply-adds at width 1.0, 224 × 224 (301 M to three digits).
    "MobileNetV2": (224, 301 * M, "Sandler et al. 2018, Table 4"),
    # Tan and Le, "EfficientNet: Rethinking Model Scaling for CNNs" (ICML 2019), Table 2:
    # 0.39 B FLOPs (multiply-adds) for B0 at 224 × 224 (386 M to three digits).
    "EfficientNetB0": (224, 386 * M, "Tan and Le 2019, Table 2"),
    # Simonyan and Zisserman's paper gives no count; torchvision's model table (its "GFLOPS"
    # column counts multiply-adds) lists vgg16 at 15.47.
    "VGG16": (224, 15.47 * G, "torchvision model table, vgg16"),
    # Howard et al., "MobileNets: Efficient CNNs for Mobile Vision Applications" (2017), Table 8:
    # 1.0 MobileNet-224, 569 million mult-adds.
    "MobileNet": (224, 569 * M, "Howard et al. 2017, Table 8"),
    # torchvision's model table: inception_v3 at 299 × 299, 5.71 (multiply-adds); Szegedy et
    # al. 2016 give about 5 billion multiply-adds.
    "InceptionV3": (299, 5.71 * G, "torchvision model table, inception_v3"),
    # torchvision's model table: densenet121, 2.83 (multiply-adds); Huang et al. 2017, Figure 3,
    # plots about 2.9 GFLOPs.
    "DenseNet121": (224, 2.83 * G, "torchvision model table, densenet121"),
}


@pytest.fixture(scope="module")
def records():
    """Each application's record, built on first use and kept for the module."""
    built: dict[str, dict] = {}

    def record(name: str) -> dict:
        if name not in built:
            side = PUBLISHED_MACS[name][0]
            spec = parse_spec(f"keras.applications:{name}(weights=None, input_shape=({side}, {side}, 3))")
            graph, model = load_model(spec)
            built[name] = summarize_model(graph, model, spec=spec.text)
        return built[name]

    return record


def within(found: float, published: float) -> bool:
    return abs(found - published) <= TOLERANCE * published


@pytest.mark.parametrize("name", sorted(PUBLISHED_MACS))
def test_macs_agree_with_the_published_figure(records, name):
    record = records(name)
    side, published, source = PUBLISHED_MACS[name]
    assert record["model"]["inputs"] == [[None, side, side, 3]]
    assert not record["totals"]["macs_partial"], record["totals"]["macs_unknown"]
    macs = record["totals"]["macs"]
    assert within(macs, published), f"{name}: {macs:,} MACs, {published:,.0f} published ({source})"


def test_resnet50_parameters_and_the_papers_rounder_figure(records):
    record = records("ResNet50")
    # Keras's applications table and He et al.'s 50-layer net with its 1,000-class top: 25.6 M,
    # exactly 25,636,712 (53,120 of them batch normalisation's moving statistics)
    assert record["totals"]["params"] == 25_636_712
    assert record["totals"]["non_trainable"] == 53_120
    assert within(record["totals"]["macs"], 3.8 * G)  # the paper's own "3.8 × 10⁹"


def test_vgg16_memory_agrees_with_convnet_burden(records):
    """github.com/albanie/convnet-burden, README, row vgg-vd-16 at 224 × 224 (one-sample batches,
    4 bytes a value, ReLUs in place): parameter memory 528 MB and feature memory 58 MB, in units
    of 2²⁰ bytes, features counted once (the forward/backward figure counts them twice). Keras's
    VGG16 applies each ReLU inside its convolution, so its layers' outputs are those features."""
    totals = records("VGG16")["totals"]
    mib = 2**20
    assert totals["params_bytes"] == 138_357_544 * 4  # float32 weights
    assert round(totals["params_bytes"] / mib) == 528
    assert round(totals["forward_backward_bytes"] / 2 / mib) == 58
    assert totals["input_bytes"] == 224 * 224 * 3 * 4
