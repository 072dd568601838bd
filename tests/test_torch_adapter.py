"""The PyTorch adapter: every row's count against ``numel()`` of the module's parameters and
every shape against a real forward pass; the seed CNN with its formulas; an LSTM, a
transformer encoder layer and a ResNet basic block exact; nesting and repeated calls."""

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from sphinx_modelsummary.model.summary import summarize  # noqa: E402
from sphinx_modelsummary.model.torch_adapter import is_torch_module, summarize_module  # noqa: E402
from sphinx_modelsummary.problems import ModelSpecError  # noqa: E402

from front_ends import REPO  # noqa: E402


def record_of(model, *shape):
    return summarize_module(model, spec=type(model).__name__, input_shapes=[shape])


def rows_by_label(record):
    return {row["label"]: row for row in record["layers"]}


def own_count(module) -> int:
    return sum(p.numel() for p in module.parameters())


def real_shapes(model, shape):
    """Each named module's output shapes from real passes on the CPU (batches 2 and 3), the
    axis that follows the batch as None."""
    names = {m: n for n, m in model.named_modules()}
    passes = []
    for batch in (2, 3):
        found = {}

        def hook(module, args, output, found=found):
            found.setdefault(names[module], [list(t.shape) for t in _flat(output)])

        handles = [m.register_forward_hook(hook) for m in model.modules()]
        model.eval()
        with torch.no_grad():
            model(torch.zeros(batch, *shape))
        for h in handles:
            h.remove()
        passes.append(found)
    two, three = passes
    return {name: [[None if a != b else a for a, b in zip(s2, s3)] for s2, s3 in zip(two[name], three[name])]
            for name in two}


