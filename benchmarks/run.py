"""Benchmarks of sphinx_modelsummary against plain Sphinx and plain Keras.

    .venv/bin/python benchmarks/run.py [--repeat N] [--quick]

Every figure is a ratio measured side by side (numerator and denominator in the same
repeat, each child process timed with ``time.perf_counter`` around it); the value shown
is the median over the repeats. Throwaway Sphinx projects go to a temporary directory.
The table is printed and written to ``benchmarks/results.json``. Warm builds (figures 2
and 3: a prose edit, a clean build with the cache filled) are ``benchmarks/warm.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results.json")
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3",
       "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run it: bytecode compiled once, then read
NO_CACHE = ("-D", "modelsummary_cache_dir=")

MODELS = {  # page name -> spec (figures 1 and 7; figures 5 and 8 show counted:build)
    "mnist": "examples.mnist:build_cnn",
    "lstm": "examples.text:build_lstm",
    "encoder": "examples.transformer:build_encoder_block",
    "listing": "examples.functional:build_listing_model",
    "mobilenet": "keras.applications:MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3))",
}
SIX_MODELS = {**MODELS, "bigru": "examples.text:build_bigru"}  # figure 6

# Child programs. Each prints one JSON line last: what it measured and its peak memory.
SPHINX = """
import json, resource, sys
from sphinx.cmd.build import build_main
status = build_main(sys.argv[1:])
print(json.dumps({"status": status, "tensorflow": "tensorflow" in sys.modules,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

KERAS_SCRIPT = """
import importlib, io, json, resource, sys
import keras
out = io.StringIO()
for spec in sys.argv[1:]:
    module, _, call = spec.partition(":")
    model = eval("m." + call + ("" if "(" in call else "()"), {"m": importlib.import_module(module)})
    model.summary(print_fn=lambda text, **kwargs: out.write(text))
assert "Total params" in out.getvalue()
print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

IN_PROCESS = """
import gc, json, sys, time
import keras
from sphinx_modelsummary.present import text as text_render
from sphinx_modelsummary.present.doctree import render
from sphinx_modelsummary.present.view import SummaryOptions, select_rows
from sphinx_modelsummary.model.summary import summarize_model

large, repeat, sizes = sys.argv[1], int(sys.argv[2]), [int(n) for n in sys.argv[3].split(",")]
sys.setrecursionlimit(20000)  # Keras maps a functional graph recursively: a 1,000-layer chain is deep

def record_and_render(model):
    start = time.perf_counter()
    record = summarize_model(model, model)
    made = time.perf_counter()
    options = SummaryOptions()
    render(record, options, select_rows(record, options))
    text_render.to_text(record)
    return made - start, time.perf_counter() - made, len(record["layers"])

def chain(n):
    inputs = keras.Input((16,))
    x = inputs
    for _ in range(n):
        x = keras.layers.Dense(16)(x)
    return keras.Model(inputs, x)

build = getattr(keras.applications, large)
result = {"large": []}
for i in range(repeat + 1):  # the first is the warm-up
    keras.backend.clear_session()
    gc.collect()
    start = time.perf_counter()
    model = build(weights=None)
    built = time.perf_counter() - start
    record, rendered, layers = record_and_render(model)
    if i:
        result["large"].append({"build": built, "record": record, "render": rendered, "layers": layers})
    del model
result["chain"] = {}
for n in sizes:
    keras.backend.clear_session()
    model = chain(n)
    summarize_model(model, model)  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        summarize_model(model, model)
        times.append(time.perf_counter() - start)
    result["chain"][n] = times
print(json.dumps(result))
"""

CONF = """
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
extensions = ["sphinx_modelsummary"]
"""

COUNTED = """
from pathlib import Path
from examples.mnist import build_cnn

def build():
    with open(Path(__file__).with_name("builds.txt"), "a") as counter:
        counter.write("1\\n")
    return build_cnn()
"""


# Helpers ----------------------------------------------------------------------------------


class Timeout(Exception):
    pass


def child(code: str, *args: str, timeout: float = 600) -> dict:
    """Run ``python -c code args`` in a fresh process: its last JSON line, plus ``time``
    (wall seconds) and ``stderr``. A child that runs past ``timeout`` is killed with its
    own children (a forked Sphinx worker) and raises :class:`Timeout`."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise Timeout(f"killed after {timeout:.0f} s") from None
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or not out.strip():
        raise RuntimeError(f"child failed ({proc.returncode}): {err[-2000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    if report.get("status", 0) != 0:
        raise RuntimeError(f"sphinx-build failed: {err[-2000:]}")
    return {**report, "time": elapsed, "stderr": err}


def startup() -> float:
    """Seconds for ``python -c pass``: the bare interpreter's start-up."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=ENV, check=True)
    return time.perf_counter() - start


def sphinx_build(src: Path, out: Path, *options: str, timeout: float = 600) -> dict:
    """``sphinx-build -q -b html`` in a child process (doctrees under ``out``)."""
    report = child(SPHINX, "-q", "-b", "html", *options, str(src), str(out), timeout=timeout)
    warnings = [line for line in report["stderr"].splitlines() if "WARNING" in line]
    if warnings:
        NOTES.append(f"{src.name}: {warnings[0]}")
    return report


def page(title: str, spec: str, directives: bool, edit: int = 0) -> str:
    body = f".. model-summary:: {spec}" if directives else f"The model ``{spec}``."
    return f"{title}\n{'=' * len(title)}\n\nProse before the model, version {edit}.\n\n{body}\n\nProse after it.\n"


def make_project(path: Path, pages: dict[str, str], directives: bool = True, extra: dict | None = None) -> Path:
    """A Sphinx project: an index with a toctree and one page per (name, spec)."""
    path.mkdir(parents=True)
    (path / "conf.py").write_text(CONF)
    toctree = "".join(f"   {name}\n" for name in pages)
    (path / "index.rst").write_text(f"Benchmark\n=========\n\n.. toctree::\n\n{toctree}")
    for name, spec in pages.items():
        (path / f"{name}.rst").write_text(page(name.capitalize(), spec, directives))
    for name, text in (extra or {}).items():
        (path / name).write_text(text)
    return path


def median(values) -> float:
    return statistics.median(values)


NOTES: list[str] = []
ROWS: list[dict] = []


def row(figure: str, value, target: str = "-", met: bool | None = None, runs=(), **details) -> None:
    """One line of the table; ``runs`` (each repeat's value) and ``details`` go to the JSON."""
    ROWS.append({"figure": figure, "value": value, "target": target, "met": met, "runs": list(runs),
                 "details": details})


def at_most(limit: float):
    return lambda value: value <= limit


# Figures ----------------------------------------------------------------------------------


def cold_build(tmp: Path, repeat: int) -> None:
    """Figures 1 and 7: a cold docs build (cache off) against the plain script."""
    docs = make_project(tmp / "cold-docs", MODELS)
    plain = make_project(tmp / "cold-plain", MODELS, directives=False)
    ratios, memory, runs = [], [], []
    for i in range(repeat):
        d = sphinx_build(docs, tmp / f"cold-docs-out{i}", "-E", *NO_CACHE)
        p = sphinx_build(plain, tmp / f"cold-plain-out{i}", "-E", *NO_CACHE)
        s = child(KERAS_SCRIPT, *MODELS.values())
        bare = startup()
        ratios.append((d["time"] - p["time"]) / (s["time"] - bare))
        memory.append(d["maxrss_kb"] / s["maxrss_kb"])
        runs.append((d["time"], p["time"], s["time"], bare, d["maxrss_kb"], s["maxrss_kb"]))
    assert "34,826" in (tmp / "cold-docs-out0" / "mnist.html").read_text()
    assert not (docs / "_modelsummary_cache").exists()
    t = [median(column) for column in zip(*runs)]
    row("1. cold build: (docs - plain docs) / (keras script - python start-up)", median(ratios), "<= 1.10",
        median(ratios) <= 1.10, ratios, docs_s=t[0], plain_docs_s=t[1], keras_script_s=t[2], python_startup_s=t[3])
    row("7. peak memory: cold docs build / keras script", median(memory), "<= 1.2", median(memory) <= 1.2, memory,
        docs_mb=t[4] / 1024, keras_script_mb=t[5] / 1024)


def large_model(repeat: int, large: str, sizes: list[int]) -> None:
    """Figure 4: record and render of a large model against Keras building it; how the
    record's time grows with the number of layers."""
    report = child(IN_PROCESS, large, str(repeat), ",".join(map(str, sizes)))
    runs = report["large"]
    ratios = [(r["record"] + r["render"]) / r["build"] for r in runs]
    ratio = median(ratios)
    row(f"4. {large} ({runs[0]['layers']} layers): (record + render) / keras build", ratio, "<= 0.25",
        ratio <= 0.25, ratios, build_s=median([r["build"] for r in runs]), record_s=median([r["record"] for r in runs]),
        render_s=median([r["render"] for r in runs]))
    per_layer = {int(n): median(times) / int(n) for n, times in report["chain"].items()}
    for n, seconds in per_layer.items():
        row(f"4. record time per layer, Dense chain of {n}", f"{seconds * 1000:.2f} ms",
            runs=[t / n for t in report["chain"][str(n)]])
    low, high = min(per_layer), max(per_layer)
    linearity = per_layer[high] / per_layer[low]  # = time(high) / time(low) / (high / low)
    row(f"4. linearity: time({high}) / time({low}) / {high / low:g}", linearity, "<= 1.5", linearity <= 1.5)


def counted_build(project: Path, out: Path, *options: str) -> tuple[float, int]:
    """A cold build (cache off) of pages showing ``counted:build``: seconds, model builds."""
    (project / "builds.txt").write_text("")
    seconds = sphinx_build(project, out, "-E", *NO_CACHE, *options)["time"]
    return seconds, len((project / "builds.txt").read_text().split())


def same_model(tmp: Path, repeat: int) -> None:
    """Figure 5: ten pages showing the same model (cache off): one build, and the time."""
    spec = "counted:build"
    ten = make_project(tmp / "ten", {f"page{n}": spec for n in range(10)}, extra={"counted.py": COUNTED})
    one = make_project(tmp / "one", {"page0": spec}, extra={"counted.py": COUNTED})
    ratios, builds, runs = [], [], []
    for i in range(repeat):
        times, counts = zip(*(counted_build(project, tmp / f"{project.name}-out{i}") for project in (ten, one)))
        builds += counts
        ratios.append(times[0] / times[1])
        runs.append(times)
    t = [median(column) for column in zip(*runs)]
    row("5. ten pages, same model: model builds per sphinx-build", max(builds), "1", max(builds) == 1)
    row("5. ... build time, ten pages / one page", median(ratios), runs=ratios, ten_pages_s=t[0], one_page_s=t[1])


def parallel(tmp: Path, repeat: int) -> None:
    """Figure 6: ``-j 2`` against a serial build of six pages (cache off)."""
    docs = make_project(tmp / "multi", SIX_MODELS)
    ratios, runs = [], []
    for i in range(repeat):
        serial = sphinx_build(docs, tmp / f"multi-serial-out{i}", "-E", *NO_CACHE)
        try:
            par = sphinx_build(docs, tmp / f"multi-j2-out{i}", "-E", "-j", "2", *NO_CACHE,
                               timeout=max(120, 10 * serial["time"]))
        except Timeout as error:
            row("6. -j 2 / serial build (6 pages)", f"hung ({error})", "<= 1.0", False)
            return
        ratios.append(par["time"] / serial["time"])
        runs.append((par["time"], serial["time"], par["tensorflow"]))
    assert "34,826" in (tmp / "multi-j2-out0" / "mnist.html").read_text()
    t = [median(column) for column in zip(*runs)]
    row("6. -j 2 / serial build (6 pages)", median(ratios), "<= 1.0", median(ratios) <= 1.0, ratios,
        parallel_s=t[0], serial_s=t[1], framework_in_main_process=any(r[2] for r in runs))


def many_pages(tmp: Path, repeat: int) -> None:
    """Figure 8: forty pages showing one small model (cache off), ``-j 2`` against serial."""
    docs = make_project(tmp / "forty", {f"page{n:02}": "counted:build" for n in range(40)},
                        extra={"counted.py": COUNTED})
    ratios, builds, runs = [], [], []
    for i in range(repeat):
        serial, serial_builds = counted_build(docs, tmp / f"forty-serial-out{i}")
        par, par_builds = counted_build(docs, tmp / f"forty-j2-out{i}", "-j", "2")
        ratios.append(par / serial)
        builds += [serial_builds, par_builds]
        runs.append((par, serial))
    assert "34,826" in (tmp / "forty-j2-out0" / "page39.html").read_text()
    t = [median(column) for column in zip(*runs)]
    row("8. forty pages, one model: -j 2 / serial build", median(ratios), "<= 1.0", median(ratios) <= 1.0, ratios,
        parallel_s=t[0], serial_s=t[1])
    row("8. ... model builds per sphinx-build", max(builds), "1", max(builds) == 1)


# Report -----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())

    def version(*names):
        for name in names:
            try:
                return f"{name} {metadata.version(name)}"
            except metadata.PackageNotFoundError:
                pass
        return "-"

    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "keras": version("keras"), "backend": version("tensorflow", "tensorflow-cpu"),
            "sphinx": version("sphinx")}


def show(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure, the median is shown (5)")
    parser.add_argument("--quick", action="store_true", help="repeat 1 and smaller sizes: does the script work?")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    large, sizes = ("EfficientNetB0", [50, 100, 200]) if args.quick else ("EfficientNetB7", [100, 250, 500, 1000])
    info = machine()
    print("Machine: " + ", ".join(f"{key} {value}" if key in ("cpu", "cores", "python") else str(value)
                                  for key, value in info.items()))
    print(f"Repeat: {repeat} (median shown)\n", flush=True)
    started = time.perf_counter()
    child(KERAS_SCRIPT, "examples.mnist:build_cnn")  # warm the file cache before timing anything
    with tempfile.TemporaryDirectory(prefix="modelsummary-bench-") as tmp:
        for figure in (cold_build, same_model, parallel, many_pages):
            figure(Path(tmp), repeat)
            print(f"  {figure.__name__} done ({time.perf_counter() - started:.0f} s)", flush=True)
    large_model(repeat, large, sizes)
    print(f"  large_model done ({time.perf_counter() - started:.0f} s)\n", flush=True)

    width = max(len(r["figure"]) for r in ROWS)
    print(f"{'figure':<{width}}  {'value':>10}  {'target':>8}  met")
    print("-" * (width + 28))
    for r in sorted(ROWS, key=lambda r: r["figure"].split(".")[0]):
        met = "-" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"{r['figure']:<{width}}  {show(r['value']):>10}  {r['target']:>8}  {met}")
    print("\nDetails (medians, seconds / MB):")
    for r in ROWS:
        if r["details"]:
            print(f"  {r['figure']}: " + ", ".join(f"{k} {show(v)}" for k, v in r["details"].items()))
    for note in dict.fromkeys(NOTES):
        print(f"  warning seen: {note}")
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    RESULTS.write_text(json.dumps({"machine": info, "repeat": repeat, "figures": ROWS, "warnings": NOTES},
                                  indent=1) + "\n")


if __name__ == "__main__":
    main()
