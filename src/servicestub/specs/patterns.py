"""Patterns written for Java's regular expressions, made readable by the validators.

Specs generated from Java services (the AWS specs among them) write POSIX
classes as Java spells them, ``\\p{XDigit}``; the validators' regex engine
(jsonschema_rs) refuses some of those names, and an operation holding such a
pattern would be dropped as unservable. Java's POSIX classes are US-ASCII only
(``java.util.regex.Pattern``, "POSIX character classes"), so each is replaced
by the ASCII class it means - the same strings match. Only patterns the
validators refuse are rewritten; any other is left exactly as written.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jsonschema_rs

from servicestub.core.json_schema import objects_in

#: Java's POSIX character classes, as the members of a bracketed class.
JAVA_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0B\\f\\r",
}
_CLASS = re.compile(r"\\([pP])\{(?:Is)?([A-Za-z]+)\}")
#: A JavaScript regex literal whose anchor sits inside its slashes (``/^[a-z]+$/i``):
#: read literally, ``/^`` or ``$/`` matches no string, so no value could be valid.
_JS_LITERAL = re.compile(r"/(\^.*|.*\$)/([dgimsuy]*)", re.S)


def js_literal(pattern: str) -> str:
    """``pattern`` as its author meant it: an anchored JavaScript regex literal is the
    regex between its slashes (its ``i`` flag kept); any other pattern is unchanged."""
    match = _JS_LITERAL.fullmatch(pattern)
    if match is None:
        return pattern
    return ("(?i)" if "i" in match.group(2) else "") + match.group(1)


@functools.lru_cache(maxsize=4096)
def _refused(pattern: str) -> bool:
    try:
        jsonschema_rs.Draft4Validator({"pattern": pattern})
    except ValueError:
        return True
    return False


def java_posix(pattern: str) -> str:
    """``pattern`` with each Java POSIX class (``\\p{XDigit}``, ``\\P{Alpha}``)
    written as the ASCII class it means; a negated one inside brackets, which no
    bracketed class can hold, is left as written."""
    out: list[str] = []
    index, inside = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            found = _CLASS.match(pattern, index)
            members = JAVA_POSIX.get(found.group(2)) if found else None
            if found and members is not None and not (inside and found.group(1) == "P"):
                negated = found.group(1) == "P"
                out.append(members if inside else f"[{'^' if negated else ''}{members}]")
                index = found.end()
                continue
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[" and not inside:
            inside = True
        elif char == "]" and inside and out and out[-1] not in ("[", "[^"):
            inside = False
        out.append(char)
        index += 1
    return "".join(out)


def rewrite_java_patterns(node: Any) -> None:
    """Rewrite, in place, every ``pattern`` of ``node`` (a parsed spec) that the
    validators refuse and that reads as Java's POSIX classes (:func:`java_posix`), and
    every anchored JavaScript regex literal (:func:`js_literal`)."""
    for current in objects_in(node):
        pattern = current.get("pattern")
        if isinstance(pattern, str):
            if "\\p" in pattern.lower() and _refused(pattern):
                pattern = java_posix(pattern)
            current["pattern"] = js_literal(pattern)
