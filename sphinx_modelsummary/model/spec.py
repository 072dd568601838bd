"""Model specs: ``pkg.mod:attr``, ``pkg.mod:factory(arg, key=value)`` or ``path/model.keras``.

Parsing is pure; :func:`load_model` imports the framework, the module and builds the model.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import importlib
import re
import sys
import traceback
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import isolation
from .frameworks import (  # noqa: F401 (import_keras: the API other modules use)
    MISSING_KERAS, import_keras, is_torch_module, keras_or_none, missing_framework, optional_keras,
)
from .clean import one_line
from ..problems import Hint, ModelSpecError, Problem
from .sources import Watched, is_users, note_import, user_sources, watch

SPEC = re.compile(r"^(?P<module>[A-Za-z_][\w.]*):(?P<attr>[A-Za-z_][\w.]*)\s*(?P<call>\(.*\))?$", re.S)


@dataclass(frozen=True)
class ModelSpec:
    module: str = ""
    attr: str = ""
    args: tuple = ()
    kwargs: tuple = ()  # (name, value) pairs, so the spec stays hashable
    called: bool = False
    path: str = ""  # a .keras file instead of module:attr
    text: str = field(default="", compare=False)


def parse_spec(text: str) -> ModelSpec:
    text = text.strip()
    if text.endswith(".keras"):
        return ModelSpec(path=text, text=text)
    match = SPEC.match(text)
    if not match:
        raise ModelSpecError(
            Problem.SYNTAX,
            f"cannot read the model spec {text!r}: write 'package.module:attribute', "
            "'package.module:factory(arg, key=value)' or a path ending in '.keras'",
        )
    args, kwargs = _parse_call(text, match["call"]) if match["call"] else ((), ())
    return ModelSpec(match["module"], match["attr"], args, kwargs, bool(match["call"]), text=text)


def _parse_call(text: str, call: str) -> tuple[tuple, tuple]:
    def bad(why: str) -> ModelSpecError:
        return ModelSpecError(
            Problem.SYNTAX, f"cannot read the arguments in {text!r}: {why} (only literals are allowed)"
        )

    try:
        node = ast.parse(f"f{call}", mode="eval").body
    except SyntaxError as error:
        raise bad(error.msg) from None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise bad("expected one argument list")
    try:
        args = tuple(ast.literal_eval(a) for a in node.args)
        kwargs = tuple((k.arg, ast.literal_eval(k.value)) for k in node.keywords)
    except ValueError:
        raise bad("an argument is not a literal") from None
    if any(name is None for name, _ in kwargs):
        raise bad("'**' is not allowed")
    names = [name for name, _ in kwargs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ModelSpecError(Problem.SYNTAX, f"cannot read the arguments in {text!r}: the keyword "
                             f"{repeated[0]!r} is given twice")
    return args, kwargs


def parse_input_shapes(text: str | None) -> list[tuple] | None:
    """``"28, 28, 1"`` -> ``[(28, 28, 1)]``; inputs are separated by ``;``."""
    if text is None or not text.strip():
        return None
    shapes = []
    for part in text.split(";"):
        sizes = [s.strip() for s in part.strip().strip("()[]").split(",")]
        if len(sizes) > 1 and not sizes[-1]:
            sizes.pop()  # a trailing comma, as in the tuple (16,)
        try:
            shapes.append(tuple(None if s in ("None", "?") else int(s) for s in sizes))
        except ValueError:  # a word, or an empty size (28,,28)
            shapes = None
        if not shapes or not shapes[-1] or any(n is not None and n <= 0 for n in shapes[-1]):
            raise ModelSpecError(
                Problem.SYNTAX,
                f"cannot read the input shape {text!r}: write sizes without the batch axis, "
                "like '28, 28, 1' (several inputs separated by ';', 'None' for a free size)",
            )
    return shapes


# Loading ------------------------------------------------------------------------------


def fresh_names():
    """Name layers as if no model had been built before (``conv2d``, ``conv2d_1``, ...)."""
    return isolation.global_attribute("object_name_uids", None)


def load_model(spec: ModelSpec, input_shapes: list[tuple] | None = None, base_dir: str | Path = ".",
               sources: list[str] | None = None):
    """Import and build the model a spec names; every failure is a :class:`ModelSpecError`
    (its ``sources`` attribute lists the user's files involved).

    Returns ``(graph, model)``: a model with a functional graph to walk, and the model
    itself (the same object, unless a subclassed model had to be traced). ``sources``, if
    given, receives the files of the user's code the model came from. Call it inside
    :func:`~.isolation.keras_state`, so the model gets Keras's settings of its own.
    """
    keras = keras_or_none() or (import_keras() if not MISSING_KERAS else None)
    seen = Watched()
    try:  # an installed package's model (keras.applications) runs none of the user's code
        with watch(seen, code=not spec.path and is_users(spec.module)):
            return _load(keras, spec, input_shapes, base_dir)
    except ModelSpecError as error:
        error.sources = user_sources(spec, base_dir, seen)
        raise
    finally:
        if sources is not None:
            sources[:] = user_sources(spec, base_dir, seen)


def _load(keras, spec: ModelSpec, input_shapes, base_dir):
    # Keras's own warnings (an unbuilt sub-layer, say) would land in the docs build's
    # output next to the one clear error this module raises instead.
    with fresh_names() if keras is not None else contextlib.nullcontext(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.path:
            model = _load_file(keras, Path(base_dir, spec.path))
        else:
            model = _call_factory(spec, _resolve(spec))
        if is_torch_module(model):  # the PyTorch adapter runs it (model/torch_adapter.py)
            return model, model
        if keras is None:
            raise MISSING_KERAS[-1]
        if not isinstance(model, keras.Model):
            raise ModelSpecError(
                Problem.NOT_A_MODEL,
                f"{spec.text} gave {_describe(model)}, not a Keras model; name a keras.Model "
                "or a torch.nn.Module, or a function that returns one",
            )
        return build_graph(keras, spec, model, input_shapes)


def _describe(obj) -> str:
    return f"a {type(obj).__module__}.{type(obj).__qualname__}"


def _is_mock(obj) -> bool:
    return type(obj).__name__ == "_MockObject" or hasattr(obj, "__sphinx_mock__")


def _resolve(spec: ModelSpec):
    keras = keras_or_none()
    first, before = spec.module not in sys.modules, isolation.settings() if keras else {}
    try:
        with watch(Watched(), code=is_users(spec.module)) as seen:
            module = importlib.import_module(spec.module)
    except ModuleNotFoundError as error:
        missing_framework(error)
        raise ModelSpecError(
            Problem.IMPORT,
            f"cannot import module {spec.module!r} ({error}); check the spec, and that the "
            "module's folder is on sys.path",
            hint=Hint.PATH,
        ) from None
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit too: the module's code, not a bug here
        if isinstance(error, ImportError):
            missing_framework(error)
        raise ModelSpecError(
            Problem.IMPORT,
            f"importing {spec.module!r} raised {_where(error)}",
        ) from None
    if first:  # settings the module chose when imported hold for each of its models
        _CHOSEN_AT_IMPORT[spec.module] = isolation.changed(before, isolation.settings()) if keras else {}
        note_import(spec.module, seen)
    elif keras:
        isolation.apply(_CHOSEN_AT_IMPORT.get(spec.module, {}))
    obj = module
    for i, name in enumerate(spec.attr.split(".")):
        owner = ".".join([spec.module, *spec.attr.split(".")[:i]])
        try:
            obj = getattr(obj, name)
        except AttributeError:
            close = difflib.get_close_matches(name, [n for n in dir(obj) if not n.startswith("_")])
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ModelSpecError(Problem.ATTRIBUTE, f"{owner!r} has no attribute {name!r}{hint}") from None
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # a property or module __getattr__ that raised
            raise ModelSpecError(Problem.ATTRIBUTE, f"getting {name!r} from {owner!r} raised {_where(error)}") from None
    return obj


_CHOSEN_AT_IMPORT: dict[str, dict] = {}


def _where(error: BaseException) -> str:
    """``ValueError: bad (at models.py:12)``: the exception and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    at = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {one_line(str(error))}{at}"


def _call_factory(spec: ModelSpec, obj):
    keras = keras_or_none()
    if _is_mock(obj):
        raise ModelSpecError(
            Problem.MOCKED,
            f"{spec.text} is a mocked object (autodoc_mock_imports?): the real package must be "
            "importable to summarise the model",
        )
    if (is_torch_module(obj) or (keras is not None and isinstance(obj, keras.Model))) and not spec.called:
        return obj
    if not callable(obj):
        raise ModelSpecError(
            Problem.NOT_A_MODEL,
            f"{spec.text} is {_describe(obj)}: name a keras.Model or a torch.nn.Module, or a function that returns one",
        )
    try:
        model = obj(*spec.args, **dict(spec.kwargs))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # sys.exit() in a factory is the user's code too
        raise ModelSpecError(Problem.FACTORY, f"{spec.text} raised {_where(error)}") from None
    if _is_mock(model):
        raise ModelSpecError(
            Problem.MOCKED,
            f"{spec.text} returned a mocked object (autodoc_mock_imports?): the real package "
            "must be importable to summarise the model",
        )
    return model


MAX_INFLATED_BYTES = 8 * 2**30  # what a .keras file may hold, all members inflated (VGG16's: 0.5 GB)
MAX_CONFIG_BYTES = 64 * 2**20  # a member Keras reads whole, as its config.json (a large model's: a few MB)
MAX_RATIO = 100  # inflated / stored, for a member over 1 MB: weights hardly compress, a zip bomb does


def _oversized(path: Path) -> str:
    """Why the archive at ``path`` would inflate to more than a model holds, or ``""``.
    Read from its directory alone, before anything is inflated; zipfile never inflates a
    member past the size the directory gives (a member that lies fails its check)."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    for member in members:
        if not member.filename.endswith(".h5") and member.file_size > MAX_CONFIG_BYTES:
            return f"its {member.filename} would inflate to {member.file_size:,} bytes"
        if member.file_size > 2**20 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            return f"its {member.filename} would inflate {member.file_size // max(member.compress_size, 1):,}-fold"
    total = sum(member.file_size for member in members)
    return f"it would inflate to {total:,} bytes" if total > MAX_INFLATED_BYTES else ""


def _load_file(keras, path: Path):
    if not path.is_file():
        raise ModelSpecError(Problem.FILE, f"no model file at {path}")
    if not zipfile.is_zipfile(path):
        raise ModelSpecError(Problem.FILE, f"cannot load {path}: it is not a valid .keras file (not a zip archive)")
    try:
        oversized = _oversized(path)
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        raise ModelSpecError(Problem.FILE, f"cannot load {path}: it is not a valid .keras file ({error})") from None
    if oversized:
        raise ModelSpecError(Problem.FILE, f"cannot load {path}: {oversized}, more than a model file holds "
                                           "(a zip bomb?); it is not loaded")
    try:
        with isolation.safe_mode():
            return keras.saving.load_model(path, compile=False, safe_mode=True)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        missing = re.search(r"Could not locate (class|function) '([^']+)'", str(error))
        if missing:
            kind, name = missing.groups()
            raise ModelSpecError(
                Problem.FILE,
                f"cannot load {path}: it uses the custom {kind} {name!r}, which Keras could not locate. "
                f"Decorate the {kind} with @keras.saving.register_keras_serializable() and import its module "
                "before the model is loaded (in conf.py), or name a function of that module that loads the "
                "file as the spec ('package.module:load()')",
            ) from None
        unsafe = "safe_mode=False" in str(error)
        why = "it holds code that safe mode refuses to run (a Lambda layer?)" if unsafe else "it is not a valid .keras file"
        raise ModelSpecError(
            Problem.FILE, f"cannot load {path}: {why} ({type(error).__name__}: {_first_line(error)})"
        ) from None


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else ""


def build_graph(keras, spec: ModelSpec, model, input_shapes):
    """``(graph, model)``: the model as it is, built from ``input_shapes``, or traced."""
    if isinstance(model, keras.Sequential):
        graph = model._functional
    else:
        graph = model if hasattr(model, "_nodes_by_depth") else None
    if graph is not None:
        if input_shapes is not None:
            actual = [tuple(t.shape[1:]) for t in graph.inputs]
            if actual != [tuple(s) for s in input_shapes]:
                raise ModelSpecError(
                    Problem.INPUT_SHAPE,
                    f"{model.name} already takes inputs of shape {input_shape_text(actual)}, not "
                    f"{input_shape_text(input_shapes)}: leave the input shape out, or change the model",
                )
        return model, model
    if input_shapes is None:
        raise ModelSpecError(
            Problem.INPUT_SHAPE,
            f"{spec.text} gives a model that is not built ({type(model).__name__} "
            f"{model.name!r}): give an input shape without the batch axis, like '28, 28, 1'",
        )
    try:
        if isinstance(model, keras.Sequential):
            if len(input_shapes) != 1:
                raise ValueError("a Sequential model takes one input")
            model.build((None, *input_shapes[0]))
            return model, model
        return _trace(keras, model, input_shapes), model
    except (ModelSpecError, KeyboardInterrupt):
        raise
    except BaseException as error:  # the model's own call() may raise anything
        raise ModelSpecError(
            Problem.INPUT_SHAPE,
            f"cannot build {model.name!r} on input shape {input_shape_text(input_shapes)}: {_where(error)}",
        ) from None


def _trace(keras, model, input_shapes):
    """Turn a subclassed model into a functional one with the same layers and name."""
    inputs = [keras.Input(shape=s) for s in input_shapes]
    argument = inputs[0] if len(inputs) == 1 else inputs
    model(argument)  # builds the model itself, so Keras can count its weights
    return keras.Model(argument, model.call(argument), name=model.name)


def input_shape_text(shapes) -> str:
    """Input shapes as an ``:input-shape:`` option is written, which
    :func:`parse_input_shapes` reads: ``28, 28, 1``, several separated by ``;`` (a size
    without the batch axis, not a tensor's shape: that is :func:`.expr.shape_text`)."""
    return "; ".join(", ".join("None" if n is None else str(n) for n in s) for s in shapes)
