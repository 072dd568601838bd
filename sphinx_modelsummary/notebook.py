"""Summaries in a notebook or a REPL: ``explain(model)`` shows the table with formulas."""

from __future__ import annotations

import json
from types import SimpleNamespace

from .present import html, markdown, text
from .present.view import SummaryOptions
from .model.spec import ModelSpec, build_graph, import_keras, input_shape_text, parse_input_shapes
from .model.summary import summarize, summarize_model
from .model.torch_adapter import is_torch_module, summarize_module
from .settings import resolve_options


class Summary:
    """A summary record that Jupyter shows as an HTML table and a terminal as text: the same
    facts as the directive shows for the same options."""

    def __init__(self, record: dict, options: SummaryOptions | None = None):
        self.record, self.options = record, options or SummaryOptions()

    def _repr_html_(self) -> str:
        table = html.render(self.record, self.options)
        return table + self.diagram().svg() if self.options.diagram else table

    def diagram(self, view: str = "auto") -> "Diagram":
        """The model's diagram (``view``: auto, feature-maps or graph): SVG in Jupyter, words in a terminal."""
        from .present.diagram_layout import diagram_rows, layout

        return Diagram(layout(self.record, diagram_rows(self.record, self.options.layers), view))

    def _repr_markdown_(self) -> str:
        return markdown.render(self.record, self.options)

    def __str__(self) -> str:
        table = text.render(self.record, self.options)
        return f"{table}\n\n{self.diagram()}" if self.options.diagram else table

    __repr__ = __str__

    def to_json(self) -> str:
        return json.dumps(self.record, indent=2)


class Diagram:
    """A model's diagram: Jupyter shows the SVG (in the notebook's own text colour), a
    terminal the diagram in words."""

    def __init__(self, layout):
        self.layout = layout

    def svg(self) -> str:
        from .present import svg

        return svg.render(self.layout)

    def _repr_svg_(self) -> str:  # an output of its own: it keeps its colours in a dark notebook
        from .present import svg

        return svg.render(self.layout, standalone=True)

    def __str__(self) -> str:
        from .present import diagram_text

        return diagram_text.render(self.layout)

    __repr__ = __str__


def explain(model, input_shape=None, *, steps: bool = False, **options) -> Summary:
    """Summarise a Keras model object, a ``torch.nn.Module`` (with ``input_shape`` channels
    first, ``(1, 28, 28)``), or a spec such as ``"examples.mnist:build_cnn"``.

    ``input_shape`` builds a model that is not built yet: ``(28, 28, 1)``, ``"28, 28, 1"``,
    or a list of shapes for several inputs. ``steps`` adds the shape walk and one
    sentence per layer after the table; ``diagram=True`` the model's diagram (also
    ``explain(...).diagram()``). Every option of the directive is a keyword, read
    as the directive reads it (``columns="layer, params"``, ``depth=0``, ``layers="a..b"``);
    a bad one is a ``ValueError`` naming it.
    """
    given = {name.replace("_", "-"): value for name, value in options.items()}
    if steps:
        given["explain"] = True
    chosen = resolve_options(SimpleNamespace(), given, label=lambda option: option.replace('-', '_'))
    if isinstance(model, str):
        written = input_shape if input_shape is None or isinstance(input_shape, str) else _shape_text(input_shape)
        return Summary(summarize(model, written), chosen)
    if is_torch_module(model):  # channels first, without the batch axis: (1, 28, 28)
        shapes = parse_input_shapes(input_shape if isinstance(input_shape, str) or input_shape is None
                                    else _shape_text(input_shape))
        return Summary(summarize_module(model, spec=type(model).__name__, input_shapes=shapes), chosen)
    keras = import_keras()
    if not isinstance(model, keras.Model):
        wrap = "; wrap a layer in a model: keras.Sequential([keras.Input(...), layer])" \
            if isinstance(model, keras.layers.Layer) else ""
        raise TypeError(f"explain() takes a Keras model, a torch.nn.Module or a spec such as 'mypkg.models:build', "
                        f"not {type(model).__module__}.{type(model).__qualname__}{wrap}")
    shapes = parse_input_shapes(input_shape if isinstance(input_shape, str) or input_shape is None
                                else _shape_text(input_shape))
    graph, model = build_graph(keras, ModelSpec(text=getattr(model, "name", "model")), model, shapes)
    return Summary(summarize_model(graph, model, input_shapes=shapes), chosen)


def _shape_text(shape) -> str:
    """``(28, 28, 1)`` -> ``"28, 28, 1"``; a list of shapes -> ``"..; .."``."""
    return input_shape_text(shape if shape and isinstance(shape[0], (list, tuple)) else [shape])
