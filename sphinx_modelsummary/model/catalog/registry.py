"""The catalog's registry: the rule types, the decorators that register a rule for layer
classes, and the look-ups the summary makes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from ..expr import Expr, Num, Sym

Shape = tuple  # (None, 26, 26, 32)


@dataclass
class Part:
    """One group of weights: ``label`` names them, ``expr`` counts them."""

    label: str
    expr: Expr
    trainable: bool = True


@dataclass
class Derivation:
    """How one output axis follows from the input: ``floor((28 - 3) / 1) + 1 = 26``."""

    axis: str
    expr: Expr


@dataclass
class ShapeRule:
    shape: Shape
    derivations: list[Derivation] = field(default_factory=list)


ParamsFn = Callable[[dict, list], list[Part]]
ShapeFn = Callable[[dict, list], ShapeRule]
MacsFn = Callable[[dict, list, Shape], Optional[Expr]]


@dataclass
class Rule:
    params: Optional[ParamsFn] = None
    shape: Optional[ShapeFn] = None
    macs: Optional[MacsFn] = None
    no_params_reason: str = ""
    no_macs_reason: str = ""


class UnknownSize(ValueError):
    """Raised by the value of an expression holding an :class:`Unknown`."""


class Unknown(Sym):
    """A size the input shape leaves open (``None``): named in both forms, it has no value."""

    def __init__(self, name: str, meaning: str, tex: str | None = None):
        super().__init__(name, None, meaning, tex)

    def value(self):
        raise UnknownSize(self.name)

    def _render(self, numbers, latex):
        return super()._render(False, latex)


def sized(name: str, sizes, meaning: str) -> Sym:
    """``name`` for the product of ``sizes``, or an :class:`Unknown` when one of them is ``None``."""
    sizes = list(sizes)
    if None in sizes:
        known = " x ".join("?" if n is None else str(n) for n in sizes)
        return Unknown(name, f"{meaning}; unknown: {known}")
    return Sym(name, math.prod(sizes), meaning)


RULES: dict[str, Rule] = {}


def _rule(name: str) -> Rule:
    return RULES.setdefault(name, Rule())


def _registrar(kind: str):
    """A decorator factory: ``@params("Conv1D", "Conv2D")`` registers a function for them."""

    def decorator(*names: str):
        def register(fn):
            for name in names:
                setattr(_rule(name), kind, fn)
            return fn

        return register

    return decorator


params = _registrar("params")  # (config, input_shapes) -> list[Part]
shape = _registrar("shape")  # (config, input_shapes) -> ShapeRule
macs = _registrar("macs")  # (config, input_shapes, output_shape) -> Expr | None


def _apply(name: str, kind: str, *args):
    """The class's rule of this kind applied to ``args``, or ``None`` without one."""
    fn = getattr(RULES.get(name), kind, None)
    return None if fn is None else fn(*args)


def no_params(reason: str, *names: str) -> None:
    """Classes that never hold weights, with the sentence that says why."""
    for name in names:
        rule = _rule(name)
        rule.params = lambda config, shapes: []
        rule.no_params_reason = reason


def parameter_parts(name: str, config: dict, input_shapes: list) -> Optional[list[Part]]:
    """The catalog's parts for this layer, or ``None`` when the class is not catalogued."""
    parts = _apply(name, "params", config, input_shapes)
    if parts is not None and config.get("trainable", True) is False:
        parts = [replace(part, trainable=False) for part in parts]
    return parts


def output_shape(name: str, config: dict, input_shapes: list) -> Optional[ShapeRule]:
    return _apply(name, "shape", config, input_shapes)


def mac_count(name: str, config: dict, input_shapes: list, output: Shape) -> Optional[Expr]:
    return _apply(name, "macs", config, input_shapes, output)


def no_params_reason(name: str) -> str:
    rule = RULES.get(name)
    return rule.no_params_reason if rule else ""


def no_macs(reason: str, *names: str) -> None:
    """Classes that count 0 multiply-accumulates by the convention ``reason`` states."""
    for name in names:
        rule = _rule(name)
        rule.macs = lambda config, shapes, output: Num(0)
        rule.no_macs_reason = reason


def no_macs_reason(name: str) -> str:
    rule = RULES.get(name)
    return rule.no_macs_reason if rule else ""


def inner_layer(config: dict, key: str = "layer") -> tuple[str, dict]:
    """The class name and config of a wrapped layer (``Bidirectional``, ``TimeDistributed``)."""
    inner = config[key]
    return inner["class_name"], inner["config"]
