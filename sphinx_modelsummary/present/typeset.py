"""Formulas typeset without a maths engine: the record's LaTeX read back into tokens.

The record keeps one LaTeX string per formula side (:mod:`.expr` writes a small, closed
subset of LaTeX); this module turns it into tokens that a renderer shows as Unicode text
(``k · (f · h · w + 1)``, ``⌊(28 − 3) / 1⌋ + 1``) or as HTML with italic symbols,
subscripts and names in code type, so a page reads the same with or without MathJax.
Unknown input never raises: what is not understood is shown as text.
"""

from __future__ import annotations

import functools
import html
import re
from typing import NamedTuple


#: The attribute of a formula's maths node (``doctree.math_node``) that holds its plain reading.
TEXT_ATTRIBUTE = "modelsummary_text"


class Token(NamedTuple):
    kind: str  # "sym" (italic), "sub" (subscript of the symbol before), "word" (upright), "name" (code), "text"
    text: str


_OPERATORS = {r"\cdot": "·", r"\times": "×", "+": "+", "-": "−", "/": "/", "=": "=", r"\rightarrow": "→"}
_DELIMITERS = {
    r"\left(": "(", r"\right)": ")", r"\left\lfloor": "⌊", r"\right\rfloor": "⌋",
    r"\left\lceil": "⌈", r"\right\rceil": "⌉", r"\lfloor": "⌊", r"\rfloor": "⌋",
    r"\lceil": "⌈", r"\rceil": "⌉", "(": "(", ")": ")",
}
_TEXT_COMMANDS = {r"\textbackslash": "\\", r"\textasciicircum": "^", r"\textasciitilde": "~"}
_GROUPED = {r"\mathrm": "word", r"\mathit": "sym", r"\texttt": "name", r"\text": "word", r"\operatorname": "word"}
_SCAN = re.compile(
    r"\\rightarrow|\\left\\[a-z]+|\\right\\[a-z]+|\\left.|\\right.|\\[A-Za-z]+|\\.|\{,\}|_|[A-Za-z]+|\d+|\s+|.",
    re.S,
)


def _group_end(source: str, start: int) -> int:
    """The index of the ``}`` that closes the group opened at ``start``."""
    depth = 0
    for i in range(start, len(source)):
        if source[i] == "\\":
            continue
        if source[i] == "{" and (i == 0 or source[i - 1] != "\\"):
            depth += 1
        elif source[i] == "}" and source[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i
    return len(source)


def _unescape(text: str) -> str:
    """The literal characters of a ``\\texttt{...}`` group."""
    for command, char in _TEXT_COMMANDS.items():
        text = text.replace(command + "{}", char)
    return re.sub(r"\\([_&%$#{}])", r"\1", text)


@functools.lru_cache(maxsize=4096)  # a table repeats its formulas (k · (f · h · w + 1) on every Conv2D)
def tokens(latex: str) -> tuple[Token, ...]:
    """The tokens of one formula side (or a whole equation)."""
    out: list[Token] = []
    i = 0
    while i < len(latex):
        piece = _SCAN.match(latex, i).group()
        i += len(piece)
        if piece in _GROUPED and i < len(latex) and latex[i] == "{":
            end = _group_end(latex, i)
            body = latex[i + 1:end]
            i = end + 1
            out.append(Token(_GROUPED[piece], _unescape(body) if piece == r"\texttt" else _plain(body)))
        elif piece == "_":
            if i < len(latex) and latex[i] == "{":
                end = _group_end(latex, i)
                out.append(Token("sub", _plain(latex[i + 1:end])))
                i = end + 1
            elif i < len(latex):
                out.append(Token("sub", latex[i]))
                i += 1
        elif piece in _OPERATORS:
            out.append(Token("text", f" {_OPERATORS[piece]} "))
        elif piece in _DELIMITERS:
            out.append(Token("text", _DELIMITERS[piece]))
        elif piece == "{,}" or piece == ",":
            out.append(Token("text", "," if piece == "{,}" else ", "))
        elif piece in (r"\ ", r"\,", r"\;", r"\quad"):
            out.append(Token("text", " "))
        elif piece == r"\max":
            out.append(Token("word", "max"))
        elif piece.startswith("\\"):
            out.append(Token("text", _TEXT_COMMANDS.get(piece, piece[1:])))
        elif piece.isspace() or piece in "{}":
            continue
        elif piece.isalpha():
            out.append(Token("sym", piece))
        else:
            out.append(Token("text", piece))
    return tuple(_merge(out))


def _plain(latex: str) -> str:
    return "".join(token.text for token in tokens(latex))


def _merge(found: list[Token]) -> list[Token]:
    """Neighbouring text tokens as one; no double spaces."""
    merged: list[Token] = []
    for token in found:
        if merged and token.kind == "text" and merged[-1].kind == "text":
            merged[-1] = Token("text", (merged[-1].text + token.text).replace("  ", " "))
        else:
            merged.append(token)
    return merged


def to_unicode(latex: str) -> str:
    """``k · (f · h · w + 1)``; a subscript is written ``d_k``."""
    return "".join(("_" + t.text) if t.kind == "sub" else t.text for t in tokens(latex)).strip()


def to_html(latex: str) -> str:
    """The same as HTML: ``<i>d</i><sub>k</sub>``, names in ``<code>``."""
    parts = []
    for kind, text in tokens(latex):
        text = html.escape(text)
        parts.append({"sym": f"<i>{text}</i>", "sub": f"<sub>{text}</sub>", "name": f"<code>{text}</code>"}
                     .get(kind, text))
    return "".join(parts).strip()
