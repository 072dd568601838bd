"""Attention layers: MultiHeadAttention projects query, key and value, ``H * kd * (Dq + 1)`` each.

Input shapes come as ``[query, value]`` or ``[query, value, key]``; without a key, the value is used.
"""

from __future__ import annotations

import math

from ..expr import Add, Mul, Num, Sym, total
from .registry import Part, ShapeRule, macs, params, shape, sized

GROUPED = ("GroupQueryAttention", "GroupedQueryAttention")  # exported name, class name


def query_key_value(input_shapes) -> tuple:
    query, value = input_shapes[:2]
    key = input_shapes[2] if len(input_shapes) > 2 and input_shapes[2] is not None else value
    return query, key, value


def feature_syms(input_shapes) -> tuple[Sym, Sym, Sym]:
    query, key, value = query_key_value(input_shapes)
    return (
        Sym("D_q", query[-1], "query features"),
        Sym("D_k", key[-1], "key features (the value's when no key is given)"),
        Sym("D_v", value[-1], "value features"),
    )


def projection(label: str, heads: Sym, size: Sym, fan_in: Sym, bias: bool) -> Part:
    """``H * kd * (Dq + 1)``: a ``Dq -> kd`` dense map per head."""
    return Part(label, Mul(heads, size, Add(fan_in, Num(1))) if bias else Mul(heads, size, fan_in))


def output_projection(heads: Sym, size: Sym, out: Sym, bias: bool) -> Part:
    """``O * (H * vd + 1)``: the heads, side by side, mapped to the output features."""
    joined = Mul(heads, size)
    return Part("output projection", Mul(out, Add(joined, Num(1))) if bias else Mul(out, joined))


def attention_parts(config: dict, heads, sizes, features, out: Sym) -> list[Part]:
    """Query, key and value projections (the gate, if any) and the output projection.

    ``heads`` is (query heads, key/value heads), ``sizes`` (key size, value size) per head.
    """
    (hq, hkv), (kd, vd), (dq, dk, dv) = heads, sizes, features
    bias = config.get("use_bias", True)
    parts = [
        projection("query projection", hq, kd, dq, bias),
        projection("key projection", hkv, kd, dk, bias),
        projection("value projection", hkv, vd, dv, bias),
    ]
    if config.get("use_gate"):
        parts.append(projection("gate", hq, vd, dq, bias))
    return parts + [output_projection(hq, vd, out, bias)]


def positions(shape_, axes, name: str, meaning: str) -> Sym:
    return sized(name, [shape_[a] for a in axes], meaning)


def mha_syms(config: dict, input_shapes):
    h = Sym("H", config["num_heads"], "attention heads")
    kd = Sym("d_k", config["key_dim"], "key size per head (key_dim)")
    vd = Sym("d_v", config.get("value_dim") or config["key_dim"], "value size per head (value_dim)")
    dq, dk, dv = feature_syms(input_shapes)
    given = config.get("output_shape")
    if given:
        o = Sym("O", math.prod(given if isinstance(given, (list, tuple)) else [given]),
                "output features (output_shape)")
    else:
        o = dq
    return h, kd, vd, dq, dk, dv, o


@params("MultiHeadAttention")
def multi_head_attention_params(config, input_shapes):
    h, kd, vd, dq, dk, dv, o = mha_syms(config, input_shapes)
    return attention_parts(config, (h, h), (kd, vd), (dq, dk, dv), o)


@shape("MultiHeadAttention")
def multi_head_attention_shape(config, input_shapes):
    query = tuple(input_shapes[0])
    given = config.get("output_shape")
    if not given:
        return ShapeRule(query)
    return ShapeRule((*query[:-1], *(given if isinstance(given, (list, tuple)) else [given])))


@macs("MultiHeadAttention")
def multi_head_attention_macs(config, input_shapes, output):
    """Projections, ``Q K^T`` and the weighted sum of values; softmax and scaling are not MACs."""
    query, key, value = query_key_value(input_shapes)
    h, kd, vd, dq, dk, dv, o = mha_syms(config, input_shapes)
    middle = range(1, len(value) - 1)
    axes = sorted(a % len(value) for a in (config.get("attention_axes") or middle))
    tq = positions(query, range(1, len(query) - 1), "T_q", "query positions")
    tk = positions(value, middle, "T_k", "key and value positions")
    if list(axes) == list(middle):
        seen = tk
    else:
        seen = positions(value, axes, "S", "key positions each query attends to (attention_axes)")
    counts = [Mul(tq, dq, h, kd), Mul(tk, dk, h, kd), Mul(tk, dv, h, vd)]
    if config.get("use_gate"):
        counts.append(Mul(tq, dq, h, vd))
    counts += [Mul(h, tq, seen, Add(kd, vd)), Mul(tq, h, vd, o)]
    return total(*counts)


def gqa_syms(config: dict):
    return (
        Sym("H_q", config["num_query_heads"], "query heads"),
        Sym("H_kv", config["num_key_value_heads"], "key and value heads (each serves H_q / H_kv query heads)"),
        Sym("d_h", config["head_dim"], "size per head (head_dim)"),
    )


@params(*GROUPED)
def grouped_query_attention_params(config, input_shapes):
    hq, hkv, hd = gqa_syms(config)
    dq, dk, dv = feature_syms(input_shapes)
    return attention_parts(config, (hq, hkv), (hd, hd), (dq, dk, dv), dq)


@shape(*GROUPED)
def query_shape(config, input_shapes):
    return ShapeRule(tuple(input_shapes[0]))


@macs(*GROUPED)
def grouped_query_attention_macs(config, input_shapes, output):
    """As for MultiHeadAttention; each key/value head serves H_q / H_kv query heads."""
    query, key, value = query_key_value(input_shapes)
    hq, hkv, hd = gqa_syms(config)
    dq, dk, dv = feature_syms(input_shapes)
    tq = sized("T_q", [query[1]], "query positions")
    tk = sized("T_k", [value[1]], "key and value positions")
    counts = [Mul(tq, dq, hq, hd), Mul(tk, dk, hkv, hd), Mul(tk, dv, hkv, hd)]
    if config.get("use_gate"):
        counts.append(Mul(tq, dq, hq, hd))
    counts += [Mul(Num(2), hq, tq, tk, hd), Mul(tq, hq, hd, dq)]
    return total(*counts)


@params("Attention")
def attention_params(config, input_shapes):
    parts = []
    if config.get("use_scale"):
        parts.append(Part("scale", Num(1)))
    if config.get("score_mode") == "concat":
        parts.append(Part("concat score weight", Num(1)))
    return parts


@params("AdditiveAttention")
def additive_attention_params(config, input_shapes):
    if not config.get("use_scale", True):
        return []
    return [Part("scale", Sym("D_q", input_shapes[0][-1], "query features"))]


@shape("Attention", "AdditiveAttention")
def attention_shape(config, input_shapes):
    query, value = input_shapes[:2]
    return ShapeRule((*query[:-1], value[-1]))


@macs("Attention", "AdditiveAttention")
def attention_macs(config, input_shapes, output):
    """Scores (a dot product, or the scaled sum over features) and the weighted sum of values."""
    query, key, value = query_key_value(input_shapes)
    tq = positions(query, range(1, len(query) - 1), "T_q", "query positions")
    tk = positions(value, range(1, len(value) - 1), "T_k", "key and value positions")
    dq, _, dv = feature_syms(input_shapes)
    return Mul(tq, tk, Add(dq, dv))
