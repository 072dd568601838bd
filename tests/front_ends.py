"""The front-ends run for the tests: in this process (:func:`run_cli`, :func:`run_plugin`:
fast, as the framework is imported once) or in a fresh one (:func:`cli_process`,
:func:`imported_by`: for what only a new process shows, such as what it imports).

In this process, a run starts as a new process would: an empty lookup memo, the
arguments, standard input, folder and ``sys.path`` it is given; it is then forgotten:
``sys.path``, the environment, the folder, the memo and the user's modules it imported
are put back, and the run's output is read at file descriptors 1 and 2, since the mystmd
plugin moves file descriptor 1 to write its nodes there alone.
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
_INSTALLED = tuple(str(Path(p).resolve()) + os.sep for p in {sys.prefix, sys.base_prefix}) + (
    str(REPO / "sphinx_modelsummary") + os.sep,)


def run_cli(*args: str, cwd: Path = REPO, path: tuple[Path, ...] = ()) -> subprocess.CompletedProcess:
    """``sphinx-modelsummary ARGS`` in this process, from ``cwd`` with ``path`` first on
    ``sys.path`` (as ``PYTHONPATH`` would put it); a wrong command line exits 2."""
    from sphinx_modelsummary import cli

    with _as_a_new_process(cwd, [str(p) for p in path], {}) as output:
        try:
            status = cli.main(list(args))
        except SystemExit as exit:  # argparse
            status = exit.code
    return subprocess.CompletedProcess(["sphinx-modelsummary", *args], status, *output)


def run_plugin(entry: Path, *args: str, stdin: str = "", cwd: Path | None = None,
               **env: str) -> subprocess.CompletedProcess:
    """The mystmd plugin's entry file run in this process as mystmd runs it (``args``, the
    request on ``stdin``, in the folder of ``myst.yml``), with ``env`` set and no other
    ``MODELSUMMARY_*`` variable."""
    cwd = cwd or entry.parent
    with _as_a_new_process(cwd, [str(REPO)], env) as output:
        saved_argv, sys.argv = sys.argv, [str(entry), *args]
        saved_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            runpy.run_path(str(entry), run_name="__main__")
            status = 0
        except SystemExit as exit:
            status = exit.code
        finally:
            sys.argv, sys.stdin = saved_argv, saved_stdin
    return subprocess.CompletedProcess([str(entry), *args], status, *output)


def cli_process(*args: str, cwd: Path = REPO, path: tuple[Path, ...] = (),
                **env: str) -> subprocess.CompletedProcess:
    """``python -m sphinx_modelsummary ARGS`` in a new process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (REPO, *path)), **env}
    return subprocess.run([sys.executable, "-m", "sphinx_modelsummary", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


CHECK = """
import sys
import {module}
heavy = sorted(m for m in ("tensorflow", "keras", "sphinx", "torch", "jax") if m in sys.modules)
print(",".join(heavy))
"""


def imported_by(module: str) -> str:
    """The heavy packages (frameworks, Sphinx) that importing ``module`` loads, comma-separated."""
    out = subprocess.run([sys.executable, "-c", CHECK.format(module=module)], capture_output=True, text=True,
                         check=True, timeout=120)
    return out.stdout.strip()


@contextlib.contextmanager
def _as_a_new_process(cwd: Path, path: list[str], env: dict[str, str]):
    """Yields ``[stdout, stderr]``, filled in when the block ends."""
    from sphinx_modelsummary import lookup

    output = ["", ""]
    _forget_temporary_modules()  # another test's project (its own mymodels.py) is no part of this one
    modules, saved_path, saved_cwd = set(sys.modules), list(sys.path), os.getcwd()
    environ = {key: value for key, value in os.environ.items() if not key.startswith("MODELSUMMARY_")}
    try:
        with mock.patch.dict(os.environ, {**environ, **env}, clear=True), \
                mock.patch.dict(lookup._MEMO, clear=True), _captured_fds(output):
            sys.path[:0] = path
            os.chdir(cwd)
            yield output
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        _forget_users_modules(set(sys.modules) - modules)


@contextlib.contextmanager
def _captured_fds(output: list[str]):
    """File descriptors 1 and 2, and ``sys.stdout`` and ``sys.stderr`` over them, into
    ``output`` (the block may move either descriptor: both are put back)."""
    streams = sys.stdout, sys.stderr
    for stream in streams:
        stream.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        try:
            yield
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
            sys.stdout, sys.stderr = streams
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            for i, file in enumerate((out, err)):
                file.seek(0)
                output[i] = file.read().decode("utf-8", "replace")


def _forget_users_modules(names: set[str]) -> None:
    """Drop the modules of the user's code (not Python's, an installed package's or this
    package's) that a run imported, so the next run imports its own copy afresh."""
    for name in names:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path and not (str(Path(path).resolve()) + os.sep).startswith(_INSTALLED):
            del sys.modules[name]


def _forget_temporary_modules() -> None:
    """Drop the modules other tests imported from their temporary projects: a new
    process would not have them, and a module of the same name here must be found anew."""
    temporary = str(Path(tempfile.gettempdir()).resolve()) + os.sep
    ours = (*_INSTALLED, str(REPO) + os.sep)  # a checkout (and its venv) may itself be in the temp folder
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        where = str(Path(path).resolve()) if path else ""
        if where.startswith(temporary) and not where.startswith(ours):
            del sys.modules[name]

