"""Text a user sends that the platform keeps: the characters it cannot store or show as sent."""

from __future__ import annotations


def unstorable(text: str, *, line_breaks: bool = False) -> bool:
    """Whether ``text`` holds a control character (C0, DEL, C1; tab, CR and LF allowed with
    ``line_breaks``) or a lone surrogate: PostgreSQL refuses NUL in text, UTF-8 cannot encode a lone
    surrogate, and the others are invisible in what is shown or signed."""
    for ch in text:
        code = ord(ch)
        if code < 32:
            if not (line_breaks and ch in "\t\n\r"):
                return True
        elif 127 <= code < 160 or 0xD800 <= code < 0xE000:
            return True
    return False
