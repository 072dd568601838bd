"""Quizzes in the manner of the seed's "Learnable parameters": numbered statements about a
model's layers, some true, some wrong in the way students are wrong, and an answer that
says why.

Every true number comes from the summary record. A wrong one comes from a named
misconception (:mod:`.misconceptions`): the same catalog formula evaluated with the
misconception's change. Which statements are made, and which are false, follows from a
seed through a hash, so a quiz is the same on every build, machine and Python version.
Nothing here imports Sphinx or Keras.
"""

from __future__ import annotations

import ast
import hashlib
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ..present import conventions as fmt
from ..present.reasoning import shape_walk
from ..present.references import ASKS, parse_asks  # noqa: F401 (parse_asks: the quiz's words, in one place)
from ..present.view import layer_labels
from ..model.expr import group
from .misconceptions import MISCONCEPTIONS, Context, Equation, Wrong, windowed

DEFAULT_STATEMENTS = 4


class QuizError(ValueError):
    """The quiz asked for cannot be made from this model (too few statements, say)."""


@dataclass
class Statement:
    number: int
    row: dict
    asks: str
    claim: object  # an int, or a shape list for ``output``
    true: bool
    truth: object
    text: str
    misconception: str | None = None  # a key of MISCONCEPTIONS
    wrong: Wrong | None = None


@dataclass
class Quiz:
    question: str
    statements: list[Statement]
    shapes: str  # the walk of shapes through the model

    @property
    def answer(self) -> list[int]:
        return [s.number for s in self.statements if s.true]


def parse_misconceptions(text) -> tuple[str, ...]:
    words = text if isinstance(text, (list, tuple)) else str(text or "").replace(",", " ").split()
    keys = tuple(dict.fromkeys(w.strip().lower() for w in words))
    unknown = [k for k in keys if k not in MISCONCEPTIONS]
    if unknown or not keys:
        raise ValueError(f"expected some of {', '.join(MISCONCEPTIONS)}, not {text!r}")
    return keys


@dataclass(eq=False)
class _Candidate:
    """A statement that could be made: its layer and quantity, the true value, the wrong ones."""

    row: dict
    asks: str
    truth: object
    wrongs: dict[str, Wrong]

    @property
    def key(self) -> tuple[str, str]:
        return self.row["label"], self.asks


def make_quiz(record: dict, asks=("params",), layers=None, statements: int | None = None, seed: int = 0,
              misconceptions=None, about: str = "the model") -> Quiz:
    """The quiz: ``layers`` (labels) picks the layers, else the ones a statement can be
    made false about; ``statements`` how many (default 4, or one per layer and ask).

    Raises ``ValueError`` for a layer that is not there, :class:`QuizError` when the
    model cannot give the quiz asked for.
    """
    context = Context(record)
    try:
        misconceptions = parse_misconceptions(misconceptions) if misconceptions else None
    except ValueError as error:  # the directives pass the words on unchecked
        raise ValueError(f":misconceptions: {error}") from None
    candidates = _candidates(context, asks, layers, [MISCONCEPTIONS[k] for k in (misconceptions or MISCONCEPTIONS)])
    count = statements or (len(candidates) if layers else min(DEFAULT_STATEMENTS, len(candidates)))
    if not candidates or count > len(candidates):
        raise QuizError(f"only {len(candidates)} statement(s) about {_asks_text(asks)} can be made on these "
                        f"layers, and {count} were asked for")
    pick = _Picker(seed)
    order = {id(row): i for i, row in enumerate(record["layers"])}
    chosen = pick.order("statements", candidates, lambda c: c.key)[:count]
    chosen.sort(key=lambda c: (order[id(c.row)], list(ASKS).index(c.asks)))
    falsifiable = [c for c in chosen if c.wrongs]
    least, most = (1, min(len(falsifiable), count - 1)) if count > 1 else (0, min(len(falsifiable), 1))
    if most < least:
        raise QuizError(f"no statement about {_asks_text(asks)} on these layers can be made false with "
                        "the misconceptions allowed; ask about other layers or quantities")
    false_count = least + pick.index("how many are false", most - least + 1)
    false = pick.order("which are false", falsifiable, lambda c: c.key)[:false_count]
    made = []
    for number, candidate in enumerate(chosen, 1):
        mistake = None
        if candidate in false:
            mistake = pick.order("misconception of {} {}".format(*candidate.key), sorted(candidate.wrongs), str)[0]
        claim = candidate.wrongs[mistake].claim if mistake else candidate.truth
        made.append(Statement(number, candidate.row, candidate.asks, claim, mistake is None, candidate.truth,
                              _sentence(context, candidate.row, candidate.asks, claim), mistake,
                              candidate.wrongs.get(mistake)))
    question = f"Based on {about}, what are the correct statements regarding each layer’s {_asks_text(asks)}?"
    return Quiz(question, made, shape_walk(record, width=None))  # each renderer wraps it


