"""Tiny arithmetic expressions that print symbolically, with numbers put in, or as LaTeX.

A formula is written once as a tree whose leaves are symbols bound to values, so the
symbolic text, the substituted text and the value can never disagree.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from .clean import printable

ATOM, PRODUCT, SUM = 3, 2, 1


def group(value: int) -> str:
    """``21632`` -> ``21,632``."""
    return f"{value:,}"


def shape_text(shape) -> str:
    """A tensor shape as Keras prints it, the one form every output uses: ``(None, 26, 26, 32)``,
    an unknown size (the batch axis) as ``None``, a 1-tuple with its comma, ``(16,)``, as a
    Python tuple; an unknown shape as ``?``."""
    if shape is None:
        return "?"
    inner = ", ".join("None" if n is None else str(n) for n in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def shapes_text(shapes) -> str:
    """Several shapes (a layer with several inputs or outputs): ``(None, 4), (None, 8)``."""
    return ", ".join(shape_text(s) for s in shapes)


def tex_group(value: int) -> str:
    """``21632`` -> ``21{,}632`` (a comma in maths is punctuation and would add a space)."""
    return group(value).replace(",", "{,}")


_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
                 **{c: "\\" + c for c in "_&%$#{}"}}


def tex_name(name: str) -> str:
    """A layer's or a weight's name in maths: upright code type, every character literal
    (control characters as visible escapes)."""
    return r"\texttt{" + "".join(_TEXT_ESCAPES.get(c, c) for c in printable(name)) + "}"


_SYMBOL = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_-?[A-Za-z0-9]+)?")


def symbol_tex(name: str) -> str:
    """How a symbol is typeset: one letter in italics, ``d_k`` with a subscript, a word
    upright; anything else (a name from a cache entry, say) literally, as a name."""
    if not _SYMBOL.fullmatch(name):
        return tex_name(name)
    main, _, sub = name.partition("_")
    if sub:
        return f"{symbol_tex(main)}_{{{sub}}}"
    return name if len(name) == 1 else rf"\mathrm{{{name}}}"


class Expr:
    precedence = ATOM

    def value(self) -> Fraction:
        raise NotImplementedError

    def text(self, numbers: bool = False) -> str:
        return self._render(numbers, latex=False)

    def latex(self, numbers: bool = False) -> str:
        return self._render(numbers, latex=True)

    def symbols(self) -> list[Sym]:
        """The symbols in the tree, first occurrence first, each once."""
        seen: dict[str, Sym] = {}
        for child in self._children():
            for sym in child.symbols():
                seen.setdefault(sym.name, sym)
        return list(seen.values())

    def integer(self) -> int:
        value = self.value()
        if value.denominator != 1:
            raise ValueError(f"{self.text()} is not a whole number: {value}")
        return int(value)

    def _children(self) -> tuple[Expr, ...]:
        return ()

    def _render(self, numbers: bool, latex: bool) -> str:
        raise NotImplementedError

    def _wrap(self, child: Expr, numbers: bool, latex: bool, below: int) -> str:
        inner = child._render(numbers, latex)
        if child.precedence < below:
            return rf"\left({inner}\right)" if latex else f"({inner})"
        return inner


class Num(Expr):
    def __init__(self, number: int):
        self.number = number

    def value(self) -> Fraction:
        return Fraction(self.number)

    def _render(self, numbers: bool, latex: bool) -> str:
        return tex_group(self.number) if latex else str(self.number)


class Sym(Expr):
    """A named quantity with its value and what it means (for the legend)."""

    def __init__(self, name: str, number: int, meaning: str, tex: str | None = None):
        self.name, self.number, self.meaning = name, number, meaning
        self.tex = tex or symbol_tex(name)

    def value(self) -> Fraction:
        return Fraction(self.number)

    def symbols(self) -> list[Sym]:
        return [self]

    def _render(self, numbers: bool, latex: bool) -> str:
        if numbers:
            return tex_group(self.number) if latex else str(self.number)
        return self.tex if latex else self.name


class _Chain(Expr):
    """Operands joined by one operator (sum or product)."""

    joiner = ""
    tex_joiner = ""

    def __init__(self, *operands: Expr):
        self.operands = operands

    def _children(self) -> tuple[Expr, ...]:
        return self.operands

    def _render(self, numbers: bool, latex: bool) -> str:
        joiner = self.tex_joiner if latex else self.joiner
        return joiner.join(self._wrap(o, numbers, latex, self.precedence) for o in self.operands)


class Add(_Chain):
    precedence = SUM
    joiner = tex_joiner = " + "

    def value(self) -> Fraction:
        return sum((o.value() for o in self.operands), Fraction(0))


class Mul(_Chain):
    precedence = PRODUCT
    joiner = " * "
    tex_joiner = r" \cdot "

    def value(self) -> Fraction:
        return math.prod((o.value() for o in self.operands), start=Fraction(1))


class Times(Mul):
    """A product of sizes, written ``5 x 5 x 64`` as in a shape."""

    joiner = " x "
    tex_joiner = r" \times "


class Sub(Expr):
    precedence = SUM

    def __init__(self, left: Expr, right: Expr):
        self.left, self.right = left, right

    def _children(self) -> tuple[Expr, ...]:
        return self.left, self.right

    def value(self) -> Fraction:
        return self.left.value() - self.right.value()

    def _render(self, numbers: bool, latex: bool) -> str:
        left = self._wrap(self.left, numbers, latex, SUM)
        return f"{left} - {self._wrap(self.right, numbers, latex, PRODUCT)}"


class Div(Expr):
    precedence = PRODUCT

    def __init__(self, numerator: Expr, denominator: Expr):
        self.numerator, self.denominator = numerator, denominator

    def _children(self) -> tuple[Expr, ...]:
        return self.numerator, self.denominator

    def value(self) -> Fraction:
        return self.numerator.value() / self.denominator.value()

    def _render(self, numbers: bool, latex: bool) -> str:
        # a slash, not \frac: a fraction inside a table row is too small to read
        top = self._wrap(self.numerator, numbers, latex, PRODUCT)
        return f"{top} / {self._wrap(self.denominator, numbers, latex, ATOM)}"


class _Function(Expr):
    name = ""
    tex_open = tex_close = ""

    def __init__(self, *arguments: Expr):
        self.arguments = arguments

    def _children(self) -> tuple[Expr, ...]:
        return self.arguments

    def _render(self, numbers: bool, latex: bool) -> str:
        inner = ", ".join(a._render(numbers, latex) for a in self.arguments)
        if latex:
            return f"{self.tex_open}{inner}{self.tex_close}"
        return f"{self.name}({inner})"


class Floor(_Function):
    name = "floor"
    tex_open, tex_close = r"\left\lfloor ", r"\right\rfloor"

    def value(self) -> Fraction:
        return Fraction(math.floor(self.arguments[0].value()))


class Ceil(_Function):
    name = "ceil"
    tex_open, tex_close = r"\left\lceil ", r"\right\rceil"

    def value(self) -> Fraction:
        return Fraction(math.ceil(self.arguments[0].value()))


class Max(_Function):
    name = "max"
    tex_open, tex_close = r"\max\left(", r"\right)"

    def value(self) -> Fraction:
        return max(a.value() for a in self.arguments)


def product(*operands: Expr) -> Expr:
    """A product that drops factors equal to the number 1 and never nests one operand."""
    kept = [o for o in operands if not (isinstance(o, Num) and o.number == 1)]
    if not kept:
        return Num(1)
    return kept[0] if len(kept) == 1 else Mul(*kept)


def total(*operands: Expr) -> Expr:
    kept = [o for o in operands if not (isinstance(o, Num) and o.number == 0)]
    if not kept:
        return Num(0)
    return kept[0] if len(kept) == 1 else Add(*kept)
