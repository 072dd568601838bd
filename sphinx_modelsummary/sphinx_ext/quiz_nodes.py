"""A quiz's nodes, from a summary record: the model's code, the question, the statements
and the answer. Imported only for a page with a quiz (it needs the teaching code)."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

from ..model.expr import symbol_tex
from ..present import conventions as fmt
from ..present.doctree import math_node
from ..problems import Problem
from ..settings import QuizOptions
from ..teach.quiz import Quiz, QuizError, factory_source, legend, no_source, quiz_from_options, reasoning
from .nodes import quiz_answer


def problem_of(error: ValueError) -> tuple[str, str]:
    return (Problem.QUIZ if isinstance(error, QuizError) else Problem.OPTION).value, str(error)


def quiz_nodes(record: dict, settings: QuizOptions, asked: bool, warn_about, srcdir: Path) -> tuple[list, list]:
    """The model's code (``:show-code:``), and the question (unless ``asked``), the
    statements and the answer. ``:show-code:`` shows code of the project ``srcdir`` is in.

    Raises :class:`QuizError` or ``ValueError`` (a bad ``:layers:``) for a quiz that cannot be made.
    """
    code = factory_source(record, srcdir) if settings.show_code else None
    if settings.show_code and code is None:
        warn_about(Problem.OPTION.value, no_source(record))
    quiz = quiz_from_options(record, settings, "the above code fragment" if code else "the model")
    shown = [nodes.literal_block(code, code, language="python", classes=["modelsummary-quiz-code"])] if code else []
    made = [] if asked else [nodes.paragraph(quiz.question, quiz.question, classes=["modelsummary-quiz-question"])]
    statements = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".",
                                       classes=["modelsummary-quiz-statements"])
    for statement in quiz.statements:
        statements += nodes.list_item("", nodes.paragraph(statement.text, statement.text))
    made += [statements, _answer(quiz)]
    return shown, made


def _pieces(pieces: list) -> list[nodes.Node]:
    return [nodes.Text(p) if isinstance(p, str) else
            math_node(fmt.equation_latex(p.item, p.mode), fmt.equation(p.item, p.mode)) for p in pieces]


def _answer(quiz: Quiz) -> quiz_answer:
    answer = quiz_answer()
    numbers = ", ".join(str(n) for n in quiz.answer)
    answer += nodes.paragraph("", "", nodes.strong("", "Answer:"), nodes.Text(f" {numbers}"),
                              classes=["modelsummary-quiz-key"])
    for statement in quiz.statements:
        answer += nodes.paragraph("", "", *_pieces(reasoning(statement)))
    answer += nodes.paragraph("", "", nodes.strong("", "Shapes:"), nodes.Text(f" {quiz.shapes}"))
    symbols = legend(quiz)
    if symbols:
        where = [nodes.strong("", "Where")]
        for i, (symbol, meaning) in enumerate(symbols):
            where += [nodes.Text("; " if i else " "), math_node(symbol_tex(symbol), symbol),
                      nodes.Text(f" {'stands for' if not i else 'for'} the {meaning}")]
        answer += nodes.paragraph("", "", *where, nodes.Text("."))
    return answer