def quiz_from_options(record: dict, options, about: str = "the model") -> Quiz:
    """:func:`make_quiz` with a front-end's parsed options (``asks``, ``layers`` as
    ``first..last`` ranges, ``statements``, ``seed``, ``misconceptions``)."""
    layers = _asked_layers(record, options.layers) if options.layers else None
    return make_quiz(record, options.asks, layers, options.statements, options.seed,
                     options.misconceptions or None, about)


def _asked_layers(record: dict, ranges) -> list[str]:
    """The labels ``:layers:`` names: a name as it is (:func:`make_quiz` says if it
    cannot be asked about), a range's layers that a statement can be about (not the
    input, not inside a nested model)."""
    askable = {row["label"] for row in Context(record).rows}
    labels: list[str] = []
    for first, last in ranges:
        if first is not None and first == last:
            labels.append(first)
        else:
            labels += [label for label in layer_labels(record, [(first, last)]) if label in askable]
    return list(dict.fromkeys(labels))


def _candidates(context: Context, asks, layers, allowed: list) -> list[_Candidate]:
    rows = context.rows
    if layers:
        by_label = {r["label"]: r for r in rows}
        missing = [name for name in layers if name not in by_label]
        if missing:
            raise ValueError(f"no layer named {missing[0]!r} to ask about; the layers are {', '.join(by_label)}")
        rows = [by_label[name] for name in layers]
    found = []
    for row in rows:
        for ask in asks:
            truth = _truth(row, ask)
            if truth is None:
                continue
            wrongs = {}
            for misconception in allowed:
                wrong = misconception.wrong(context, row, ask) if ask in misconception.asks else None
                if wrong is not None and wrong.claim != truth:  # never a "wrong" number that is right
                    wrongs[misconception.key] = wrong
            found.append(_Candidate(row, ask, truth, wrongs))
    if layers:
        return found
    # left to the seed: layers with a formula or a window to reason about, and a wrong number to offer
    return [c for c in found if c.wrongs and (c.row["formula"] is not None or windowed(c.row))]


def _truth(row: dict, ask: str):
    if ask == "params":
        return row["params"]["total"]
    if len(row["output_shapes"]) != 1:
        return None
    return row["output_shapes"][0] if ask == "output" else row["activations"]


def _asks_text(asks) -> str:
    return " and ".join(ASKS[a] for a in asks)


class _Picker:
    """Choices from a seed through SHA-256, stable across Python versions and processes."""

    def __init__(self, seed: int):
        self.seed = seed

    def _hash(self, *parts) -> int:
        return int.from_bytes(hashlib.sha256(repr((self.seed, *parts)).encode()).digest()[:8], "big")

    def index(self, purpose: str, n: int) -> int:
        return self._hash(purpose) % n

    def order(self, purpose: str, items: list, key) -> list:
        return sorted(items, key=lambda item: self._hash(purpose, key(item)))


# Words -------------------------------------------------------------------------------------

_NOUNS = (  # (class name prefix, noun), the first that fits
    ("ConvTranspose", "transposed convolutional layer"),  # PyTorch's, before Conv
    ("Conv1DTranspose", "transposed convolutional layer"), ("Conv2DTranspose", "transposed convolutional layer"),
    ("Conv3DTranspose", "transposed convolutional layer"), ("Conv", "convolutional layer"),
    ("DepthwiseConv", "depthwise convolutional layer"), ("SeparableConv", "separable convolutional layer"),
    ("MaxPooling", "max pooling layer"), ("AveragePooling", "average pooling layer"),
    ("GlobalMaxPooling", "global max pooling layer"), ("GlobalAveragePooling", "global average pooling layer"),
    ("Dense", "fully-connected layer"), ("Flatten", "flatten layer"), ("Dropout", "dropout layer"),
    ("BatchNormalization", "batch normalization layer"), ("LayerNormalization", "layer normalization layer"),
    ("Embedding", "embedding layer"), ("LSTM", "LSTM layer"), ("GRU", "GRU layer"),
    ("SimpleRNN", "recurrent layer"),
    # PyTorch's modules
    ("MaxPool", "max pooling layer"),
    ("AvgPool", "average pooling layer"), ("AdaptiveMaxPool", "adaptive max pooling layer"),
    ("AdaptiveAvgPool", "adaptive average pooling layer"), ("Linear", "fully-connected layer"),
    ("BatchNorm", "batch normalization layer"), ("LayerNorm", "layer normalization layer"),
    ("GroupNorm", "group normalization layer"), ("RNN", "recurrent layer"),
    ("MultiheadAttention", "multi-head attention layer"), ("TransformerEncoderLayer", "transformer encoder layer"),
)
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def noun(class_name: str) -> str:
    return next((n for prefix, n in _NOUNS if class_name.startswith(prefix)), f"{class_name} layer")


def subject(context: Context, row: dict) -> str:
    """``The first convolutional layer``; ``The fully-connected layer`` when there is one."""
    kind = noun(row["class"])
    same = [r for r in context.rows if noun(r["class"]) == kind]
    if len(same) == 1:
        return f"The {kind}"
    place = same.index(row)
    ordinal = _ORDINALS[place] if place < len(_ORDINALS) else f"{place + 1}th"
    return f"The {ordinal} {kind}"


