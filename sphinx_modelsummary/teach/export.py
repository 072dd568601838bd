"""A quiz for other places (the CLI's ``quiz --format``): plain text, Markdown, Moodle's
GIFT and jupyterquiz's JSON; the project's own JSON is :func:`.quiz.to_json`."""

from __future__ import annotations

import html

from .quiz import Quiz, legend, pieces_text, reasoning


def to_text(quiz: Quiz, code: str | None = None) -> str:
    lines = [*(f"    {line}" for line in (code or "").splitlines()), *([""] if code else []), quiz.question, ""]
    lines += [f"  {s.number}. {s.text}" for s in quiz.statements]
    lines += ["", f"Answer: {', '.join(map(str, quiz.answer))}", ""]
    lines += [line for s in quiz.statements for line in (pieces_text(reasoning(s)), "")]
    lines += [f"Shapes: {quiz.shapes}"]
    symbols = legend(quiz)
    if symbols:
        lines += ["", "Legend:", *(f"  {symbol}: {meaning}" for symbol, meaning in symbols)]
    return "\n".join(lines) + "\n"


def to_markdown(quiz: Quiz, code: str | None = None) -> str:
    def cell(text: str) -> str:
        return text.replace("*", "\\*").replace("_", "\\_")

    lines = ["```python", code, "```", ""] if code else []
    lines += [quiz.question, ""] + [f"{s.number}. {cell(s.text)}" for s in quiz.statements]
    lines += ["", f"**Answer:** {', '.join(map(str, quiz.answer))}", ""]
    for statement in quiz.statements:  # "1. False. ...": an ordered list, numbered as the statements
        lines += ["".join(cell(p) if isinstance(p, str) else f"`{pieces_text([p])}`" for p in reasoning(statement)), ""]
    lines += [f"**Shapes:** {cell(quiz.shapes)}"]
    symbols = legend(quiz)
    if symbols:
        lines += ["", "**Legend:** " + "; ".join(f"`{s}` {cell(m)}" for s, m in symbols)]
    return "\n".join(lines) + "\n"


def feedback_text(statement) -> str:
    """A statement's reasoning without its number: platforms shuffle the options."""
    return pieces_text(reasoning(statement)).removeprefix(f"{statement.number}. ")


# Moodle's GIFT -----------------------------------------------------------------------------
# A multiple-answer question: every statement is an option, the true ones share +100 % and
# the false ones -100 %, and each option's feedback is its reasoning. The fractions must be among
# the grades Moodle accepts, so a quiz has at most ten true and ten false statements (or 20).

_MOODLE_COUNTS = (*range(1, 11), 20)  # 100 % / n is one of Moodle's grades
_GIFT_SPECIAL = "\\~=#{}:"


def gift_escape(text: str) -> str:
    """Text safe in GIFT: a backslash before each of ``\\ ~ = # { } :``, newlines as ``\\n``."""
    text = "".join(f"\\{char}" if char in _GIFT_SPECIAL else char for char in text)
    return text.replace("\n", "\\n")


def _html(text: str) -> str:
    return html.escape(text, quote=False)


def gift_weight(count: int) -> str:
    """Each of ``count`` options' share of 100 %, as GIFT writes it (``33.33333``)."""
    if count not in _MOODLE_COUNTS:
        raise ValueError(f"Moodle grades a multiple-answer option only in fractions 1/1 to 1/10 or 1/20; "
                         f"a quiz with {count} true or false statements cannot be one (ask for fewer statements)")
    return f"{100 / count:.5f}".rstrip("0").rstrip(".")


def to_gift(quiz: Quiz, code: str | None = None, title: str = "model-summary quiz") -> str:
    """The quiz as one GIFT question (HTML text) for Moodle's question bank import."""
    true = gift_weight(len(quiz.answer))
    false_count = len(quiz.statements) - len(quiz.answer)
    false = gift_weight(false_count) if false_count else "0"
    text = (f"<pre><code>{_html(code)}</code></pre>" if code else "") + f"<p>{_html(quiz.question)}</p>"
    lines = [f"::{gift_escape(title)}::[html]{gift_escape(text)} {{"]
    for statement in quiz.statements:
        weight = true if statement.true else f"-{false}"
        feedback = _html(feedback_text(statement))
        lines.append(f"    ~%{weight}%{gift_escape(_html(statement.text))}#{gift_escape(feedback)}")
    true_texts = " ".join(s.text for s in quiz.statements if s.true)
    general = f"<p>True: {_html(true_texts)}</p><p>Shapes: {_html(quiz.shapes)}</p>"
    symbols = legend(quiz)
    if symbols:
        general += "<p>Legend: " + "; ".join(f"{_html(s)}: {_html(m)}" for s, m in symbols) + "</p>"
    lines += [f"    ####{gift_escape(general)}", "}"]
    return "\n".join(lines) + "\n"


# jupyterquiz -------------------------------------------------------------------------------


def to_jupyterquiz(quiz: Quiz, code: str | None = None) -> list[dict]:
    """The quiz for ``jupyterquiz.display_quiz``: one ``many_choice`` question (its schema
    ``mc_schema.json``), each statement an answer with its reasoning as the feedback."""
    question = {"question": quiz.question, "type": "many_choice",
                "answers": [{"answer": s.text, "correct": s.true, "feedback": feedback_text(s)}
                            for s in quiz.statements]}
    if code:
        question["code"] = code
    return [question]
