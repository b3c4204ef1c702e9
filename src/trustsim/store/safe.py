"""Student names and scenario text are data: before they reach the instructor's terminal, every
character that a terminal would act on instead of print is made visible.

A student picks their own SSH user name, so a name can carry `ESC ] 52` (write the clipboard),
`ESC [ 2 J` (clear the screen) or an 8-bit CSI (U+009B). They are shown as `\\x1b`, `\\x9b`, and
so on; bidirectional overrides, which reorder what follows them on screen, are shown the same way.
"""

from __future__ import annotations

import re

#: C0 controls, DEL, C1 controls, and the Unicode format characters that reorder or hide text.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with nothing a terminal would interpret: controls shown as escapes."""
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_visible, line) for line in text.split("\n"))
    return _UNSAFE.sub(_visible, text)


def one_line(text: str, limit: int | None = None) -> str:
    """Terminal-safe, newlines and tabs folded into spaces, cut to `limit` characters."""
    folded = " ".join(text.replace("\t", " ").split())
    safe = terminal_safe(folded)
    if limit is not None and len(safe) > limit:
        return safe[: max(0, limit - 1)] + "…"
    return safe


#: The same, less the newline: JSON's own line breaks (with indent) sit between values, and
#: JSON already escapes every control character inside strings.
_UNSAFE_IN_JSON = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))


def json_text(document: str) -> str:
    """A JSON document (from `json.dumps(..., ensure_ascii=False)`) with the characters above
    written as `\\uXXXX` escapes: still the same JSON, safe to print to a terminal."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