def _flat(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _flat(v)


def check_against_torch(model, record):
    """Every first call's count is the numel() of its module's parameters; no mismatch."""
    modules = {name or type(model).__name__: m for name, m in model.named_modules()}  # a lone module: its class
    for row in record["layers"]:
        if row["class"] != "Parameter" and not row["shared"]:
            assert row["params"]["total"] == own_count(modules[row["name"]]), row["label"]
    assert record["totals"]["params"] == own_count(model)
    assert record["diagnostics"] == []


def test_the_seed_cnn_in_pytorch():
    from examples.torch_models import build_cnn

    model = build_cnn()
    record = record_of(model, 1, 28, 28)
    rows = rows_by_label(record)
    check_against_torch(model, record)
    # 32 (1 3 3 + 1), 64 (32 3 3 + 1), 10 (1600 + 1), as the seed works them out
    assert [rows[k]["params"]["total"] for k in ("0", "3", "8")] == [320, 18496, 16010]
    assert record["totals"]["params"] == 320 + 18496 + 16010 == 34826
    assert rows["0"]["formula"]["symbolic"] == "C_out * (C_in * k_h * k_w + 1)"
    assert rows["0"]["formula"]["substituted"] == "32 * (1 * 3 * 3 + 1)"
    assert rows["3"]["formula"]["substituted"] == "64 * (32 * 3 * 3 + 1)"
    assert rows["8"]["formula"]["substituted"] == "10 * (1600 + 1)"
    assert rows["2"]["params"]["total"] == 0 and "pooling" in rows["2"]["no_params_reason"]
    # channels first, batch as None: 28 -> 26 -> 13 -> 11 -> 5, and 64 x 5 x 5 = 1600
    assert [rows[k]["output_shapes"][0] for k in ("0", "2", "3", "5", "6")] == [
        [None, 32, 26, 26], [None, 32, 13, 13], [None, 64, 11, 11], [None, 64, 5, 5], [None, 1600]]
    assert [d["substituted"] for d in rows["0"]["shape_derivations"]] == ["floor((28 - 3) / 1) + 1"] * 2
    assert rows["6"]["shape_derivations"][0]["substituted"] == "64 x 5 x 5"
    real = real_shapes(model, (1, 28, 28))
    assert all(row["output_shapes"] == real[row["name"]] for row in record["layers"])
    # MACs: 26 * 26 positions * 32 * 9, 11 * 11 * 64 * 32 * 9, 1600 * 10
    assert [rows[k]["macs"] for k in ("0", "3", "8")] == [676 * 32 * 9, 121 * 64 * 32 * 9, 16000]
    assert record["model"]["framework"] == "pytorch" and record["model"]["device"] == "meta"
    assert record["model"]["inputs"] == [[None, 1, 28, 28]] and record["model"]["outputs"] == [[None, 10]]


def test_the_seed_cnns_memory_in_pytorch():
    from examples.torch_models import build_cnn

    model = build_cnn()
    record = record_of(model, 1, 28, 28)
    rows, totals = rows_by_label(record), record["totals"]
    real = {name: sum(s.numel() * s.element_size() for s in shapes) for name, shapes in _outputs(model, (1, 28, 28)).items()}
    # one sample of float32: the conv's 32 x 26 x 26 outputs, as the Keras seed's conv2d
    assert rows["0"]["activation_bytes"] == 32 * 26 * 26 * 4 == real["0"] == 86_528
    assert all(row["activation_bytes"] == real[row["name"]] for row in record["layers"])
    assert totals["params_bytes"] == sum(p.numel() * p.element_size() for p in model.parameters()) == 139_304
    assert totals["input_bytes"] == 28 * 28 * 4 == 3_136
    # every module's output twice (the Sequential's own row is its last module's output again)
    assert totals["forward_backward_bytes"] == 2 * sum(real[str(i)] for i in range(9))
    assert totals["total_bytes"] == totals["input_bytes"] + totals["params_bytes"] + totals["forward_backward_bytes"]


def _outputs(model, shape):
    """Each module's output tensors on a real pass of one sample."""
    names, found = {m: n for n, m in model.named_modules()}, {}

    def keep(module, args, output):  # a hook that returns nothing leaves the output as it is
        found.setdefault(names[module], list(_flat(output)))

    handles = [m.register_forward_hook(keep) for m in model.modules()]
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for handle in handles:
        handle.remove()
    return found


def test_an_lstm_two_layers_bidirectional():
    from examples.torch_models import build_lstm

    model = build_lstm()
    record = record_of(model, 40)
    check_against_torch(model, record)
    lstm = rows_by_label(record)["lstm"]
    # layer 1: 2 directions x 4 gates x 64 x (32 inputs + 64 hidden + 2 bias vectors) = 50,176;
    # layer 2 reads both directions: 2 x 4 x 64 x (128 + 64 + 2) = 99,328
    assert lstm["params"]["total"] == 50176 + 99328 == 149504
    assert lstm["formula"]["substituted"] == "2 * 4 * 64 * (32 + 64 + 2) + (2 - 1) * 2 * 4 * 64 * (2 * 64 + 64 + 2)"
    # output, h_n, c_n: h_n is (directions x layers, batch, hidden), batch on axis 1
    assert lstm["output_shapes"] == [[None, 40, 128], [4, None, 64], [4, None, 64]]
    assert rows_by_label(record)["embed"]["output_shapes"] == [[None, 40, 32]]


def test_lstm_with_projections_and_a_gru_without_bias():
    lstm = nn.LSTM(10, 20, num_layers=2, proj_size=5, bidirectional=True, batch_first=True)
    record = record_of(lstm, 7, 10)
    check_against_torch(lstm, record)
    # 2 x 4 x 20 x (10 + 5 + 2) + 2 x 4 x 20 x (2 x 5 + 5 + 2) + weight_hr 2 layers x 2 x 5 x 20
    assert record["totals"]["params"] == 2720 + 2720 + 400
    gru = nn.GRU(10, 20, num_layers=3, bias=False, batch_first=True)
    record = record_of(gru, 7, 10)
    check_against_torch(gru, record)
    assert record["totals"]["params"] == 3 * 20 * (10 + 20) + 2 * 3 * 20 * (20 + 20)


def test_a_transformer_encoder_layer():
    from examples.torch_models import build_encoder_layer

    model = build_encoder_layer()
    record = record_of(model, 16, 64)
    check_against_torch(model, record)
    (row,) = record["layers"]
    # attention 4 x 64 x 65, feed-forward 256 x 65 + 64 x 257, two norms 2 x 2 x 64
    assert row["params"]["total"] == 4 * 64 * 65 + 256 * 65 + 64 * 257 + 4 * 64 == 49984
    assert row["output_shapes"] == [[None, 16, 64]]
    # projections 4 x 16 x 64 x 64, scores and weighted sum 2 x 16 x 16 x 64, feed-forward 2 x 16 x 64 x 256
    assert row["macs"] == 4 * 16 * 64 * 64 + 2 * 16 * 16 * 64 + 2 * 16 * 64 * 256


def test_multihead_attention_with_other_key_and_value_sizes():
    class Attend(nn.Module):
        def __init__(self):
            super().__init__()
            self.att = nn.MultiheadAttention(16, 2, batch_first=True, kdim=8, vdim=12)

        def forward(self, x):
            return self.att(x, x[..., :8], x[..., :12])[0]

    model = Attend()
    record = record_of(model, 5, 16)
    check_against_torch(model, record)
    assert record["totals"]["params"] == 16 * (16 + 8 + 12) + 3 * 16 + 16 * 17


def test_a_resnet_basic_block_without_torchvision():
    from examples.torch_models import build_basic_block

    model = build_basic_block()
    record = record_of(model, 64, 32, 32)
    check_against_torch(model, record)
    rows = rows_by_label(record)
    assert rows["conv1"]["params"]["total"] == 128 * 64 * 9  # no bias
    assert rows["conv1"]["formula"]["substituted"] == "128 * 64 * 3 * 3"
    assert [d["substituted"] for d in rows["conv1"]["shape_derivations"]] == ["floor((32 + 2 * 1 - 3) / 2) + 1"] * 2
    bn = rows["bn1"]
    assert bn["params"] == {"total": 256, "trainable": 256, "non_trainable": 0}  # buffers are not parameters
    assert "buffers" in record["legend"]["C"]
    # the shortcut is a nested Sequential: its row adds up its two modules
    assert rows["shortcut"]["params"]["total"] == 64 * 128 + 256
    assert [r["label"] for r in record["layers"] if r["parent"] == "shortcut"] == ["shortcut.0", "shortcut.1"]
    assert rows["shortcut.0"]["depth"] == 1
    # relu is called twice: shown at each call, counted once
    assert rows["relu (call 2)"]["shared"] and rows["relu (call 2)"]["params"]["total"] == 0
    assert record["totals"]["params"] == 73728 + 256 + 147456 + 256 + 8192 + 256 == 230144


def test_nested_blocks_and_an_identity_shortcut():
    from examples.torch_models import build_tiny_resnet

    model = build_tiny_resnet()
    record = record_of(model, 3, 32, 32)
    check_against_torch(model, record)
    rows = rows_by_label(record)
    assert rows["blocks.0.shortcut"]["macs"] == 0  # an empty Sequential passes its input on
    assert rows["blocks"]["depth"] == 0 and rows["blocks.0"]["depth"] == 1 and rows["blocks.0.conv1"]["depth"] == 2
    assert not record["totals"]["macs_partial"]
    assert rows["fc"]["output_shapes"] == [[None, 10]]


def test_a_module_without_a_formula_is_explained_from_its_parameters():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(32, 1, 3, 3))
            self.bias = nn.Parameter(torch.zeros(32))

        def forward(self, x):
            return nn.functional.conv2d(x, self.weight, self.bias)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = Scaled()
            self.gain = nn.Parameter(torch.ones(32, 1, 1))

        def forward(self, x):
            return self.conv(x) * self.gain

    model = Net()
    record = record_of(model, 1, 28, 28)
    check_against_torch(model, record)
    rows = rows_by_label(record)
    assert rows["conv"]["formula"]["substituted"] == "weight 32 x 1 x 3 x 3 + bias 32"
    assert rows["conv"]["formula"]["value"] == 320
    assert rows["gain"]["params"]["total"] == 32  # the model's own parameter, a row of its own


