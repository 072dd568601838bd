"""One table of settings for every front-end (the directive, conf.py, the mystmd plugin, the
command line's flags, the docs' table), and one way to word a problem for each tool."""

import pickle
import sys
from pathlib import Path

import pytest

from old_sphinx import build, warnings
from sphinx_modelsummary import cli, lookup
from sphinx_modelsummary.mystmd import directive as myst_directive
from sphinx_modelsummary.mystmd.site import make_site
from sphinx_modelsummary.problems import Hint, ModelSpecError, Problem, Report, describe
from sphinx_modelsummary.settings import OPTIONS, SETTINGS, parse_cache_dir, parse_mode, setting_named

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "docs" / "_ext"))
from settings_table import settings_table  # noqa: E402


# The table --------------------------------------------------------------------------------


def test_every_setting_is_documented_and_named_once():
    assert all(setting.doc for setting in SETTINGS)
    configs = [s.config for s in SETTINGS if s.config]
    assert len(configs) == len(set(configs)) and all(c.startswith("modelsummary_") for c in configs)
    assert [s.option for s in OPTIONS] == [s.option for s in SETTINGS if s.option is not None]
    assert {s.config for s in SETTINGS if s.option is None} == {"modelsummary_mode", "modelsummary_cache_dir"}


def test_mode_and_cache_folder_are_read_by_the_table():
    assert parse_mode("compute") == "compute" and parse_mode(" Cache ") == "cache"
    with pytest.raises(ValueError, match="expected one of auto, compute, cache, not 'sometimes'"):
        parse_mode("sometimes")
    with pytest.raises(ValueError, match="expected one of"):
        parse_mode(None)
    assert parse_cache_dir(Path("a") / "b") == str(Path("a") / "b") and parse_cache_dir("") == ""
    for bad in (5, ["x"], "a\0b"):
        with pytest.raises(ValueError, match="expected a folder"):
            parse_cache_dir(bad)
    assert setting_named("modelsummary_mode").default == "auto"
    assert setting_named("cache_dir").default == "_modelsummary_cache"


def test_a_bad_mode_in_conf_py_warns_and_falls_back(tmp_path):
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_modelsummary"]\n')
    (tmp_path / "index.rst").write_text("Title\n=====\n\nText.\n")
    app = build(tmp_path, "html", tmp_path / "out",
                confoverrides={"modelsummary_mode": "sometimes", "modelsummary_cache_dir": 5})
    lines = warnings(app).strip().splitlines()
    assert len(lines) == 2 and all(line.endswith("[modelsummary.option]") for line in lines)
    assert "conf.py: modelsummary_mode = 'sometimes': expected one of auto, compute, cache" in lines[1]
    assert "modelsummary_cache_dir = 5: expected a folder" in lines[0]
    assert app.config.modelsummary_mode == "auto" and app.config.modelsummary_cache_dir == "_modelsummary_cache"


def test_the_mystmd_plugin_reads_its_settings_by_the_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MODELSUMMARY_MODE", raising=False)
    site = make_site(5, "sometimes", {"explain": "maybe", "columns": "layer, params", "totals": "no"})
    assert site.mode == "auto" and site.cache is not None and site.cache.directory == tmp_path / "_modelsummary_cache"
    assert [p.problem for p in site.problems] == [Problem.OPTION] * 3
    words = " | ".join(p.message for p in site.problems)
    assert "mode='sometimes': expected one of auto, compute, cache" in words
    assert "cache_dir=5: expected a folder" in words and "default explain='maybe': expected yes or no" in words
    assert site.defaults.modelsummary_columns == ("layer", "params") and site.defaults.modelsummary_totals is False
    monkeypatch.setenv("MODELSUMMARY_MODE", "cache")
    site = make_site("", "auto", {})
    assert site.mode == "cache" and site.cache is None and site.problems == []


# The command line's flags -----------------------------------------------------------------


def test_the_flags_are_the_table():
    parser = cli.summary_parser()
    flags = {o for action in parser._actions for o in action.option_strings}
    from_table = {f"--{s.option}" for s in OPTIONS if s.cli}
    # the command line's own, and --view for the diagram (--format svg)
    assert flags == from_table | {"-h", "--help", "--format", "--ascii", "--width", "--view"}
    assert {"--columns", "--formula", "--shape-derivations", "--explain", "--depth", "--layers", "--totals",
            "--legend", "--expect-params", "--input-shape", "--expand-nested"} == from_table


def test_flags_are_read_as_the_directive_reads_its_options():
    argv = cli.yes_no_flags(["--explain", "a:b", "--layers", "conv2d..dense", "--depth", "0",
                             "--totals", "no", "--columns", "layer, params", "--expect-params", "34,826"])
    assert argv[:2] == ["--explain=", "a:b"] and "--totals=no" in argv
    args = cli.summary_parser().parse_args(argv)
    options = cli.summary_options(args)
    assert options.layers == (("conv2d", "dense"),) and options.depth == 0
    assert options.explain is True and options.totals is False and options.legend is True
    assert options.columns == ("layer", "params") and options.expect_params == 34826
    assert options.formula == "both" and options.shape_derivations is True  # the table's defaults
    assert cli.summary_options(cli.summary_parser().parse_args(["a:b"])).depth is None  # every level


