"""The book the plugin serves: the folder of ``myst.yml``, the plugin's settings, the
summaries its pages name (to fill the cache in one process)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..cache import SummaryCache
from ..lookup import MODES, lookup
from ..present.references import normalize_name
from ..problems import Problem
from ..settings import SETTINGS

CACHE_DIR = "_modelsummary_cache"
_BY_OPTION = {setting.option: setting for setting in SETTINGS}
_SKIPPED = {"_build", "node_modules"}
_DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{model-summary\}[ \t]*(?P<spec>.*?)[ \t]*$"
                        r"(?P<options>(?:\n[ \t]*:[\w-]+:.*$)*)", re.M)
_INPUT_SHAPE = re.compile(r"^[ \t]*:input-shape:(.*)$", re.M)
_OPTION = re.compile(r"^[ \t]*:(?P<name>[\w-]+):[ \t]*(?P<value>.*?)[ \t]*$", re.M)


@dataclasses.dataclass(frozen=True)
class NamedSummary:
    """A ``model-summary`` with a ``:name:`` (or ``:label:``): its page, spec and options."""

    page: Path
    spec: str
    options: dict[str, str]


@dataclasses.dataclass
class Site:
    """The project the directives belong to, and the plugin's settings for it."""

    root: Path
    cache: SummaryCache | None
    mode: str = "auto"
    defaults: SimpleNamespace = dataclasses.field(default_factory=SimpleNamespace)
    problems: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # bad settings


def project_root(start: str | os.PathLike = ".") -> Path:
    """The nearest folder, from ``start`` up, holding ``myst.yml`` (else ``start``)."""
    start = Path(start).resolve()
    return next((folder for folder in (start, *start.parents) if (folder / "myst.yml").is_file()), start)


def make_site(cache_dir: str = CACHE_DIR, mode: str = "auto", defaults: dict[str, Any] | None = None) -> Site:
    """The settings an entry file passes to :func:`main`, checked; ``MODELSUMMARY_MODE``
    in the environment overrides ``mode``."""
    root = project_root()
    site = Site(root, SummaryCache(root / cache_dir, root) if cache_dir else None)
    site.mode = os.environ.get("MODELSUMMARY_MODE") or mode
    if site.mode not in MODES:
        site.problems.append((Problem.OPTION.value,
                              f"mode {site.mode!r}: expected one of {', '.join(MODES)}; using 'auto'"))
        site.mode = "auto"
    for key, value in (defaults or {}).items():
        setting = _BY_OPTION.get(key.replace("_", "-"))
        try:
            if setting is None or setting.config is None:
                raise ValueError("not a setting with a site-wide default")
            setattr(site.defaults, setting.config, setting.parse(value))
        except ValueError as error:
            site.problems.append((Problem.OPTION.value, f"the plugin's default {key}={value!r}: {error}; ignored"))
    return site


def locate(spec: str, root: Path) -> tuple[str, str]:
    """A ``.keras`` path is relative to the folder of ``myst.yml`` (mystmd does not tell
    a plugin which page it is on); it is passed on as a file name in its folder."""
    if not spec.endswith(".keras"):
        return spec, str(root)
    path = Path(os.path.normpath(root / spec.lstrip("/")))
    return path.name, str(path.parent)


def fill_cache(site: Site) -> None:
    """Summarise every model the site's pages name that has no fresh cache entry, in this
    process: the first miss of a cold build imports the framework once for all of them."""
    for spec, input_shape in site_summaries(site.root):
        spec_text, base_dir = locate(spec, site.root)
        lookup(spec_text, input_shape, base_dir, site.root, site.cache, "auto")


def site_summaries(root: Path) -> list[tuple[str, str | None]]:
    """``(spec, input shape)`` of each ``model-summary`` in the Markdown pages and notebooks
    under ``root``, in order, once each (a best effort: it only decides what to compute early)."""
    found: dict[tuple[str, str | None], None] = {}
    for path in sorted([*root.rglob("*.md"), *root.rglob("*.ipynb")]):
        parts = path.relative_to(root).parts
        if any(part in _SKIPPED or part.startswith(".") for part in parts[:-1]):
            continue
        for match in _DIRECTIVE.finditer(_page_text(path)):
            shape = _INPUT_SHAPE.search(match["options"])
            found[(match["spec"], shape[1].strip() or None if shape else None)] = None
    return list(found)


def named_summaries(root: Path) -> dict[str, NamedSummary]:
    """The site's summaries that a role or a quiz can name, by their normalised name (the
    first one of a name wins, as the page order goes)."""
    found: dict[str, NamedSummary] = {}
    for path in _pages(root):
        for match in _DIRECTIVE.finditer(_page_text(path)):
            options = {m["name"]: m["value"] for m in _OPTION.finditer(match["options"])}
            name = normalize_name(options.get("name") or options.get("label") or "")
            if name and name not in found:
                found[name] = NamedSummary(path, match["spec"], options)
    return found


def _pages(root: Path) -> list[Path]:
    """The Markdown pages and notebooks under ``root``, but for builds and hidden folders."""
    pages = []
    for path in sorted([*root.rglob("*.md"), *root.rglob("*.ipynb")]):
        parts = path.relative_to(root).parts
        if not any(part in _SKIPPED or part.startswith(".") for part in parts[:-1]):
            pages.append(path)
    return pages


def _page_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = json.loads(text).get("cells", [])
            text = "\n".join("".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "markdown")
        return text
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return ""
