"""Where a summary record comes from, for every front-end: the process memo, the
persistent cache, or the framework (imported only when a record must be computed).

Nothing here imports Sphinx or Keras.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import multiprocessing
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Hint, ModelSpecError, Problem, Report

if TYPE_CHECKING:
    from .cache import SummaryCache

MODES = ("auto", "compute", "cache")


@dataclasses.dataclass
class _Entry:
    record: dict | None
    error: Report | None
    stamps: dict[str, tuple[int, int] | None]
    warning: Report | None = None  # a record shown all the same (a stale cache entry)


_MEMO: dict[tuple, _Entry] = {}


def lookup(spec: str, input_shape: str | None = None, base_dir: str | os.PathLike = ".",
           srcdir: str | os.PathLike = ".", cache: SummaryCache | None = None, mode: str = "auto") -> _Entry:
    """The summary of ``spec``, once per process for the same arguments, and again only
    when one of the model's source files changes. ``mode`` says where it may come from:
    ``auto`` a fresh cache entry, else computed (and stored); ``compute`` always computed
    (and stored); ``cache`` only the cache, never importing the framework."""
    key = _key(spec, input_shape, base_dir, srcdir, cache, mode)
    entry = _MEMO.get(key)
    if entry is not None and _stamps(entry.stamps) != entry.stamps:
        _forget_modules(entry.stamps)
        entry = None
    if entry is None:
        entry = _MEMO[key] = _find(*key[:4], cache, mode)
    return entry


def _key(spec, input_shape, base_dir, srcdir, cache, mode) -> tuple:
    return (spec.strip(), " ".join((input_shape or "").split()), str(base_dir), str(srcdir),
            str(cache.directory) if cache else "", mode)


def _known(call: tuple) -> bool:
    entry = _MEMO.get(_key(*call))
    return entry is not None and _stamps(entry.stamps) == entry.stamps


def prefetch(calls: list[tuple], forked: bool = False) -> None:
    """Find ahead the summaries a build will show (each call: :func:`lookup`'s arguments).

    ``forked``: in one child process, whose results are kept here; so the processes a
    parallel build forks from this one inherit them, and none imports the framework
    (which this one never does, so forking it stays safe)."""
    calls = [call for call in dict.fromkeys(calls) if not _known(call)]
    if not calls:
        return
    if not forked:
        for call in calls:
            lookup(*call)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_look_up_and_send, args=(calls, sender), daemon=True)
    child.start()
    sender.close()
    try:
        outcome, entries = receiver.recv()
    except EOFError:  # the child died (in native code, say): the readers look them up
        outcome, entries = "lost", []
    finally:
        receiver.close()
        child.join()
    if outcome == "interrupted":
        raise KeyboardInterrupt
    for call, entry in zip(calls, entries):
        _MEMO[_key(*call)] = entry


def _look_up_and_send(calls: list[tuple], sender) -> None:
    try:
        outcome = ("done", [lookup(*call) for call in calls])
    except KeyboardInterrupt:
        outcome = ("interrupted", [])
    with contextlib.suppress(Exception, KeyboardInterrupt):  # a closed pipe: the parent has gone
        sender.send(outcome)


def _find(spec: str, input_shape: str, base_dir: str, srcdir: str, cache, mode: str) -> _Entry:
    found = None
    if spec.endswith(".keras"):  # the same file from any page is one entry
        cache_spec = Path(os.path.relpath(Path(base_dir, spec), srcdir)).as_posix()
    else:
        cache_spec = spec
    if cache is not None and mode != "compute":
        found = cache.load(cache_spec, input_shape or None)
        if found.record is not None and not found.stale:
            return _Entry(found.record, None, _stamps(found.record["model"]["sources"]))
    if mode == "cache":
        if found is not None and found.record is not None:
            return _stale(spec, found)
        where = f"{found.missing} in {cache.directory}" if found else "modelsummary_cache_dir is empty"
        message = f"no cached summary of {spec!r} ({where}) and the mode is 'cache'"
        return _Entry(None, Report(Problem.UNCACHED, message, Hint.FILL), {})
    entry = compute(spec, input_shape, base_dir)
    if entry.error and entry.error.problem == Problem.FRAMEWORK and found is not None and found.record:
        return _stale(spec, found)  # no framework here: an old summary beats none
    if entry.record is not None and cache is not None:
        try:
            cache.store(cache_spec, input_shape or None, entry.record)
        except OSError as error:
            entry.warning = Report(Problem.UNCACHED, f"cannot write the cache entry for {spec!r}: {error}")
    return entry


def _stale(spec: str, found) -> _Entry:
    message = f"the cached summary of {spec!r} is stale ({found.stale}); it is shown as it was"
    return _Entry(found.record, None, _stamps(found.record["model"]["sources"]), Report(Problem.STALE, message, Hint.REFRESH))


def compute(spec: str, input_shape: str | None, base_dir: str | os.PathLike = ".") -> _Entry:
    """The summary made afresh; every failure but ``KeyboardInterrupt`` is its ``error``."""
    try:
        from .model.summary import summarize

        record = summarize(spec, input_shape or None, base_dir)
    except ModelSpecError as error:
        return _Entry(None, Report(error.problem, str(error), error.hint), _stamps(error.sources or _sources_of(spec, base_dir)))
    except KeyboardInterrupt:
        raise
    except Exception as error:  # a bug here
        message = (f"summarising {spec!r} failed unexpectedly ({type(error).__name__}: {error}); "
                   "please report this to sphinx-modelsummary")
        return _Entry(None, Report(Problem.INTERNAL, message), _stamps(_sources_of(spec, base_dir)))
    except BaseException as error:  # sys.exit() or the like, from the user's code
        message = f"summarising {spec!r}, the model's code raised {type(error).__name__}: {error}"
        return _Entry(None, Report(Problem.FACTORY, message), _stamps(_sources_of(spec, base_dir)))
    return _Entry(record, None, _stamps(record["model"].get("sources") or []))


def _stamps(paths) -> dict[str, tuple[int, int] | None]:
    stamps = {}
    for path in paths:
        try:
            stat = os.stat(path)
            stamps[path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamps[path] = None
    return stamps


def _sources_of(spec: str, base_dir: str) -> list[str]:
    """The user's files behind a spec that failed (so fixing them re-reads the page)."""
    try:
        from .model.sources import user_sources
        from .model.spec import parse_spec

        parsed = parse_spec(spec)
        if parsed.path:
            return [str(Path(base_dir, parsed.path).resolve())]
        files = user_sources(parsed, base_dir)
        if files:
            return files
        found = importlib.util.find_spec(parsed.module)
        origin = found.origin if found is not None else None
        if origin and os.path.isfile(origin) and "site-packages" not in origin:
            return [str(Path(origin).resolve())]
    except Exception:
        pass
    return []


def _forget_modules(stamps: dict) -> None:
    """Drop the user's modules behind a stale record so they are imported afresh."""
    files = set(stamps)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and str(Path(path).resolve()) in files:
            del sys.modules[name]
    importlib.invalidate_caches()


