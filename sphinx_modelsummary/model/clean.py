"""Text from outside (a layer's name in a ``.keras`` file, an exception's message) made
safe to show anywhere: control characters become visible escapes and a string has a
bounded length, so no name can move a terminal's cursor, make XML ill-formed, or break
a LaTeX paragraph."""

from __future__ import annotations

import re

LIMIT = 2000  # characters of one string in a record; a longer one is cut, with an ellipsis
MESSAGE_LIMIT = 1000  # characters of one problem's message
# C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional
# overrides (which reorder what a reader sees)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


def _escape(match: re.Match) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, limit: int = LIMIT) -> str:
    """``text`` with each control character as an escape (``\\x1b``), at most ``limit`` long."""
    text = _CONTROL.sub(_escape, text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_printable(text: str, limit: int = LIMIT) -> bool:
    return len(text) <= limit and not _CONTROL.search(text)


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message for one line of a log or a terminal: colour codes dropped, line breaks
    as spaces, other controls escaped, at most ``limit`` long."""
    text = " ".join(_ANSI.sub("", text).split())
    return printable(text, limit)


def clean_strings(value, limit: int = LIMIT):
    """Every string in a JSON-like value (dict keys included) made :func:`printable`,
    except the LaTeX, which :func:`~.expr.tex_name` already made safe."""
    if isinstance(value, str):
        return printable(value, limit)
    if isinstance(value, list):
        return [clean_strings(item, limit) for item in value]
    if isinstance(value, dict):
        return {printable(k, limit) if isinstance(k, str) else k: v if k == "latex" else clean_strings(v, limit)
                for k, v in value.items()}
    return value
