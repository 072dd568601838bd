"""A ten-page mystmd (Jupyter Book 2) site, one model per page: ``myst build --site``
cold and warm, with the framework imports of the plugin's processes counted.

    .venv/bin/python benchmarks/mystmd.py [--repeat N]

mystmd starts the plugin once per directive, a new process each time. The plugin's
entry file here is a wrapper that logs, for each process, whether it imported Keras and
how long it ran. Builds side by side, each the median of ``--repeat`` runs:

* no directives: the same site, the models named in prose (what mystmd itself costs);
* cold: an empty cache; the first directive's process fills it for the whole site;
* cold, one process per model: the same, with that site-wide fill switched off (each
  directive computes its own summary, as a plugin without it would);
* warm: nothing changed since the last build;
* one model edited: one page's model module changed since the last build.

A build is timed until mystmd says the pages are built (their AST is written), before
it fetches the site template (which cannot be downloaded here).
Needs node and npm (mystmd is installed on demand, as for the tests). The table is
printed and written to ``benchmarks/mystmd_results.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from mystmd_tool import built_pages, find_myst, plugin_env  # noqa: E402

RESULTS = Path(__file__).with_name("mystmd_results.json")
MODELS = [  # one page each
    "examples.mnist:build_cnn",
    "examples.text:build_lstm",
    "examples.text:build_bigru",
    "examples.transformer:build_encoder_block",
    "examples.functional:build_listing_model",
    "examples.nested:build_siamese",
    "examples.nested:build_two_levels",
    "examples.nested:build_encoder",
    "examples.text:build_lstm(units=64)",
    "keras.applications:MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3))",
]

# The plugin's entry file: the real plugin, and one log line per directive process.
ENTRY = """#!{python}
import json, os, sys, time
start = time.perf_counter()
from sphinx_modelsummary import mystmd
from sphinx_modelsummary.mystmd import directive
if os.environ.get("BENCH_NO_FILL"):
    directive.fill_cache = lambda site: None
status = mystmd.main()
if sys.argv[1:]:
    with open(os.environ["BENCH_LOG"], "a") as log:
        log.write(json.dumps({{"keras": "keras" in sys.modules, "seconds": time.perf_counter() - start}}) + "\\n")
sys.exit(status)
"""


def model_module(spec: str) -> str:
    """``page_NN.py``: the page's own module, so that editing it changes one model only."""
    module, _, call = spec.partition(":")
    return f"import {module}\n\n\ndef build():\n    return {module}.{call if '(' in call else call + '()'}\n"


def make_site(path: Path, directives: bool) -> Path:
    path.mkdir(parents=True)
    pages = [f"page_{i:02d}" for i in range(1, len(MODELS) + 1)]
    toc = "".join(f"    - file: {page}.md\n" for page in pages)
    (path / "myst.yml").write_text("version: 1\nproject:\n  title: Benchmark\n  plugins:\n    - type: executable\n"
                                   f"      path: plugin.py\n  toc:\n{toc}site:\n  template: book-theme\n")
    (path / "plugin.py").write_text(ENTRY.format(python=sys.executable))
    (path / "plugin.py").chmod(0o755)
    for page, spec in zip(pages, MODELS):
        (path / f"{page}.py").write_text(model_module(spec))
        body = f"```{{model-summary}} {page}:build\n```" if directives else f"The model `{page}:build`."
        (path / f"{page}.md").write_text(f"# {page}\n\nProse before the model.\n\n{body}\n\nProse after it.\n")
    return path


def build(myst: Path, site: Path, **env: str) -> dict:
    """One ``myst build --site``: wall seconds, and the plugin's processes from the log."""
    log = site / "plugin-log.jsonl"
    log.unlink(missing_ok=True)
    shutil.rmtree(site / "_build", ignore_errors=True)
    start = time.perf_counter()
    seconds, output = None, []
    with subprocess.Popen([str(myst), "build", "--site"], cwd=site, env=plugin_env(BENCH_LOG=str(log), **env),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        for line in proc.stdout:  # the pages are done at "Built N pages for project"
            output.append(line)
            if seconds is None and re.search(r"Built \d+ pages? for project", line):
                seconds = time.perf_counter() - start
    pages = built_pages(site)
    if seconds is None or len(pages) != len(MODELS) or "Non-zero error code" in "".join(output):
        raise RuntimeError(f"the build failed: {''.join(output)[-3000:]}")
    if "admonition" in json.dumps(pages):
        raise RuntimeError(f"a summary failed: {json.dumps(pages)[:2000]}")
    processes = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return {"build_s": seconds, "processes": len(processes), "imports": sum(p["keras"] for p in processes),
            "plugin_s": sum(p["seconds"] for p in processes),
            "slowest_process_s": max((p["seconds"] for p in processes), default=0.0)}


def scenarios(myst: Path, tmp: Path, run: int) -> dict[str, dict]:
    plain = make_site(tmp / f"plain-{run}", directives=False)
    site = make_site(tmp / f"site-{run}", directives=True)
    per_model = make_site(tmp / f"per-model-{run}", directives=True)
    results = {"no directives": build(myst, plain)}
    results["cold, one process per model"] = build(myst, per_model, BENCH_NO_FILL="1")
    results["cold"] = build(myst, site)
    results["warm"] = build(myst, site)
    with (site / "page_03.py").open("a") as module:
        module.write(f"\n# edit {run}\n")
    results["one model edited"] = build(myst, site)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per build, the median is shown (3)")
    args = parser.parse_args()
    myst, why = find_myst()
    if myst is None:
        sys.exit(f"cannot run: {why}")
    version = subprocess.run([str(myst), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"mystmd {version}, {len(MODELS)} pages with one model each, median of {args.repeat} runs\n", flush=True)
    runs = []
    with tempfile.TemporaryDirectory(prefix="modelsummary-mystmd-") as tmp:
        for run in range(args.repeat):
            runs.append(scenarios(myst, Path(tmp), run))
            print(f"  run {run + 1} done", flush=True)
    table = {name: {key: statistics.median(r[name][key] for r in runs) for key in runs[0][name]}
             for name in runs[0]}
    width = max(map(len, table))
    print(f"\n{'build':<{width}}  {'build s':>8}  {'processes':>9}  {'Keras imports':>13}  "
          f"{'plugin s (sum)':>14}  {'slowest process s':>17}")
    for name, figures in table.items():
        print(f"{name:<{width}}  {figures['build_s']:>8.1f}  {figures['processes']:>9.0f}  {figures['imports']:>13.0f}  "
              f"{figures['plugin_s']:>14.1f}  {figures['slowest_process_s']:>17.2f}")
    RESULTS.write_text(json.dumps({"mystmd": version, "python": sys.version.split()[0], "pages": len(MODELS),
                                   "repeat": args.repeat, "medians": table, "runs": runs}, indent=1) + "\n")


if __name__ == "__main__":
    main()