@pytest.mark.parametrize(("args", "words"), [
    (["--depth", "-1"], "--depth: expected a whole number from 0 up (or 'all'), not '-1'"),
    (["--formula", "fancy"], "--formula: expected one of symbolic, substituted, both, not 'fancy'"),
    (["--shape-derivations=maybe"], "--shape-derivations: expected yes or no"),
    (["--columns", "colour"], "unknown column 'colour'"),
    (["--depth", "1", "--expand-nested"], "--depth and --expand-nested both given; use one"),
    (["--nope"], "unrecognized arguments: --nope"),
])
def test_a_bad_flag_is_one_line_and_status_2(capsys, args, words):
    assert status_of(["a:b", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("sphinx-modelsummary: error (option): ") and words in err


def status_of(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as done:  # argparse's way out
        return done.code


def _fake_entry(record):
    return lookup._Entry(record, None, {})


EMPTY = {"model": {"name": "m", "class": "Sequential", "spec": "a:b", "sources": []}, "layers": [],
         "diagnostics": [], "totals": {"params": 0}}


def test_a_bug_is_one_line_and_status_3_in_both_commands(capsys, monkeypatch):
    monkeypatch.setattr(lookup, "compute", lambda *args, **kwargs: _fake_entry(EMPTY))

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "quiz_from_options", broken)
    monkeypatch.setattr(cli, "render", broken)
    for argv in (["quiz", "a:b"], ["a:b"]):
        assert cli.main(argv) == 3
        out, err = capsys.readouterr()
        assert out == "" and err == ("sphinx-modelsummary: error (internal): RuntimeError: a bug; "
                                     "please report this to sphinx-modelsummary\n")


def test_the_command_line_renders_the_rows_and_parts_asked_for(capsys):
    pytest.importorskip("keras")
    status = cli.main(["examples.mnist:build_cnn", "--layers", "conv2d..conv2d_1", "--columns", "layer, params",
                       "--totals", "no", "--legend", "no", "--expect-params", "34,000"])
    out, err = capsys.readouterr()
    assert status == 0
    # the seed's counts by hand: 32 * (1 * 3 * 3 + 1) and 64 * (32 * 3 * 3 + 1)
    rows = [line.split() for line in out.splitlines()[3:]]
    assert rows == [["conv2d", "(Conv2D)", f"{32 * 10}"], ["max_pooling2d", "(MaxPooling2D)", "0"],
                    ["conv2d_1", "(Conv2D)", f"{64 * 289:,}"]]
    assert err == ("sphinx-modelsummary: warning (expect): the model has 34,826 parameters, "
                   "--expect-params says 34,000\n")
    assert cli.main(["examples.mnist:build_cnn", "--layers", "nope"]) == 2
    assert "error (option): --layers: no layer named 'nope'" in capsys.readouterr().err


# The docs' table ---------------------------------------------------------------------------


def test_the_docs_table_has_a_row_per_setting():
    from docutils import nodes

    table = settings_table()
    body = table.next_node(nodes.tbody)
    rows = [[entry.astext() for entry in row.findall(nodes.entry)] for row in body.children]
    assert rows == [[f":{s.option}:" if s.option else "", s.config or "", repr(s.default) if s.config else "", s.doc]
                    for s in SETTINGS]
    head = [entry.astext() for entry in table.next_node(nodes.thead).findall(nodes.entry)]
    assert head == ["Option", "conf.py value", "Default", "What it does"]
    directive_page = (REPO / "docs" / "directive.rst").read_text()
    assert ".. modelsummary-settings::" in directive_page and "   * - ``modelsummary_columns``" not in directive_page


# Hints, by the kind a problem carries ------------------------------------------------------


WORDS = {"sphinx": "sys.path.insert", "jupyter-book": "_config.yml", "mystmd": "myst.yml",
         "cli": "the current folder is importable"}


def test_a_missing_module_carries_its_hint_to_every_tool():
    entry = lookup.compute("ms_surely_missing_module:build", None)
    assert entry.error.problem == Problem.IMPORT and entry.error.hint == Hint.PATH
    for tool, words in WORDS.items():
        text = describe(tool, *entry.error, entry.error.hint)
        assert text.startswith(entry.error.message + "; ") and words in text
    # the same words without the kind: no hint (no message is matched by its start)
    assert describe("sphinx", Problem.IMPORT, entry.error.message) == entry.error.message


def test_a_cache_miss_carries_its_hint(tmp_path, capsys):
    from sphinx_modelsummary.cache import SummaryCache

    entry = lookup.lookup("a:b", None, tmp_path, tmp_path, SummaryCache(tmp_path / "c", tmp_path), "cache")
    assert entry.error.problem == Problem.UNCACHED and entry.error.hint == Hint.FILL
    node = myst_directive._problem("a:b", {"start": {"line": 3}}, *entry.error, entry.error.hint, error=True)
    err = capsys.readouterr().err
    assert err.startswith("model-summary (line 3): error [modelsummary.uncached]: ")
    assert err.rstrip().endswith("fill the cache with: MODELSUMMARY_MODE=compute myst build")
    assert node["kind"] == "error"
    assert "sphinx-build -E -b dummy -D modelsummary_mode=compute" in describe("sphinx", *entry.error, entry.error.hint)


def test_a_report_unpacks_as_a_pair_and_keeps_its_hint_across_processes():
    report = Report(Problem.STALE, "the cached summary is stale", Hint.REFRESH)
    problem, message = report
    assert (problem, message) == (Problem.STALE, "the cached summary is stale")
    again = pickle.loads(pickle.dumps(report))
    assert again == report and again.hint == Hint.REFRESH and again.problem is Problem.STALE
    error = ModelSpecError(Problem.IMPORT, "no", hint=Hint.PATH)
    assert error.hint == Hint.PATH and ModelSpecError(Problem.FILE, "no").hint is None
    with pytest.raises(ValueError):
        describe("cli", "no_such_subtype", "a message")
