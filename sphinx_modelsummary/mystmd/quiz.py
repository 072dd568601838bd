"""The ``model-quiz`` directive for mystmd: the same quiz as Sphinx's, as MyST AST.

The quiz is an ``exercise`` (mystmd numbers it, "Exercise 1", and ``[](#label)`` refers
to it by its ``:label:`` or ``:name:``); its statements an ordered list; its answer a
``details`` node, which mystmd shows closed, as the ``{dropdown}`` directive does. For
mystmd's TeX export, which writes neither, the quiz comes with its LaTeX
(:mod:`.quiz_tex`).
"""

from __future__ import annotations

from ..model.expr import symbol_tex
from ..present import conventions as fmt
from ..present.myst_ast import bullets, math, paragraph, strong, text
from ..problems import Problem
from ..settings import resolve_quiz_options
from ..teach.quiz import Quiz, QuizError, factory_source, legend, no_source, quiz_from_options, reasoning
from .directive import _lookup, _problem
from .quiz_tex import nodes_tex, quiz_tex, tex_text
from .roles import find_named, run_role
from .site import Site, named_summaries

NAME = "model-quiz"


def run_quiz(request: dict, site: Site) -> list[dict]:
    """The nodes for one quiz (``{"arg", "options", "body", "node"}`` as mystmd sends it)."""
    spec = str(request.get("arg") or "").strip()
    where = (request.get("node") or {}).get("position")
    nodes = [_problem(spec, where, *problem, directive=NAME) for problem in site.problems]

    def report(subtype: str, message: str, error: bool = False) -> list[dict]:
        nodes.append(_problem(spec, where, subtype, message.removeprefix(f"{NAME}: "), error=error, directive=NAME))
        return nodes

    try:
        options = resolve_quiz_options(spec, request.get("options") or {})
    except ValueError as error:
        return report(Problem.OPTION.value, str(error), error=True)
    if options.summary:
        named, trouble = find_named(site, options.summary, NAME)
        if named is None:
            return report(*trouble, error=True)
        record = named.record
    else:
        entry = _lookup(site, spec, options.input_shape or None)
        if entry.error is not None:
            return report(*entry.error, error=True)
        if entry.warning is not None:
            report(*entry.warning)
        record = entry.record
    source = factory_source(record, site.root) if options.show_code else None
    if options.show_code and source is None:
        report(Problem.OPTION.value, no_source(record))
    try:
        quiz = quiz_from_options(record, options, "the above code fragment" if source else "the model")
    except QuizError as error:
        return report(Problem.QUIZ.value, str(error), error=True)
    except ValueError as error:
        return report(Problem.OPTION.value, str(error), error=True)
    question = request.get("body") or [paragraph(text(quiz.question))]
    shown = [{"type": "code", "lang": "python", "value": source, "class": "modelsummary-quiz-code"}] if source else []
    exercise = {"type": "exercise", "enumerated": True, "class": " ".join(["modelsummary-quiz", *options.classes]),
                "children": [*shown, *question, statements(quiz), answer(quiz)]}
    if options.name:
        exercise["label"] = options.name
        exercise["identifier"] = " ".join(options.name.lower().split())
    asked = nodes_tex(request["body"], lambda name, target: _role_tex(name, target, site)) if request.get("body") \
        else tex_text(quiz.question)
    latex = quiz_tex(quiz, asked, source, exercise.get("identifier", ""))
    return nodes + [{"type": "raw", "lang": "tex", "tex": latex, "children": [exercise]}]


def _role_tex(name: str, target: str, site: Site) -> str:
    """What an ``ms`` role in the question shows, as LaTeX (another role: its text); a
    reference to a summary is to its table, as mystmd writes it."""
    if name == "ref":
        known = " ".join(target.lower().split()) in named_summaries(site.root)
        return ("Table~" if known else "") + rf"\ref{{{target.lower()}}}"
    found = run_role({"name": name, "body": target}, site)
    math = [n for n in found[0].get("children", []) if n["type"] == "inlineMath"] if found else []
    if math:
        return f"${math[0]['value']}$"
    return tex_text(found[0].get("template") or found[0].get("value") or target) if found else tex_text(target)


def statements(quiz: Quiz) -> dict:
    return bullets([[text(s.text)] for s in quiz.statements], "modelsummary-quiz-statements", ordered=True)


def answer(quiz: Quiz) -> dict:
    """The correct statements and why, in a closed ``details``."""
    numbers = ", ".join(str(n) for n in quiz.answer)
    children = [{"type": "summary", "children": [text("Show the answer")]},  # as in Sphinx's HTML
                {**paragraph(strong("Answer:"), text(f" {numbers}")), "class": "modelsummary-quiz-key"}]
    children += [paragraph(*_pieces(reasoning(statement))) for statement in quiz.statements]
    children.append(paragraph(strong("Shapes:"), text(f" {quiz.shapes}")))
    symbols = legend(quiz)
    if symbols:
        where = [strong("Where")]
        for i, (symbol, meaning) in enumerate(symbols):
            where += [text("; " if i else " "), math(symbol_tex(symbol)),
                      text(f" {'stands for' if not i else 'for'} the {meaning}")]
        children.append(paragraph(*where, text(".")))
    return {"type": "details", "open": False, "class": "modelsummary-answer", "children": children}


def _pieces(pieces: list) -> list[dict]:
    return [text(p) if isinstance(p, str) else math(fmt.equation_latex(p.item, p.mode)) for p in pieces]

