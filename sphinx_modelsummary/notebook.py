"""Summaries in a notebook or a REPL: ``explain(model)`` shows the table with formulas."""

from __future__ import annotations

import json

from .present import html, markdown, text
from .present.conventions import DEFAULT_COLUMNS, parse_columns
from .model.spec import ModelSpec, build_graph, import_keras, input_shape_text, parse_input_shapes
from .model.summary import summarize, summarize_model


class Summary:
    """A summary record that Jupyter shows as an HTML table and a terminal as text."""

    def __init__(self, record: dict, columns=DEFAULT_COLUMNS, formula: str = "both", explain: bool = False):
        self.record, self.columns, self.formula, self.explain = record, list(columns), formula, explain

    def _repr_html_(self) -> str:
        return html.to_html(self.record, self.columns, self.formula, explain=self.explain)

    def _repr_markdown_(self) -> str:
        return markdown.to_markdown(self.record, self.columns, self.formula, explain=self.explain)

    def __str__(self) -> str:
        return text.to_text(self.record, self.columns, self.formula, explain=self.explain)

    __repr__ = __str__

    def to_json(self) -> str:
        return json.dumps(self.record, indent=2)


def explain(model, input_shape=None, *, columns: str | None = None, formula: str = "both",
            steps: bool = False) -> Summary:
    """Summarise a Keras model object, or a spec such as ``"examples.mnist:build_cnn"``.

    ``input_shape`` builds a model that is not built yet: ``(28, 28, 1)``, ``"28, 28, 1"``,
    or a list of shapes for several inputs. ``steps`` adds the shape walk and one
    sentence per layer after the table.
    """
    if isinstance(model, str):
        text = input_shape if input_shape is None or isinstance(input_shape, str) else _shape_text(input_shape)
        return Summary(summarize(model, text), parse_columns(columns), formula, steps)
    keras = import_keras()
    shapes = parse_input_shapes(input_shape if isinstance(input_shape, str) or input_shape is None
                                else _shape_text(input_shape))
    graph, model = build_graph(keras, ModelSpec(text=getattr(model, "name", "model")), model, shapes)
    return Summary(summarize_model(graph, model, input_shapes=shapes), parse_columns(columns), formula, steps)


def _shape_text(shape) -> str:
    """``(28, 28, 1)`` -> ``"28, 28, 1"``; a list of shapes -> ``"..; .."``."""
    return input_shape_text(shape if shape and isinstance(shape[0], (list, tuple)) else [shape])
