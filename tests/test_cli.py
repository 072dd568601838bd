"""The command line: tables on stdout; errors, hostile factories' too (issue 8), one line
on stderr with a documented status. Run in this process (``front_ends.run_cli``), but
for the documented example, in a new one."""

import json
import re

import pytest

from front_ends import REPO as ROOT
from front_ends import cli_process, run_cli as run

TRUST = ROOT / "tests" / "roots" / "test-trust"


def test_text_table():
    pytest.importorskip("keras")
    result = run("examples.mnist:build_cnn")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert max(len(line) for line in out.splitlines()) <= 100
    assert re.search(r"k · \(f · h · w \+ 1\)\n.*= 32 · \(1 · 3 · 3 \+ 1\) = 320\n", out)
    assert re.search(r" 16,010  u · \(i \+ 1\)( = |\n.*= )10 · \(1,600 \+ 1\)", out)
    assert re.search(r"height, width:(.*\n)?.*⌊\(28 − 3\) / 1⌋ \+ 1 = 26", out)
    assert re.search(r"26 × 26 × 32(.*\n)?.*= 21,632", out)
    assert re.search(r"^Total +34,826 ", out, re.M)
    assert "k  output filters of this layer" in out
    wide = run("examples.mnist:build_cnn", "--width", "160").stdout  # room enough: nothing wraps
    assert "k · (f · h · w + 1) = 32 · (1 · 3 · 3 + 1) = 320" in wide and "26 × 26 × 32 = 21,632" in wide


def test_json_and_markdown():
    pytest.importorskip("keras")
    record = json.loads(run("examples.mnist:build_cnn_deferred", "--input-shape", "28, 28, 1",
                            "--format", "json").stdout)
    assert record["totals"]["params"] == 34826
    markdown = run("examples.mnist:build_cnn", "--format", "markdown", "--columns", "name, params").stdout
    assert "| Layer | Parameters |" in markdown and "| conv2d\\_1 | 18,496 |" in markdown


def test_errors_are_one_line_without_traceback():
    pytest.importorskip("keras")
    result = run("examples.mnist:nope")
    assert result.returncode == 1
    assert "error (attribute)" in result.stderr and "Traceback" not in result.stderr
    result = run("examples.mnist:build_cnn", "--input-shape", "28, x")
    assert result.returncode == 1 and "error (syntax)" in result.stderr


def test_explain_gives_the_seeds_reasoning():
    pytest.importorskip("keras")
    out = run("examples.mnist:build_cnn", "--explain", "--columns", "layer, params", "--ascii").stdout
    walk = " ".join(line.strip() for line in out.splitlines() if line.strip().startswith(("Shapes:", "Input ", "-> ")))
    assert ("Shapes: Input 28 x 28 x 1 = 784 -> Conv2D 26 x 26 x 32 = 21,632 -> "
            "MaxPooling2D 13 x 13 x 32 = 5,408 -> Conv2D 11 x 11 x 64 = 7,744 -> MaxPooling2D 5 x 5 x 64 = 1,600") in walk
    assert "conv2d_1 (Conv2D): parameters = k * (f * h * w + 1) = 64 * (32 * 3 * 3 + 1) = 18,496" in out
    assert "dense (Dense): parameters = u * (i + 1) = 10 * (1600 + 1) = 16,010" in out
    assert "max_pooling2d (MaxPooling2D) has no parameters: pooling layers don't learn anything" in out
    assert "k  output filters of this layer" in out  # the legend, for the symbols in the steps
    assert max(len(line) for line in out.splitlines()) <= 100


def test_the_example_in_the_docs_is_what_the_command_prints():
    pytest.importorskip("keras")
    page = (ROOT / "docs" / "cli.rst").read_text()
    example = page.split(".. code-block:: text\n\n", 2)[2].split("\n\n", 1)[0]
    shown = "\n".join(line[3:] for line in example.splitlines())
    printed = cli_process("examples.mnist:build_cnn_deferred", "--input-shape", "28, 28, 1",
                          "--columns", "layer,output,params,formula")  # `python -m`, in a new process
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith(shown)


# Hostile factories and bad input (issue 8): one line on stderr, a documented status ----------


CLI_CASES = [  # (arguments, exit status, words on the one line of stderr)
    (["ms_trust_models:exits"], 1, "error (factory): ms_trust_models:exits raised SystemExit: 3"),
    (["ms_trust_models:raises_base_exception"], 1, "error (factory): ms_trust_models:raises_base_exception raised Halt"),
    (["ms_trust_models:interrupts"], 130, "interrupted"),
    (["ms_trust_models:small(size=4, size=5)"], 1, "error (syntax):"),
    (["ms_trust_models:deferred", "--input-shape", "28,,28,1"], 1, "error (syntax):"),
    (["ms_trust_models:small", "--columns", "colour"], 2, "unknown column 'colour'"),
]


@pytest.mark.parametrize(("args", "status", "words"), CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_cli_errors_are_one_line_and_a_documented_status(args, status, words):
    pytest.importorskip("keras")
    result = run(*args, path=(TRUST,))
    assert result.returncode == status, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("sphinx-modelsummary")]
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_the_exit_statuses_are_documented():
    page = (ROOT / "docs" / "cli.rst").read_text()
    for status in ("0", "1", "2", "3", "130"):
        assert f"``{status}``" in page
