"""The shape of a summary record, checked field by field before a cache entry is used.

A cache entry is input from outside (anyone can commit one, or edit it by hand), and
the renderers trust what they read: each field they use must have its type, counts
must be whole numbers of a sane size, and the LaTeX put into maths may use only the
commands the formulas are written with, so no entry can run TeX or MathJax code
(``\\input``, ``\\href``, ``\\write``) or stop a LaTeX build. Nothing here imports Keras.
"""

from __future__ import annotations

import functools
import re

from .clean import LIMIT as TEXT_LIMIT, is_printable

SCHEMA = 3  # the record's version: 2 adds MACs for every layer, wrappers and sublayers; 3 memory in bytes
NoneType = type(None)
LIMIT = 2**63  # no count, size or shape is larger; a bigger one is no model's


class Map:
    """A dict from strings to values of one schema."""

    def __init__(self, values):
        self.values = values


class Latex:
    """A string to be typeset as maths (see :func:`latex_problem`)."""


class Size:
    """A whole number of bytes: never negative."""


INT, OPT_INT, OPT_STR = int, (int, NoneType), (str, NoneType)
OPT_SIZE = (Size, NoneType)  # None: a size the input leaves open
SHAPE = [OPT_INT]
DIAGNOSTIC = {"layer": OPT_STR, "kind": str, "message": str}
EXPRESSION = {"symbolic": str, "substituted": str, "value": INT, "latex": {"symbolic": Latex, "substituted": Latex}}
LEGEND = Map(str)
FORMULA = {**EXPRESSION, "source": str, "legend": LEGEND}
COUNTS = {"total": INT, "trainable": INT, "non_trainable": INT}
ROW = {
    "name": str, "label": str, "class": str, "depth": INT, "parent": OPT_STR, "call": INT, "shared": bool,
    "input_shapes": [(SHAPE, NoneType)], "output_shapes": [SHAPE], "connected_to": [str],
    "diagnostics": [DIAGNOSTIC], "activations": OPT_INT, "params": COUNTS, "formula": (FORMULA, NoneType),
    "no_params_reason": OPT_STR, "shape_derivations": [{**EXPRESSION, "axis": str, "legend": LEGEND}],
    # the count is unknown (None) when a size is, as an LSTM's over a free number of steps
    "macs": OPT_INT, "macs_formula": ({**EXPRESSION, "value": OPT_INT, "legend": LEGEND}, NoneType),
    "output_dtypes": [str], "activation_bytes": OPT_SIZE,
}
OPTIONAL_IN_MODEL = {"environment": Map(str),  # digests of the variables its module declares it reads
                     "input_dtypes": [str],
                     "framework": str, "torch_version": str, "device": str}  # a PyTorch model's record
OPTIONAL_IN_ROW = {"keras_output_shapes": [SHAPE], "rule": str}  # rule: the catalog's name, "torch.Conv2d"
OPTIONAL_IN_FORMULA = {"parts": [{**EXPRESSION, "label": str, "trainable": bool}],
                       "mismatch": {"trainable": INT, "non_trainable": INT}}
RECORD = {
    "schema": INT,
    "model": {"name": str, "class": str, "spec": str, "input_shapes": ([SHAPE], NoneType), "inputs": [SHAPE],
              "outputs": [SHAPE], "keras_version": str, "backend": str, "sources": [str]},
    "layers": [ROW],
    "totals": {"params": INT, "trainable": INT, "non_trainable": INT, "memory_bytes": Map(Size), "bytes": Size,
               "macs": INT, "input_bytes": OPT_SIZE, "params_bytes": Size, "forward_backward_bytes": OPT_SIZE,
               "total_bytes": OPT_SIZE, "activation_dtypes": [str]},
    "legend": LEGEND,
    "diagnostics": [DIAGNOSTIC],
}


def record_problem(record) -> str:
    """What is wrong with a record, or ``""``: the first field of the wrong type, a LaTeX
    string that is not plain maths, a depth that does not follow the rows."""
    problem = _problem(record, RECORD, "record") or _optional(record["model"], OPTIONAL_IN_MODEL, "record.model")
    for i, row in enumerate(record["layers"] if not problem else ()):
        where = f"record.layers[{i}]"
        problem = (_optional(row, OPTIONAL_IN_ROW, where)
                   or (row["formula"] is not None and _optional(row["formula"], OPTIONAL_IN_FORMULA, where + ".formula"))
                   or ("" if 0 <= row["depth"] <= i else f"{where}.depth is {row['depth']}, not 0 to {i}"))
        if problem:
            break
    return problem


