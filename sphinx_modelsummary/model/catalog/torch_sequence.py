"""PyTorch's ``RNN``, ``LSTM``, ``GRU``, ``MultiheadAttention`` and ``TransformerEncoderLayer``,
in PyTorch's terms: two bias vectors per gate block (``bias_ih`` and ``bias_hh``), ``num_layers``,
``bidirectional``, ``proj_size``; attention's packed ``in_proj_weight``."""

from __future__ import annotations

from ..expr import Add, Mul, Num, Sub, Sym, product, total
from .registry import Part, ShapeRule, macs, params, shape, sized

T = "torch."
GATES = {T + "RNN": (1, "one"), T + "GRU": (3, "three gates"), T + "LSTM": (4, "four gates")}


def recurrent_syms(config: dict, name: str):
    gates, what = GATES[name]
    g = Num(gates)
    h = Sym("H", config["hidden_size"], f"hidden_size (per gate block; {what} of H rows each)")
    h_in = Sym("H_in", config["input_size"], "input_size")
    proj = config.get("proj_size") or 0
    h_out = Sym("H_out", proj, "proj_size (the output and hidden state size)") if proj else h
    d = Sym("D", 2, "directions (bidirectional)") if config.get("bidirectional") else None
    layers = Sym("n_layers", config["num_layers"], "num_layers")
    return g, h, h_in, h_out, d, layers, proj


def _recurrent_parts(name: str):
    def parts(config, input_shapes):
        g, h, h_in, h_out, d, layers, proj = recurrent_syms(config, name)
        biases = [Num(2)] if config.get("bias", True) else []  # bias_ih and bias_hh: two vectors
        first = product(*([d] if d else []), g, h, Add(h_in, h_out, *biases))
        found = [Part("layer 1: weight_ih, weight_hh" + (", bias_ih, bias_hh" if biases else ""), first)]
        if config["num_layers"] > 1:
            fed = Mul(d, h_out) if d else h_out  # a later layer reads the directions concatenated
            later = product(Sub(layers, Num(1)), *([d] if d else []), g, h, Add(fed, h_out, *biases))
            found.append(Part("layers 2 to L: the same, fed the layer below", later))
        if proj:
            found.append(Part("weight_hr (projections)", product(layers, *([d] if d else []), h_out, h)))
        return found

    return parts


def _recurrent_shape(config, input_shapes):
    shape_in = input_shapes[0]
    size = config.get("proj_size") or config["hidden_size"]
    return ShapeRule((*shape_in[:-1], size * (2 if config.get("bidirectional") else 1)))


def steps(config: dict, input_shape):
    """The sequence's length: axis 1 with ``batch_first``, else axis 0."""
    axis = 1 if config.get("batch_first") else 0
    return sized("T", [input_shape[axis]], "time steps (length of the input sequence)")


def _recurrent_macs(name: str):
    def count(config, input_shapes, output):
        """Every step, each gate block multiplies the input and the hidden state (biases are adds)."""
        found = _recurrent_parts(name)({**config, "bias": False}, input_shapes)
        return Mul(steps(config, input_shapes[0]), total(*(p.expr for p in found)))

    return count


for _name in GATES:
    params(_name)(_recurrent_parts(_name))
    shape(_name)(_recurrent_shape)
    macs(_name)(_recurrent_macs(_name))


# Attention -----------------------------------------------------------------------------------


QUERY_LENGTH = "target (query) sequence length"


def embed_sym(config: dict) -> Sym:
    return Sym("E", config["embed_dim"], "embed_dim (query size, and the output's)")


@params(T + "MultiheadAttention")
def attention_params(config, input_shapes):
    e = embed_sym(config)
    bias = config.get("bias", True)
    if config.get("same_embed_dim", True):
        found = [Part("in_proj_weight" + (" and in_proj_bias" if bias else ""),
                      Mul(Num(3), e, Add(e, Num(1))) if bias else Mul(Num(3), e, e))]
    else:
        k, v = Sym("kdim", config["kdim"], "kdim (key size)"), Sym("vdim", config["vdim"], "vdim (value size)")
        found = [Part("q_proj_weight, k_proj_weight, v_proj_weight", Mul(e, Add(e, k, v)))]
        if bias:
            found.append(Part("in_proj_bias", Mul(Num(3), e)))
    out_bias = config.get("out_bias", bias)
    found.append(Part("out_proj weight" + (" and bias" if out_bias else ""),
                      Mul(e, Add(e, Num(1))) if out_bias else Mul(e, e)))
    if config.get("add_bias_kv"):
        found.append(Part("bias_k and bias_v", Mul(Num(2), e)))
    return found


@shape(T + "MultiheadAttention")
def attention_shape(config, input_shapes):
    return ShapeRule((*input_shapes[0][:-1], config["embed_dim"]))


@macs(T + "MultiheadAttention")
def attention_macs(config, input_shapes, output):
    """Projections, ``Q K^T``, the weighted sum of values and the output projection;
    softmax and scaling are not MACs."""
    query = input_shapes[0]
    key = input_shapes[1] if len(input_shapes) > 1 else query
    e = embed_sym(config)
    k = Sym("kdim", config.get("kdim", config["embed_dim"]), "kdim (key size)")
    v = Sym("vdim", config.get("vdim", config["embed_dim"]), "vdim (value size)")
    axis = 1 if config.get("batch_first") else 0
    lq = sized("L", [query[axis]], QUERY_LENGTH)
    ls = sized("S", [key[axis]], "source (key and value) sequence length")
    same = config.get("same_embed_dim", True)
    projections = Mul(lq, e, e), Mul(ls, e if same else k, e), Mul(ls, e if same else v, e)
    return total(*projections, Mul(Num(2), lq, ls, e), Mul(lq, e, e))


# Transformer encoder layer ----------------------------------------------------------------------


def encoder_syms(config: dict):
    return (Sym("d_model", config["d_model"], "d_model (the size of each position)"),
            Sym("d_ff", config["dim_feedforward"], "dim_feedforward (the hidden size of the feed-forward block)"))


@params(T + "TransformerEncoderLayer")
def encoder_params(config, input_shapes):
    d, f = encoder_syms(config)
    bias = config.get("bias", True)
    one = Num(1)
    norms = Mul(Num(2), Num(2 if config.get("norm_bias", True) else 1), d) if config.get("norm_affine", True) else None
    found = [
        Part("self_attn: in_proj and out_proj" + (" with biases" if bias else ""),
             Mul(Num(4), d, Add(d, one)) if bias else Mul(Num(4), d, d)),
        Part("linear1 and linear2" + (" with biases" if bias else ""),
             Add(Mul(f, Add(d, one)), Mul(d, Add(f, one))) if bias else Mul(Num(2), d, f)),
    ]
    return found + ([Part("norm1 and norm2: weight and bias", norms)] if norms is not None else [])


@shape(T + "TransformerEncoderLayer")
def encoder_shape(config, input_shapes):
    return ShapeRule(tuple(input_shapes[0]))


@macs(T + "TransformerEncoderLayer")
def encoder_macs(config, input_shapes, output):
    """Self-attention over the sequence, and the two linear layers at every position."""
    d, f = encoder_syms(config)
    axis = 1 if config.get("batch_first") else 0
    length = sized("L", [input_shapes[0][axis]], QUERY_LENGTH)
    attention = attention_macs({"embed_dim": config["d_model"], "batch_first": config.get("batch_first")},
                               input_shapes[:1], output)
    return Add(attention, Mul(Num(2), length, d, f))
