"""One problem with the data, as the validator says it: one line naming file, row, column and the
value, with what to do. Shared by the checks of form (validate.py) and of what rows claim (claims.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Characters that print as nothing though Unicode counts them as letters, marks or symbols (so
# isprintable() passes them): fillers, the grapheme joiner, variation selectors, Mongolian free
# variation selectors, the blank Braille pattern. In a name they make two names that look the same.
FILLERS = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\uffa0\ufe00-\ufe0f"
                     "\U000e0100-\U000e01ef]")



@dataclass(frozen=True)
class Problem:
    """One thing to fix: where it is (file, row, column), the bad value, and what was expected."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        what = self.message if self.value is None else f"{quote(self.value)} {self.message}"
        return one_line(f"{', '.join(where)}: {what}")


def one_line(text: str) -> str:
    """Text with every invisible or line-breaking character written as an escape (\\n, \\x00, \\u200b)."""
    if text.isprintable() and (text.isascii() or not FILLERS.search(text)):
        return text
    return "".join(ch if ch.isprintable() and not FILLERS.match(ch) else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def quote(value: str) -> str:
    """A value as the reader should look for it: in single quotes, invisible characters shown, shortened if long."""
    value = one_line(str(value))
    if len(value) > 80:
        value = value[:77] + "..."
    return "'" + value + "'"