def _sentence(context: Context, row: dict, ask: str, claim) -> str:
    who = subject(context, row)
    if ask == "params":
        return f"{who} has a total of {group(claim)} parameters."
    if ask == "output":
        return f"{who} outputs a tensor of shape {fmt.shape_text(claim)}."
    return f"{who} outputs {group(claim)} values per sample (its activations)."


# The answer's reasoning, as text and equations any renderer can set ------------------------


def reasoning(statement: Statement) -> list:
    """Pieces of one statement's reasoning: strings and :class:`Equation` s."""
    row, ask = statement.row, statement.asks
    who = f"{row['label']} ({row['class']})"
    pieces: list = [f"{statement.number}. {'True' if statement.true else 'False'}. "]
    if ask == "params" and row["formula"] is not None:
        pieces += [f"{who}: parameters = ", Equation(row["formula"], "both"), "."]
    elif ask == "params":
        pieces.append(f"{who} has no parameters: {row.get('no_params_reason') or 'it has no weights'}.")
    elif ask == "output":
        pieces.append(f"{who} outputs {fmt.shapes_text(row['output_shapes'])}")
        for axes, item in fmt.derivations(row):
            pieces += [f"; {axes}: ", Equation(item, "substituted")]
        pieces.append(".")
    else:
        pieces.append(f"{who} outputs {fmt.activations_text(row)} values per sample.")
    if statement.wrong is not None:
        pieces += [" ", *statement.wrong.why]
    return pieces


def pieces_text(pieces: list) -> str:
    return "".join(p if isinstance(p, str) else fmt.equation(p.item, p.mode) for p in pieces)


def legend(quiz: Quiz) -> list[tuple[str, str]]:
    """The symbols of the equations in the answer, with their meaning."""
    meanings: dict[str, str] = {}
    for statement in quiz.statements:
        for piece in reasoning(statement):
            if isinstance(piece, Equation) and piece.mode != "substituted":
                for symbol, meaning in (piece.item.get("legend") or {}).items():
                    meanings.setdefault(symbol, meaning)
    return sorted(meanings.items(), key=lambda kv: (kv[0].lower(), kv[0]))


def to_json(quiz: Quiz, record: dict) -> dict:
    """The contract for learning platforms: ``statements`` and ``answer``, then the words."""
    return {
        "statements": [{"number": s.number, "layer": s.row["label"], "asks": s.asks, "claim": s.claim,
                        "true": s.true, "misconception": MISCONCEPTIONS[s.misconception].name if s.misconception else None}
                       for s in quiz.statements],
        "answer": quiz.answer,
        "model": {"name": record["model"]["name"], "spec": record["model"]["spec"]},
        "question": quiz.question,
        "texts": [s.text for s in quiz.statements],
        "reasoning": [pieces_text(reasoning(s)) for s in quiz.statements],
        "shapes": quiz.shapes,
        "legend": dict(legend(quiz)),
    }


# The model's code ------------------------------------------------------------------------


def factory_source(record: dict, near: str | Path) -> str | None:
    """The source of the spec's attribute (the factory, class or assignment), read from its
    module's file without importing it; ``None`` for a ``.keras`` file, or a file that is
    not a regular file inside the project of the folder ``near`` (a cache entry is input
    from outside: it could name any file)."""
    module, _, attr = record["model"]["spec"].partition(":")
    attr = attr.split("(")[0].strip()
    if not attr:
        return None
    tail = module.replace(".", "/")
    files = [Path(p) for p in record["model"].get("sources") or []]
    path = next((p for p in files if p.with_suffix("").as_posix().endswith(tail)
                 or p.as_posix().endswith(f"{tail}/__init__.py")), None)
    if path is None or path.suffix != ".py" or not _inside(path, project_root(near)) or not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
        body = ast.parse(text).body
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    found = None
    for part in attr.split("."):
        found = next((node for node in body if _defines(node, part)), None)
        if found is None:
            return None
        body = getattr(found, "body", [])
    first = min([found.lineno, *(d.lineno for d in getattr(found, "decorator_list", []))])
    lines = text.splitlines()[first - 1:found.end_lineno]
    return textwrap.dedent("\n".join(lines))


def no_source(record: dict) -> str:
    """Why ``:show-code:`` shows nothing, in every front-end's words."""
    return (f":show-code: the source of {record['model']['spec']} is not in the project (a .keras file, "
            "or an installed package); no code is shown")


PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", ".hg")


def project_root(near: str | Path) -> Path:
    """The project a folder is in: the nearest folder from ``near`` up that holds a
    repository or a Python project's file, else the folder above ``near`` (a docs folder's
    code sits beside it)."""
    start = Path(near).resolve()
    found = next((folder for folder in (start, *start.parents)
                  if any((folder / marker).exists() for marker in PROJECT_MARKERS)), None)
    return found or start.parent


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL
        return False


def _defines(node: ast.AST, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return any(isinstance(t, ast.Name) and t.id == name for t in targets)