def test_frozen_parameters_are_non_trainable():
    model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    model[0].requires_grad_(False)
    record = record_of(model, 4)
    assert record["totals"] == {**record["totals"], "trainable": 8, "non_trainable": 15}
    assert record["diagnostics"] == []


def test_convolution_options_and_transposed_shapes():
    model = nn.Sequential(
        nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1),
        nn.Conv2d(8, 6, 3, padding="same", padding_mode="reflect", groups=2, dilation=2),
        nn.Identity(),
        nn.GroupNorm(2, 6), nn.LayerNorm([6, 16, 16]), nn.AvgPool2d(3, stride=2, ceil_mode=True),
        nn.AdaptiveMaxPool2d((2, 3)), nn.Flatten(), nn.Linear(36, 4, bias=False),
    )
    record = record_of(model, 4, 8, 8)
    check_against_torch(model, record)
    rows = rows_by_label(record)
    real = real_shapes(model, (4, 8, 8))
    assert all(row["output_shapes"] == real[row["name"]] for row in record["layers"])
    # (8 - 1) * 2 + 3 - 2 * 1 + 1 = 16; the grouped conv: 6 * (8 / 2 * 3 * 3 + 1) = 222
    assert rows["0"]["output_shapes"] == [[None, 8, 16, 16]]
    assert rows["1"]["formula"]["substituted"] == "6 * (8 / 2 * 3 * 3 + 1)" and rows["1"]["params"]["total"] == 222
    assert rows["5"]["output_shapes"] == [[None, 6, 8, 8]]  # ceil((16 - 3) / 2) + 1
    assert rows["8"]["formula"]["substituted"] == "4 * 36"


