"""A persistent cache of summary records: one readable JSON file per spec.

An entry is valid while the user's source files it was built from have the same
content and the installed Keras and backend are the versions it was made with (when
they are installed at all: a docs build without the framework trusts the files alone).
Nothing here imports Keras or Sphinx.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .model.record_check import SCHEMA, entry_problem
from .model.sources import environment_digests

BACKEND_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos"),
    "jax": ("jax",),
    "torch": ("torch",),
    "numpy": ("numpy",),
}


def file_digest(path: str | Path) -> str | None:
    """The SHA-256 of a regular file, or None (a device or a pipe could be endless)."""
    try:
        if not os.path.isfile(path):
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return None


def _installed_version(*distributions: str) -> str | None:
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _backend_name() -> str:
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    config = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"), "keras.json")
    try:
        return json.loads(config.read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def _tree_digest(folder: Path, suffixes=(".py",)) -> str:
    """A hash of every file with one of ``suffixes`` under ``folder``, names included."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.suffix in suffixes):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def extension_digest() -> str:
    """A hash of the code that makes records (the ``model`` folder, whatever it holds), so
    a changed formula invalidates entries and a changed renderer does not."""
    return _tree_digest(Path(__file__).parent / "model")


@functools.lru_cache(maxsize=None)
def framework_versions() -> dict:
    """Keras and backend versions from package metadata (no import of either), and the
    version of the code that makes records."""
    backend = _backend_name()
    return {
        "extension": extension_digest(),
        "keras": _installed_version("keras"),
        "backend": backend,
        "backend_version": _installed_version(*BACKEND_DISTRIBUTIONS.get(backend, (backend,))),
    }


def versions_for(record: dict) -> dict:
    """What a record depends on: Keras and its backend, or for a PyTorch model, torch alone."""
    if record["model"].get("framework") == "pytorch":
        return {"extension": extension_digest(), "torch": _installed_version("torch")}
    return framework_versions()


MAX_ENTRY_BYTES = 64 * 2**20  # the largest models' entries are a few MB


@dataclass
class Lookup:
    record: dict | None  # the cached record, stale or not; None when there is none
    stale: str = ""  # what changed, when the entry no longer matches
    missing: str = ""  # why there is no usable entry (absent, unreadable)


class SummaryCache:
    """Entries under ``directory``; source paths are stored relative to ``root``."""

    def __init__(self, directory: str | Path, root: str | Path):
        self.directory, self.root = Path(directory), Path(root)

    def path(self, spec: str, input_shape: str | None) -> Path:
        key = json.dumps([SCHEMA, spec.strip(), _normal_shape(input_shape)])
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        slug = re.sub(r"[^A-Za-z0-9]+", "-", spec.split("(")[0]).strip("-")[:60]
        return self.directory / f"{slug}-{digest}.json"

    def load(self, spec: str, input_shape: str | None) -> Lookup:
        path = self.path(spec, input_shape)
        if not path.exists():
            return Lookup(None, missing=f"no cache entry {path.name}")
        if not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:  # a device or a pipe could be endless
            return Lookup(None, missing=f"the cache entry {path.name} is invalid: not a regular file of a sane size")
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as error:
            return Lookup(None, missing=f"the cache entry {path.name} is unreadable ({type(error).__name__})")
        problem = entry_problem(entry, spec.strip(), _normal_shape(input_shape))
        if not problem and entry["record"]["schema"] != SCHEMA:
            problem = f"its record has schema {entry['record']['schema']}, not {SCHEMA}"
        if problem:  # an entry is input from outside: one of the wrong shape is never used
            return Lookup(None, missing=f"the cache entry {path.name} is invalid: {problem}")
        record, sources, versions = entry["record"], entry["sources"], entry["framework"]
        try:
            record["model"]["sources"] = [str((self.root / rel).resolve()) for rel in sources]
        except (OSError, RuntimeError) as error:  # a symlink loop, a name too long
            return Lookup(None, missing=f"the cache entry {path.name} names a source that cannot be found ({error})")
        changed = [rel for rel, digest in sources.items() if file_digest(self.root / rel) != digest]
        declared = record["model"].get("environment") or {}
        now = environment_digests(list(declared))
        changed += [f"the environment variable {name}" for name in declared if now[name] != declared[name]]
        if changed:
            return Lookup(record, stale=f"{', '.join(changed)} changed since the entry was made")
        current = versions_for(record)
        moved = [f"{key} {versions.get(key)} -> {now}" for key, now in current.items()
                 if now is not None and versions.get(key) != now]
        if moved:
            return Lookup(record, stale=f"{', '.join(moved)} since the entry was made")
        return Lookup(record)

    def store(self, spec: str, input_shape: str | None, record: dict) -> Path:
        """Write the entry atomically: a reader sees the old file or the new one, never half."""
        sources = {}
        for source in record["model"].get("sources", []):
            sources[Path(os.path.relpath(source, self.root)).as_posix()] = file_digest(source)
        portable = {**record, "model": {**record["model"], "sources": sorted(sources)}}
        entry = {"spec": spec.strip(), "input_shape": input_shape, "framework": versions_for(record),
                 "sources": sources, "record": portable}
        path = self.path(spec, input_shape)
        self.directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=self.directory, suffix=".tmp", delete=False,
                                         encoding="utf-8") as handle:
            try:
                json.dump(entry, handle, indent=1, sort_keys=True)
                handle.write("\n")
            except BaseException:
                handle.close()
                os.unlink(handle.name)
                raise
        os.replace(handle.name, path)
        return path


def _normal_shape(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")
