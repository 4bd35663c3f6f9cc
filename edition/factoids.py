"""The factoid rules, in plain Python (the validator runs them on every load, without pandas).

A happening is one thing that happened; an attestation is what one source says about it. Whether a
happening is disputed is derived from its attestations, never set by hand:

- dates: two attestations whose date ranges do not overlap (one says 17 January, another 18 January);
- numbers: two attestations whose low-high ranges do not overlap ("about 30" against "fifty-two");
- places, for births and deaths only (a person dies in one place; an event may be reported for a
  city by one source and for the country by another without contradiction).

A happening is uncertain when it is disputed or a source hedges ("about", "appeared", "most likely").
"""
from __future__ import annotations

DATE_PAIRS = (("date_start", "date_end", "dates"), ("until_start", "until_end", "end dates"))
ONE_PLACE = {"birth", "death"}
FIELDS = ("date_start", "date_end", "until_start", "until_end", "low", "high", "place")  # what they compare


def _overlap(ranges: list[tuple]) -> bool:
    """Whether some value lies in every (low, high) range (None: open at that end)."""
    lows = [lo for lo, _ in ranges if lo is not None]
    highs = [hi for _, hi in ranges if hi is not None]
    return not lows or not highs or max(lows) <= min(highs)


def _integer(value: str):
    return int(value) if value and value.isdigit() else None


def disagreements(statements: list[dict], kind: str = "") -> list[str]:
    """What the attestations of one happening disagree on, in words (empty: they agree).

    `statements` are attestation rows as dicts of strings (ISO dates compare as text);
    `kind` is the happening's type (birth, death, event, ...)."""
    found = []
    for start, end, words in DATE_PAIRS:
        dated = [(s[start], s[end]) for s in statements if s.get(start) and s.get(end)]
        if len(dated) > 1 and not _overlap(dated):
            found.append(f"{words} (" + ", ".join(sorted({a if a == b else f"{a}..{b}" for a, b in dated})) + ")")
    counted = [(_integer(s.get("low", "")), _integer(s.get("high", ""))) for s in statements
               if s.get("low") or s.get("high")]
    if len(counted) > 1 and not _overlap([(lo if lo is not None else 0, hi) for lo, hi in counted]):
        found.append("numbers (" + ", ".join(f"{lo or ''}-{hi or ''}".strip("-") for lo, hi in counted) + ")")
    if kind in ONE_PLACE:
        places = [frozenset(p.strip() for p in s["place"].split(";")) for s in statements if s.get("place")]
        if len(places) > 1 and not frozenset.intersection(*places):
            found.append("place (" + ", ".join(sorted({"; ".join(sorted(p)) for p in places})) + ")")
    return found


def uncertain(statements: list[dict], kind: str = "") -> bool:
    """Disputed, or hedged by a source."""
    return bool(disagreements(statements, kind)) or any(s.get("hedge") for s in statements)


def normalised(text: str) -> str:
    """Text as compared for 'word for word': typographic quotes as plain ones, spaces collapsed."""
    for fancy, plain in (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("…", "...")):
        text = text.replace(fancy, plain)
    return " ".join(text.split())


def quoted_in(locator: str, paragraph: str) -> bool:
    """Whether a locator is word for word in a paragraph; ' ... ' in a locator marks words left out,
    and its parts must appear in order."""
    at, text = 0, normalised(paragraph)
    for part in normalised(locator).split(" ... "):
        found = text.find(part.strip(), at)
        if found < 0:
            return False
        at = found + len(part.strip())
    return True
