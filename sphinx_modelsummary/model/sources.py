"""Which files of the user's own code a model comes from, so that an edit to any of
them re-reads the page and invalidates the cache entry.

While a model is imported and built, :func:`watch` notes every function that runs and
every module an ``import`` statement (or ``importlib.import_module``) names, even one
imported long before, with the objects taken from it. :func:`user_sources` keeps the
files of the user's code among them (not the standard library, site-packages or this
package), with the spec's module and every module reachable from its globals.
"""

from __future__ import annotations

import builtins
import hashlib
import contextlib
import functools
import importlib
import importlib.util
import os
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent.parent) + os.sep  # the whole package, not just model/


@dataclass
class Watched:
    """What ran and what was imported while a model was loaded."""

    codes: set = field(default_factory=set)
    objects: dict = field(default_factory=dict)  # id -> a module or an object imported from one

    def add(self, obj) -> None:
        self.objects.setdefault(id(obj), obj)


@contextlib.contextmanager
def watch(seen: Watched, code: bool = True):
    """Record into ``seen`` the imports made in this thread and, with ``code``, the code
    that runs (which doubles the time Python code takes, so it is asked for only where
    the user's code may run). A tracer already set (a debugger, coverage) is still called."""
    previous_trace = sys.gettrace()
    original_import, original_import_module = builtins.__import__, importlib.import_module

    def tracer(frame, event, arg):
        seen.codes.add(frame.f_code)
        return previous_trace(frame, event, arg) if previous_trace is not None else None

    def traced_import(name, globals=None, locals=None, fromlist=(), level=0):
        module = original_import(name, globals, locals, fromlist, level)
        seen.add(module)
        if fromlist:  # `from helpers import WIDTH, blocks`: the names, read without running code
            for attribute in fromlist:
                if attribute != "*" and attribute in vars(module):
                    seen.add(vars(module)[attribute])
        elif level == 0 and name in sys.modules:  # `import a.b` returns a
            seen.add(sys.modules[name])
        return module

    def traced_import_module(name, package=None):
        module = original_import_module(name, package)
        seen.add(module)
        return module

    builtins.__import__, importlib.import_module = traced_import, traced_import_module
    if code:
        sys.settrace(tracer)
    try:
        yield seen
    finally:
        sys.settrace(previous_trace)
        builtins.__import__, importlib.import_module = original_import, original_import_module


@functools.lru_cache(maxsize=None)
def _installed() -> tuple[str, ...]:
    paths = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    return (*(str(Path(p).resolve()) + os.sep for p in paths), _PACKAGE)


@functools.lru_cache(maxsize=4096)
def _users_path(path: str | None) -> str | None:
    """``path`` resolved, when it is outside Python and its installed packages."""
    if not path or "site-packages" in path or "dist-packages" in path or path.startswith("<"):
        return None
    resolved = str(Path(path).resolve())
    return None if (resolved + os.sep).startswith(_installed()) else resolved


def user_file(path: str | None) -> str | None:
    """``path`` resolved, when it is a file of the user's code; else ``None``."""
    resolved = _users_path(path)
    return resolved if resolved and os.path.isfile(resolved) else None


def is_users(module_name: str) -> bool:
    """Whether a module is the user's code, judged by its top-level package, found
    without importing it (``keras.applications`` is not; when in doubt, it is)."""
    top = module_name.partition(".")[0]
    try:
        module = sys.modules.get(top)
        found = module.__spec__ if module is not None else importlib.util.find_spec(top)
    except Exception:  # a finder that failed: the import will say why
        return True
    if found is None:
        return True
    places = [found.origin, *(found.submodule_search_locations or [])]
    return any(_users_path(p) for p in places if p and os.path.isabs(p))  # not "frozen", "built-in"


def _module_of(obj):
    if isinstance(obj, type(sys)):
        return obj
    return sys.modules.get(getattr(obj, "__module__", None) or "")


# The modules and files a spec's module touched when it was imported (a later spec from
# the same module does not import it again).
IMPORTED_WITH: dict[str, tuple[list, set]] = {}


def note_import(module_name: str, seen: Watched) -> None:
    IMPORTED_WITH[module_name] = (list(seen.objects.values()), {code.co_filename for code in seen.codes})


def user_sources(spec, base_dir: str | Path = ".", seen: Watched | None = None) -> list[str]:
    """The files of the user's code a model comes from (see the module's docstring)."""
    if spec.path:
        return [str(Path(base_dir, spec.path).resolve())]
    objects, filenames = IMPORTED_WITH.get(spec.module, ([], set()))
    filenames = set(filenames)
    if seen is not None:
        objects = [*objects, *seen.objects.values()]
        filenames |= {code.co_filename for code in seen.codes}
    files = {found for found in map(user_file, filenames) if found}
    todo = [m for m in [sys.modules.get(spec.module), *map(_module_of, objects)] if m is not None]
    walked: set[int] = set()
    while todo:  # the user's modules, and every module reachable from their globals
        module = todo.pop()
        if id(module) in walked:
            continue
        walked.add(id(module))
        path = user_file(getattr(module, "__file__", None))
        if path is None:
            continue
        files.add(path)
        parent = module.__name__.rpartition(".")[0]  # a package's __init__ runs first: a source, always
        if parent in sys.modules:
            todo.append(sys.modules[parent])
        for value in list(vars(module).values()):
            owner = _module_of(value)
            if owner is not None and id(owner) not in walked:
                todo.append(owner)
    files |= set(declared_inputs(sys.modules.get(spec.module))[0])
    return sorted(files)


DECLARED = "__modelsummary_inputs__"


def declared_inputs(module) -> tuple[list[str], list[str]]:
    """What a module says its models read besides code: ``__modelsummary_inputs__ =
    ["data/vocab.txt", "$VOCAB_SIZE"]`` gives ``(files, environment variables)``; a path
    is relative to the module's folder. A bad declaration declares nothing."""
    declared = getattr(module, DECLARED, None) if module is not None else None
    folder = Path(getattr(module, "__file__", None) or ".").resolve().parent
    if isinstance(declared, str) or not isinstance(declared, (list, tuple)):
        declared = [declared] if isinstance(declared, str) else []
    names = [item for item in declared if isinstance(item, str) and item.strip()]
    files = [str((folder / name).resolve()) for name in names if not name.startswith("$")]
    return files, [name[1:] for name in names if name.startswith("$")]


def environment_digests(names: list[str]) -> dict[str, str]:
    """A digest of each variable's value (``-`` when it is not set): the value itself may
    be a secret, and a cache entry is committed."""
    return {name: hashlib.sha256(os.environ[name].encode()).hexdigest()[:16] if name in os.environ else "-"
            for name in sorted(set(names))}
