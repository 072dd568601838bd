"""The book the plugin serves: the folder of ``myst.yml``, the plugin's settings, the
summaries its pages name (to fill the cache in one process)."""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..cache import SummaryCache
from ..lookup import lookup
from ..present.references import normalize_name
from ..problems import Problem, Report
from ..settings import CACHE_DIR, Setting, setting_named

_SKIPPED = {"_build", "node_modules"}
_PAGES = (".md", ".ipynb")
_DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{(?P<kind>model-summary|model-diagram)\}[ \t]*(?P<spec>.*?)[ \t]*$"
                        r"(?P<options>(?:\n[ \t]*:[\w-]+:.*$)*)", re.M)
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
    problems: list[Report] = dataclasses.field(default_factory=list)  # bad settings


def project_root(start: str | os.PathLike = ".") -> Path:
    """The nearest folder, from ``start`` up, holding ``myst.yml`` (else ``start``)."""
    start = Path(start).resolve()
    return next((folder for folder in (start, *start.parents) if (folder / "myst.yml").is_file()), start)


def make_site(cache_dir: str = CACHE_DIR, mode: str = "auto", defaults: dict[str, Any] | None = None) -> Site:
    """The settings an entry file passes to :func:`main`, read by the table of settings
    (a bad one is a problem of every directive, and its default stands in);
    ``MODELSUMMARY_MODE`` in the environment overrides ``mode``."""
    root = project_root()
    problems: list[Report] = []
    mode = _read(setting_named("mode"), "mode", os.environ.get("MODELSUMMARY_MODE") or mode, problems)
    cache_dir = _read(setting_named("cache_dir"), "cache_dir", cache_dir, problems)
    site = Site(root, SummaryCache(root / cache_dir, root) if cache_dir else None, mode, problems=problems)
    for key, value in (defaults or {}).items():
        setting = setting_named(key.replace("_", "-")) or setting_named(key)
        if setting is None or setting.option is None or setting.config is None:
            problems.append(Report(Problem.OPTION, f"the plugin's default {key}={value!r}: not an option with a "
                                                   "site-wide default; ignored"))
            continue
        setattr(site.defaults, setting.config, _read(setting, f"default {key}", value, problems))
    return site


def _read(setting: Setting, key: str, value: Any, problems: list[Report]) -> Any:
    """``value`` parsed, else its default, after a problem naming ``key`` (as the entry file spells it:
    ``mode``, ``default explain``)."""
    try:
        return setting.parse(value)
    except ValueError as error:
        problems.append(Report(Problem.OPTION, f"the plugin's {key}={value!r}: {error}; "
                                               f"using the default, {setting.default!r}"))
        return setting.parse(setting.default)


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
    """``(spec, input shape)`` of each ``model-summary`` and ``model-diagram`` in the site's
    own pages, in order, once each (a best effort: it only decides what to compute early)."""
    found: dict[tuple[str, str | None], None] = {}
    for _, _, spec, options in _directives(root):
        found[(spec, options.get("input-shape") or None)] = None
    return list(found)


def _directives(root: Path):
    """``(page, directive, spec, options)`` of each ``model-summary`` and ``model-diagram``
    in the site's pages, options read from their ``:key: value`` lines."""
    for path in site_pages(root):
        for match in _DIRECTIVE.finditer(_page_text(path)):
            options = {m["name"]: m["value"] for m in _OPTION.finditer(match["options"])}
            yield path, match["kind"], match["spec"], options


def site_pages(root: Path) -> list[Path]:
    """The Markdown pages and notebooks mystmd builds, as it finds them: the files of
    ``project.toc`` when ``myst.yml`` has one, else every page under ``root``; never what
    ``project.exclude`` matches, nor ``_build``, ``node_modules``, hidden folders and other
    projects' folders. No pages when ``myst.yml`` cannot be read: then nothing is run early,
    rather than a page the site excludes."""
    config = _project_config(root)
    if config is None:
        return []
    ignored = _excluded(root, config.get("exclude"))
    toc = config.get("toc")
    pages = _toc_pages(root, toc) if isinstance(toc, list) else _walk_pages(root, root, ignored)
    return [path for path in dict.fromkeys(pages) if path.suffix in _PAGES and not _is_ignored(path, ignored)]


def _project_config(root: Path) -> dict | None:
    """``project`` of ``myst.yml`` (``{}`` without the file), or None if it cannot be read."""
    config = root / "myst.yml"
    if not config.is_file():
        return {}
    try:
        import yaml  # PyYAML: the [mystmd] extra (and myst-parser) install it

        project = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("project") or {}
    except Exception:  # no PyYAML, or a file mystmd itself will complain about
        return None
    return project if isinstance(project, dict) else None


def _excluded(root: Path, patterns) -> set[Path]:
    """What each ``exclude`` glob matches, relative to ``root`` (as mystmd globs them): a
    folder matched excludes everything in it."""
    if isinstance(patterns, str):
        patterns = [patterns]
    matched = set()
    for pattern in patterns or []:
        matched.update((root / name).resolve() for name in glob.glob(str(pattern), root_dir=root, recursive=True))
    return matched


def _is_ignored(path: Path, ignored: set[Path]) -> bool:
    path = path.resolve()
    return path in ignored or any(parent in ignored for parent in path.parents)


def _toc_pages(root: Path, entries: list) -> list[Path]:
    """The files a ``toc`` names (``file``, ``pattern`` and their ``children``), in order."""
    pages: list[Path] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("file"), str):
            pages += _with_extension(root / entry["file"])
        if isinstance(entry.get("pattern"), str):
            pages += sorted(root / name for name in glob.glob(entry["pattern"], root_dir=root, recursive=True))
        if isinstance(entry.get("children"), list):
            pages += _toc_pages(root, entry["children"])
    return pages


def _with_extension(path: Path) -> list[Path]:
    """A toc's ``file`` may leave out the extension, as mystmd allows."""
    if path.suffix in _PAGES:
        return [path]
    return [candidate for candidate in (path.with_name(path.name + ext) for ext in _PAGES) if candidate.is_file()][:1]


def _walk_pages(root: Path, folder: Path, ignored: set[Path]) -> list[Path]:
    """Every page under ``folder`` (no toc): mystmd skips hidden files, ``_build`` and
    ``node_modules``, and a subfolder with its own ``myst.yml`` (another project)."""
    if folder != root and (folder / "myst.yml").is_file():
        return []
    pages: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in _SKIPPED or _is_ignored(path, ignored):
            continue
        if path.is_dir():
            pages += _walk_pages(root, path, ignored)
        elif path.suffix in _PAGES:
            pages.append(path)
    return pages


def named_summaries(root: Path) -> dict[str, NamedSummary]:
    """The site's summaries that a role or a quiz can name, by their normalised name (the
    first one of a name wins, as the page order goes)."""
    found: dict[str, NamedSummary] = {}
    for path, kind, spec, options in _directives(root):
        if kind != "model-summary":  # a diagram's name is no summary's
            continue
        name = normalize_name(options.get("name") or options.get("label") or "")
        if name and name not in found:
            found[name] = NamedSummary(path, spec, options)
    return found


def _page_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = json.loads(text).get("cells", [])
            text = "\n".join("".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "markdown")
        return text
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return ""
