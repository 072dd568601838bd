"""Which pages the mystmd plugin reads to fill the cache early: the site's own, as mystmd
finds them (``myst.yml``'s toc, else every page), never what ``project.exclude`` matches.
The proof: an excluded page names a module that writes a marker file when it is imported."""

from __future__ import annotations

import re
import sys

import pytest

from sphinx_modelsummary.mystmd.site import named_summaries, site_pages, site_summaries
from plugin_runs import example_book, plugin_process, request

MARKER_MODULE = """\
from pathlib import Path
Path(__file__).with_name("IMPORTED").write_text("the excluded page's spec ran")
def build():
    raise RuntimeError("never a model")
"""


@pytest.fixture
def book(tmp_path):
    return example_book(tmp_path)


def page(spec: str) -> str:
    return f"# A page\n\n```{{model-summary}} {spec}\n```\n"


def config(toc: str = "", exclude: str = "") -> str:
    return f"version: 1\nproject:\n  title: t\n{toc}{exclude}"


def write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_without_a_toc_every_page_but_the_excluded_ones(tmp_path):
    write(tmp_path, {
        "myst.yml": config(exclude="  exclude:\n    - vendor\n    - 'submissions/**/*.md'\n    - draft.md\n"),
        "index.md": page("a:one"), "draft.md": page("a:draft"),
        "chapter/two.md": page("a:two"), "vendor/docs/lib.md": page("a:vendored"),
        "submissions/alice/answer.md": page("a:alice"), "submissions/notes.ipynb": "{}",
        "other/myst.yml": config(), "other/page.md": page("a:other_project"),
    })
    assert site_summaries(tmp_path) == [("a:two", None), ("a:one", None)]
    assert [p.relative_to(tmp_path).as_posix() for p in site_pages(tmp_path)] == [
        "chapter/two.md", "index.md", "submissions/notes.ipynb"]  # the glob names .md files only


def test_with_a_toc_only_its_files_in_its_order(tmp_path):
    toc = ("  toc:\n    - file: intro.md\n    - title: Part\n      children:\n        - file: part/one\n"
           "        - pattern: 'labs/*.md'\n")
    write(tmp_path, {
        "myst.yml": config(toc=toc, exclude="  exclude:\n    - labs/solutions.md\n"),
        "intro.md": page("a:intro"), "part/one.md": page("a:one"), "stray.md": page("a:stray"),
        "labs/lab1.md": page("a:lab1"), "labs/solutions.md": page("a:solutions"),
    })
    assert site_summaries(tmp_path) == [("a:intro", None), ("a:one", None), ("a:lab1", None)]


def test_a_diagrams_model_is_filled_early_too_but_names_no_summary(tmp_path):
    diagram = "# Figure\n\n```{model-diagram} a:drawn\n:input-shape: 8\n:name: fig\n```\n"
    write(tmp_path, {"myst.yml": config(), "index.md": page("a:one"), "figure.md": diagram})
    assert site_summaries(tmp_path) == [("a:drawn", "8"), ("a:one", None)]
    assert named_summaries(tmp_path) == {}  # a role quotes a summary, never a diagram


def test_an_unreadable_myst_yml_reads_no_page(tmp_path, monkeypatch):
    """Without PyYAML (or with a broken file) the excludes are unknown: nothing runs early."""
    write(tmp_path, {"myst.yml": config(exclude="  exclude: [secret.md]\n"), "secret.md": page("a:secret")})
    monkeypatch.setitem(sys.modules, "yaml", None)  # import yaml raises ImportError
    assert site_pages(tmp_path) == []
    monkeypatch.delitem(sys.modules, "yaml")
    (tmp_path / "myst.yml").write_text("project: [unclosed\n")
    assert site_pages(tmp_path) == []


@pytest.mark.parametrize("excluded", [True, False], ids=["excluded", "control"])
def test_an_excluded_pages_spec_never_runs(book, excluded):  # noqa: F811
    """A cold build's first miss fills the cache for the site's pages: the excluded page's
    module is never imported (the control, with the page not excluded, imports it)."""
    pytest.importorskip("keras")
    (book / "students").mkdir()
    (book / "students" / "marker_models.py").write_text(MARKER_MODULE)
    (book / "students" / "answer.md").write_text(page("students.marker_models:build"))
    (book / "students" / "__init__.py").write_text("")
    text = re.sub(r"  toc:\n(    - .*\n)+", "", (book / "myst.yml").read_text())  # every page is the site's
    if excluded:
        text = text.replace("  exclude:\n", "  exclude:\n    - students\n")
    (book / "myst.yml").write_text(text)
    assert (("students.marker_models:build", None) in site_summaries(book)) is not excluded
    status, nodes, _, imported = plugin_process(book, request("mymodels:build_cnn"))
    assert status == 0 and imported == ["keras", "tensorflow"]  # a cold miss: the cache was filled
    assert (book / "students" / "IMPORTED").exists() is not excluded