def test_conv3d_and_dilation():
    model = nn.Sequential(nn.Conv3d(2, 4, (3, 3, 2), stride=(1, 2, 1), dilation=(2, 1, 1)), nn.MaxPool3d(2))
    record = record_of(model, 2, 10, 10, 10)
    check_against_torch(model, record)
    rows = rows_by_label(record)
    # depth: floor((10 - (2 (3 - 1) + 1)) / 1) + 1 = 6; height floor((10 - 3) / 2) + 1 = 4; width 9
    assert rows["0"]["output_shapes"] == [[None, 4, 6, 4, 9]]
    assert rows["0"]["params"]["total"] == 4 * (2 * 3 * 3 * 2 + 1)


def test_a_module_that_fails_on_meta_runs_on_the_cpu():
    class Data(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            if x.sum().item() > 1:  # data-dependent: no value on the meta device
                return x
            return self.fc(x)

    record = record_of(Data(), 4)
    assert record["model"]["device"] == "cpu" and record["totals"]["params"] == 10


def test_errors_name_the_input_shape():
    with pytest.raises(ModelSpecError, match="channels first"):
        summarize_module(nn.Linear(4, 2), spec="m", input_shapes=None)
    with pytest.raises(ModelSpecError, match="cannot run Linear on input shape 5"):
        summarize_module(nn.Linear(4, 2), spec="m", input_shapes=[(5,)])


def test_a_spec_naming_a_module_is_summarised():
    record = summarize("examples.torch_models:build_cnn()", "1, 28, 28", base_dir=REPO)
    assert record["totals"]["params"] == 34826
    assert any(source.endswith("torch_models.py") for source in record["model"]["sources"])
    assert record["layers"][0]["rule"] == "torch.Conv2d"


def test_detection():
    assert is_torch_module(nn.Linear(2, 2)) and is_torch_module(nn.Sequential())
    assert not is_torch_module(object()) and not is_torch_module(nn.Linear)


def test_a_single_module_is_one_row_named_by_its_class():
    record = record_of(nn.LSTM(10, 20, batch_first=True), 7, 10)
    (row,) = record["layers"]
    assert row["label"] == "LSTM" and row["depth"] == 0
    # 4 gates x 20 x (10 inputs + 20 hidden + 2 bias vectors)
    assert row["params"]["total"] == 4 * 20 * (10 + 20 + 2) == 2560
    assert row["macs"] == 7 * 4 * 20 * (10 + 20)  # every step, both products of each gate block


def test_a_formula_or_shape_that_disagrees_is_a_mismatch_and_pytorchs_number_is_shown():
    linear = nn.Linear(4, 3)
    linear.extra = nn.Parameter(torch.zeros(5))  # a parameter the catalog's formula does not know
    conv = nn.Conv2d(1, 2, 3)
    conv.kernel_size = (5, 5)  # what the module says, not what its weight does
    model = nn.Sequential(conv, nn.Flatten(), nn.Linear(2 * 26 * 26, 4), linear)
    record = record_of(model, 1, 28, 28)
    rows = rows_by_label(record)
    assert rows["3"]["params"]["total"] == 4 * 3 + 3 + 5  # PyTorch's count is shown
    assert rows["3"]["formula"]["mismatch"] == {"trainable": 15, "non_trainable": 0}
    messages = [d["message"] for d in record["diagnostics"]]
    assert "the formula gives 15 trainable and 0 non-trainable parameters, PyTorch has 20 and 0; " \
           "PyTorch's numbers are shown" in messages
    assert rows["0"]["output_shapes"] == [[None, 2, 26, 26]] and rows["0"]["shape_derivations"] == []
    assert any(m.startswith("the shape rule gives (None, 2, 24, 24), PyTorch has (None, 2, 26, 26)") for m in messages)


def test_two_inputs_a_bilinear_layer():
    model = nn.Bilinear(3, 4, 5)
    record = summarize_module(model, spec="bilinear", input_shapes=[(3,), (4,)])
    check_against_torch(model, record)
    (row,) = record["layers"]
    assert row["input_shapes"] == [[None, 3], [None, 4]] and row["output_shapes"] == [[None, 5]]
    assert row["params"]["total"] == 5 * 3 * 4 + 5 and row["macs"] == 3 * 4 * 5