def _optional(value: dict, schema: dict, where: str) -> str:
    for key in schema:
        found = _problem(value[key], schema[key], f"{where}.{key}") if key in value else ""
        if found:
            return found
    return ""


def _problem(value, schema, where: str) -> str:
    """Why ``value`` does not fit ``schema`` (``where`` names it), or ``""``."""
    found = _checker(schema)(value)
    return "" if found is None else f"{where}{found[0]}{found[1]}"


_CHECKERS: dict[int, tuple] = {}


def _checker(schema):
    """A function of a value: ``(path below the value, what is wrong)`` for the first
    field that does not fit ``schema``, or ``None``. Made once per schema (a warm build
    checks every entry it shows, so the checks are closures, not a walk of the schema)."""
    made = _CHECKERS.get(id(schema))
    if made is None:
        made = _CHECKERS[id(schema)] = (schema, _compile(schema))  # the schema kept: its id stays its own
    return made[1]


def _compile(schema):
    if isinstance(schema, tuple):  # alternatives
        options = [_compile(option) for option in schema]

        def check(value):
            first = None
            for option in options:
                found = option(value)
                if found is None:
                    return None
                first = first or found
            return first
    elif isinstance(schema, dict):
        fields = [(key, _compile(sub)) for key, sub in schema.items()]

        def check(value):
            if not isinstance(value, dict):
                return "", f" is {_kind(value)}, not an object"
            for key, _ in fields:
                if key not in value:
                    return "", f" has no {key!r}"
            for key, field in fields:
                found = field(value[key])
                if found is not None:
                    return f".{key}{found[0]}", found[1]
            return None
    elif isinstance(schema, list):
        item_check = _compile(schema[0])

        def check(value):
            if not isinstance(value, list):
                return "", f" is {_kind(value)}, not a list"
            for i, item in enumerate(value):
                found = item_check(item)
                if found is not None:
                    return f"[{i}]{found[0]}", found[1]
            return None
    elif isinstance(schema, Map):
        item_check = _compile(schema.values)

        def check(value):
            if not isinstance(value, dict):
                return "", f" is {_kind(value)}, not an object"
            for key, item in value.items():
                if not is_printable(key):
                    return "", f" has a key {key[:40]!r} with a control character or over {TEXT_LIMIT:,} characters"
                found = item_check(item)
                if found is not None:
                    return f"[{key!r}]{found[0]}", found[1]
            return None
    elif schema is Latex:
        def check(value):
            if type(value) is not str:
                return "", f" is {_kind(value)}, not a str"
            problem = latex_problem(value)
            return ("", f": {problem}") if problem else None
    elif schema is int:
        def check(value):
            if type(value) is int and -LIMIT < value < LIMIT:  # not a bool, a float or a huge number
                return None
            return "", f" is {_kind(value)}, not a whole number"
    elif schema is Size:
        def check(value):
            if type(value) is int and 0 <= value < LIMIT:
                return None
            return "", f" is {_kind(value)}, not a number of bytes"
    elif schema is str:
        def check(value):
            if type(value) is not str:
                return "", f" is {_kind(value)}, not a str"
            if not is_printable(value):  # it reaches terminals, XML and LaTeX
                return "", f" holds a control character or is over {TEXT_LIMIT:,} characters"
            return None
    else:
        def check(value):
            return None if type(value) is schema else ("", f" is {_kind(value)}, not a {schema.__name__}")
    return check


def _kind(value) -> str:
    if isinstance(value, (bool, NoneType)) or (isinstance(value, (int, float)) and abs(value) < LIMIT):
        return repr(value)
    return f"a {type(value).__name__}"


# The LaTeX the formulas are written with (expr.py): a new command used there must be added.
ARGUMENTS = {"mathit": 1, "mathrm": 1, "texttt": 1, "frac": 2}  # commands and their {arguments}
LATEX_WORDS = {"cdot", "times", "left", "right", "lfloor", "rfloor", "lceil", "rceil", "max", "min",
               "textbackslash", "textasciicircum", "textasciitilde", *ARGUMENTS}
TEXT_WORDS = {"textbackslash", "textasciicircum", "textasciitilde"}  # the commands a \texttt{} name holds
LATEX_SYMBOLS = set(" ,;!_&%$#{}")  # \, \_ \& ...: spacing and escaped characters
DELIMITERS = set("()[]|./") | {r"\{", r"\}", r"\lfloor", r"\rfloor", r"\lceil", r"\rceil"}
LATEX_LIMIT = 50_000  # characters of one formula's LaTeX
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|.", re.S)


class _Bad(Exception):
    pass


@functools.lru_cache(maxsize=4096)  # the same formulas recur across rows and records
def latex_problem(text: str) -> str:
    r"""Why ``text`` is not plain maths as the formulas write it, or ``""``: a command they
    do not use, an unescaped special character, a control character, braces or
    ``\left``/``\right`` that do not pair up in order, a double subscript, a command
    without its arguments, maths inside a ``\texttt`` name."""
    if len(text) > LATEX_LIMIT:
        return f"the LaTeX is over {LATEX_LIMIT:,} characters"
    if not is_printable(text, LATEX_LIMIT):
        return "the LaTeX holds a control character"
    try:
        tokens = _TOKEN.findall(text)
        end = _group(tokens, 0, math=True, closer=None)
        if end != len(tokens):
            raise _Bad("the LaTeX's braces or \\left and \\right do not pair up")
    except _Bad as error:
        return str(error)
    return ""


def _group(tokens: list[str], i: int, math: bool, closer: str | None) -> int:
    r"""Check the tokens from ``i`` up to ``closer`` (``}``, ``\right`` or the end);
    return the index after it."""
    scripted = ""  # the script ("_" or "^") the last atom carries
    while i < len(tokens):
        token = tokens[i]
        if token == closer or token in ("}", r"\right"):
            if token != closer:
                raise _Bad("the LaTeX's braces or \\left and \\right do not pair up")
            return i + 1
        if token in ("_", "^"):
            if not math:
                raise _Bad(f"the LaTeX has {token!r} unescaped in a name")
            if scripted == token:
                raise _Bad(f"the LaTeX has a double {'subscript' if token == '_' else 'superscript'}")
            i = _atom(tokens, i + 1, math)
            scripted = token
            continue
        i, scripted = _atom(tokens, i, math), ""
    if closer is not None:
        raise _Bad("the LaTeX's braces or \\left and \\right do not pair up")
    return i


def _atom(tokens: list[str], i: int, math: bool) -> int:
    """Check one atom at ``i`` (a character, a command with its arguments, a group);
    return the index after it."""
    if i >= len(tokens) or tokens[i] in ("}", "_", "^", r"\right"):
        raise _Bad("the LaTeX has a command or script without its argument")
    token = tokens[i]
    if token == "{":
        return _group(tokens, i + 1, math, "}")
    if token.startswith("\\"):
        name = token[1:]
        allowed = (TEXT_WORDS | LATEX_SYMBOLS - {" ", ",", ";", "!"}) if not math else (LATEX_WORDS | LATEX_SYMBOLS)
        if name not in allowed:
            return _bad_command(name, math)
        if name == "left":
            if i + 1 >= len(tokens) or tokens[i + 1] not in DELIMITERS:
                raise _Bad("the LaTeX has \\left without a delimiter")
            end = _group(tokens, i + 2, math, r"\right")
            if end >= len(tokens) or tokens[end] not in DELIMITERS:
                raise _Bad("the LaTeX has \\right without a delimiter")
            return end + 1
        i += 1
        for _ in range(ARGUMENTS.get(name, 0)):
            if i >= len(tokens) or tokens[i] != "{":
                raise _Bad(f"the LaTeX has \\{name} without its argument")
            i = _group(tokens, i + 1, math and name != "texttt", "}")
        return i
    if token in "%#$&" or (token == "~" and math):
        raise _Bad(f"the LaTeX has {token!r} unescaped")
    return i + 1


def _bad_command(name: str, math: bool) -> int:
    where = "a formula" if math else "a name"
    raise _Bad(f"the LaTeX command \\{name} is not one {where} uses")


ENTRY = {"spec": str, "input_shape": OPT_STR, "sources": Map(OPT_STR), "framework": Map(OPT_STR), "record": dict}


def entry_problem(entry, spec: str, input_shape: str) -> str:
    """What is wrong with a cache entry for ``spec`` and ``input_shape``, or ``""``."""
    problem = _problem(entry, ENTRY, "entry")
    if problem:
        return problem
    if any("\0" in path for path in entry["sources"]):
        return "a source path holds a NUL character"
    if entry["spec"] != spec or re.sub(r"\s+", "", entry["input_shape"] or "") != input_shape:
        return f"it is the entry of {entry['spec']!r} (input shape {entry['input_shape']!r})"
    problem = record_problem(entry["record"])
    if not problem and not spec.endswith(".keras") and entry["record"]["model"]["spec"] != spec:
        # a quiz shows the code of the record's spec: it must be the one the page names
        problem = f"its record is of {entry['record']['model']['spec'][:80]!r}, not of {spec[:80]!r}"
    return problem
