"""The edition's rules about what the rows claim (issue 24), kept apart from the validator's
checks of form (edition/data/validate.py calls problems() once).

One row per happening. A happening stored twice is counted twice (in the per-year charts, in the
repression tables), so the validator asks, for each pair of happenings that look like one thing,
for a merge, or for a row of distinctions.csv that says why they are two:

- **Same kind, same people, same time.** Two events of the same kind ('other' is not a kind: it
  says no kind fits) about the same person (or, when either names no person, the same group)
  whose attested dates overlap, or lie within MONTH of each other when they name the same
  person (a sentence and its carrying out, a decision and the act), or of which one has no date
  at all (an undated row cannot be told apart from a dated one by its date).
- **A death and an execution.** A person dies once: a `death` happening and an event of kind
  `death` or `execution` naming that person alone are the same happening.
- **The same words.** One source's same words (source_id and locator) attesting two events, an
  event and a publication, or two publications: the words tell of one thing.
- **The same publication.** Two publications of the same kind with the same title (case,
  punctuation and spacing aside).
- **One statement twice.** Two attestations of one happening with the same source and the same
  words are one statement: keep one row.

What counts as repression is one table, repression_kinds.csv: every kind of a repression event is
in it, counted (arrest, imprisonment, exile, expulsion, deportation, execution) or drawn as what it is
(escape, return, release, hunger strike, death ...), with the words that use it.

A row that cites the essay says only what the cited paragraphs say: each place, date text and number
it carries is in their words (what the editors infer is a row whose source is 'editors', with the
reasoning in its note), a hedge in its locator makes it uncertain, and 'after 1928' is open-ended.
A source cannot attest what happened after it was written: a later layer of a document (an editors'
note, an introduction) is a source of its own.

The attested interval of a happening (interval()) is the range from the earliest date any of its
attestations allows to the latest: the charts may draw nothing outside it (tests/test_claims.py).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from itertools import combinations

from edition import essay
from edition.data.problem import Problem, quote

MONTH = dt.timedelta(days=31)
DEATHS = {"death", "execution"}
NOT_A_KIND = {"other", ""}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
          "December")


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> dt.date | None:
    if not ISO_DATE.match(text or ""):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# The factoid rules, in plain Python (the validator runs them on every load, without pandas).
#
# A happening is one thing that happened; an attestation is what one source says about it. Whether a
# happening is disputed is derived from its attestations, never set by hand:
#
# - dates: two attestations whose date ranges do not overlap (one says 17 January, another 18 January);
# - numbers: two attestations whose low-high ranges do not overlap ("about 30" against "fifty-two");
# - places, for births and deaths only (a person dies in one place; an event may be reported for a
#   city by one source and for the country by another without contradiction).
#
# A happening is uncertain when it is disputed or a source hedges ("about", "appeared", "most likely").

DATE_PAIRS = (("date_start", "date_end", "dates"), ("until_start", "until_end", "end dates"))
ONE_PLACE = {"birth", "death", "execution"}
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


def _date(text: str) -> dt.date | None:
    return parse_date(text) if text else None


def interval(statements: list[dict]) -> tuple[dt.date, dt.date] | None:
    """The attested interval: the earliest date_start and the latest date_end of the statements
    that give dates (None when none does)."""
    dated = [(_date(s.get("date_start", "")), _date(s.get("date_end", ""))) for s in statements]
    dated = [(a, b) for a, b in dated if a and b]
    if not dated:
        return None
    return min(a for a, _ in dated), max(b for _, b in dated)


def _people(cells: dict) -> set[str]:
    return {p for p in cells.get("person_ids", "").split(";") if p}


def _title(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _shown(span) -> str:
    if span is None:
        return "no date"
    a, b = span
    return a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}"


def _near(one, other, same_person: bool) -> bool:
    if one is None or other is None:
        return True
    gap = max(one[0], other[0]) - min(one[1], other[1])  # negative or zero when they overlap
    return gap <= (MONTH if same_person else dt.timedelta(0))


def duplicates(happenings: list[tuple[int, dict]], attestations: list[tuple[int, dict]]) -> list[tuple[str, str, str]]:
    """Pairs of happening ids that look like one happening, with the reason in words."""
    told = defaultdict(list)
    for _, cells in attestations:
        told[cells["happening_id"]].append(cells)
    spans = {cells["happening_id"]: interval(told[cells["happening_id"]]) for _, cells in happenings}
    rows = [cells for _, cells in happenings]
    found: dict[frozenset, tuple[str, str, str]] = {}

    def flag(a: dict, b: dict, why: str) -> None:
        key = frozenset((a["happening_id"], b["happening_id"]))
        if len(key) == 2 and key not in found:
            found[key] = (a["happening_id"], b["happening_id"], why)

    for a, b in combinations(rows, 2):
        types = {a["type"], b["type"]}
        if types == {"event"} and a["kind"] == b["kind"] and a["kind"] not in NOT_A_KIND:
            pa, pb = _people(a), _people(b)
            shared = pa & pb
            same = bool(shared) if pa and pb else bool(a["group_id"]) and a["group_id"] == b["group_id"]
            if same and _near(spans[a["happening_id"]], spans[b["happening_id"]], bool(shared)):
                who = ", ".join(sorted(shared)) if shared else a["group_id"]
                flag(a, b, f"both are events of kind {a['kind']!r} about {who}, dated {_shown(spans[a['happening_id']])} "
                           f"and {_shown(spans[b['happening_id']])}")
        for one, other in ((a, b), (b, a)):
            if one["type"] == "death" and (other["type"] == "death" or (other["type"] == "event" and other["kind"] in DEATHS)) \
                    and _people(one) and _people(one) == _people(other):
                flag(one, other, f"a person dies once: both are the death of {one['person_ids']}")
        if types == {"publication"} and a["kind"] == b["kind"] and _title(a["title"]) == _title(b["title"]):
            flag(a, b, f"both are the {a['kind']} {a['title']!r}")
    by_words = defaultdict(set)
    kinds = {cells["happening_id"]: cells["type"] for cells in rows}
    for _, cells in attestations:
        if cells["locator"] and kinds.get(cells["happening_id"]) in ("event", "publication"):
            by_words[(cells["source_id"], cells["locator"])].add(cells["happening_id"])
    index = {cells["happening_id"]: cells for cells in rows}
    for (source, words), ids in by_words.items():
        for x, y in combinations(sorted(ids), 2):
            flag(index[x], index[y], f"the same words of {source} attest both ({quote(words)})")
    return list(found.values())


def duplicate_problems(tables: dict) -> list[Problem]:
    happenings, attestations = tables.get("happenings"), tables.get("attestations")
    if happenings is None or attestations is None:
        return []
    needed = ("happening_id", "type", "kind", "title", "group_id", "person_ids")
    if not set(needed) <= set(happenings.resource.names):
        return []
    hrows = [(n, c) for n, c in happenings.rows if happenings.good(n, *needed)]
    arows = [(n, c) for n, c in attestations.rows
             if attestations.good(n, "happening_id", "source_id", "locator", "date_start", "date_end")]
    problems = []
    # one statement twice
    seen: dict[tuple, int] = {}
    for number, cells in arows:
        if not cells["locator"]:
            continue
        key = (cells["happening_id"], cells["source_id"], cells["locator"])
        if key in seen:
            problems.append(Problem(attestations.resource.file, number, "locator", cells["locator"],
                                    f"is the same statement as row {seen[key]} (same happening, source and words): "
                                    f"keep one row (move what this row adds, a place, a note, into row {seen[key]}) "
                                    "and delete this one"))
        else:
            seen[key] = number
    distinct = tables.get("distinctions")
    told = set()
    if distinct is not None and {"happening_id", "distinct_from"} <= set(distinct.resource.names):
        told = {frozenset((c["happening_id"], c["distinct_from"])) for _, c in distinct.rows}
    where = {c["happening_id"]: n for n, c in hrows}
    for a, b, why in duplicates(hrows, arows):
        if frozenset((a, b)) in told:
            continue
        if where[a] > where[b]:  # the later row is the one to merge away (often the one just added)
            a, b = b, a
        problems.append(Problem(happenings.resource.file, where[b], "happening_id", b,
                                f"looks like the same happening as {a!r} (row {where[a]}): {why}. Merge them (point "
                                f"{b!r}'s attestations in attestations.csv at {a!r}, then delete this row), or, if they "
                                f"are two happenings, add the row '{a}-vs-{b},{a},{b},<why they are two>' to distinctions.csv"))
    return problems


def kind_problems(tables: dict) -> list[Problem]:
    """What counts as repression is one table (repression_kinds.csv): every kind a repression event
    has is in it, counted or drawn as what it is ('other' is drawn as other and never counted)."""
    happenings, kinds = tables.get("happenings"), tables.get("repression_kinds")
    if happenings is None or kinds is None or "kind" not in kinds.resource.names:
        return []
    listed = {c["kind"] for _, c in kinds.rows}
    return [Problem(happenings.resource.file, n, "kind", c["kind"],
                    f"is the kind of a repression event but is not in {kinds.resource.file_name}: add it there, with "
                    "counted true or false and the words of the essay (or of a source) that use it")
            for n, c in happenings.rows
            if c.get("category") == "repression" and c.get("kind") not in NOT_A_KIND and c["kind"] not in listed
            and happenings.good(n, "kind", "category")]


def source_date_problems(tables: dict) -> list[Problem]:
    """A source cannot attest what happened after it was written: an attestation dated after the last year
    its source's date_text gives is a later layer of the document (an editors' note, an introduction),
    which is a source of its own."""
    sources, attestations = tables.get("sources"), tables.get("attestations")
    if sources is None or attestations is None or "date_text" not in sources.resource.names:
        return []
    written = {}
    for _, row in sources.rows:
        years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", row["date_text"])]
        if years:
            written[row["source_id"]] = (max(years), row["date_text"])
    problems = []
    for number, row in attestations.rows:
        year, said = written.get(row["source_id"], (None, ""))
        if year and row["date_start"][:4].isdigit() and int(row["date_start"][:4]) > year \
                and attestations.good(number, "date_start", "source_id"):
            problems.append(Problem(attestations.resource.file, number, "date_start", row["date_start"],
                                    f"is after its source was written ({row['source_id']}: {quote(said)}): a source "
                                    "cannot attest what happened after it; if a later layer of the document (an editors' "
                                    "note, an introduction) says it, give that layer a row of its own in sources.csv and cite it"))
    return problems


def problems(tables: dict, chapters) -> list[Problem]:
    """Every rule of this module, over the tables the validator read."""
    return (duplicate_problems(tables) + kind_problems(tables) + essay_claim_problems(tables, chapters)
            + source_date_problems(tables) + hedge_problems(tables) + description_problems(tables, chapters)
            + dispute_problems(tables))


# ---------------------------------------------------------------------------------------------
# A row that cites the essay says only what the cited paragraphs say
# ---------------------------------------------------------------------------------------------

# words by which the essay hedges ('about', 'around' are left out: they are also prepositions; 'reported'
# only in the passive, 'is reported to': 'Miasnikov reported on a conference' is no hedge)
HEDGES = re.compile(r"\b(appears?|appeared|apparently|seems?|seemed|(?:is|are|was|were) reported|reportedly|probably|"
                    r"perhaps|possibly|likely|it is said|may have|might have)\b", re.IGNORECASE)
NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS |= {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
                 "hundred": 100, "thousand": 1000}


def _words(text: str) -> str:
    return normalised(text).casefold()


def numbers_in(text: str) -> set[int]:
    """The whole numbers a text writes, in digits ('4,000', '1923') or in words ('fifteen', 'forty-six')."""
    found = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text) if n.replace(",", "").isdigit()}
    words = re.findall(r"[a-z]+", text.casefold().replace("-", " "))
    for i, word in enumerate(words):
        if word in NUMBER_WORDS:
            n = NUMBER_WORDS[word]
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if n >= 20 and n % 10 == 0 and nxt in NUMBER_WORDS and NUMBER_WORDS[nxt] < 10:
                n += NUMBER_WORDS[nxt]
            found.add(n)
    return found


def _said(phrase: str, words: str) -> bool:
    """Whether a phrase is in normalised words as whole words ('Russia' is not said by 'Russian')."""
    return re.search(r"(?<!\w)" + re.escape(_words(phrase)) + r"(?!\w)", words) is not None


def essay_claim_problems(tables: dict, chapters) -> list[Problem]:
    """For every row that cites the essay: each place, date text and count it carries is in the words of
    the paragraphs it cites, and a hedge in its locator ('is reported', 'seems') makes it uncertain."""
    try:
        texts = essay.texts(chapters)
    except (OSError, ValueError, IndexError):
        return []  # reported with the paragraph labels
    problems = []
    move = ("move it to an attestation of the same happening whose source is the editors (source_id editors), "
            "with the reasoning in its note, or delete it")
    for name, checks in (("attestations", ("place", "date_text", "low", "high")), ("size_estimates", ("date_text", "low", "high"))):
        table = tables.get(name)
        if table is None or not {"source_id", "paragraph", "locator", *checks} <= set(table.resource.names):
            continue
        file = table.resource.file
        for number, row in table.rows:
            if row["source_id"] != "essay" or not table.good(number, "paragraph", "locator", *checks):
                continue
            labels = [label for label in row["paragraph"].split(";") if label in texts]
            if not labels:
                continue
            said = " ".join(texts[label] for label in labels)
            words, where = _words(said), f"paragraph {row['paragraph']}"
            for place in filter(None, (p.strip() for p in row.get("place", "").split(";"))):
                if not _said(place, words):
                    problems.append(Problem(file, number, "place", place, f"is not in the words of {where}: the essay "
                                            f"does not say it; {move}"))
            if row["date_start"] and not row["date_text"]:
                problems.append(Problem(file, number, "date_text", "", f"is empty, but the row gives a date "
                                        f"({row['date_start']}): write the date as {where} words it (or, if the date "
                                        f"comes from elsewhere, {move})"))
            if row["date_text"] and _words(row["date_text"]) not in words:
                problems.append(Problem(file, number, "date_text", row["date_text"], f"is not in the words of {where}: "
                                        f"write the date as the essay words it, or {move}"))
            after = re.fullmatch(r"(?:after|since) (\d{4})", row["date_text"].strip(), re.IGNORECASE)
            if after and row["date_start"] and row["date_start"] <= f"{after.group(1)}-12-31":
                problems.append(Problem(file, number, "date_start", row["date_start"], f"is within {after.group(1)}, but "
                                        f"the essay says {quote(row['date_text'])}: an open-ended date begins on "
                                        f"{int(after.group(1)) + 1}-01-01 (and runs to the latest date the essay allows)"))
            for column in ("low", "high"):
                if row[column] and int(row[column]) not in numbers_in(said):
                    problems.append(Problem(file, number, column, row[column], f"is not a number {where} gives (in "
                                            f"figures or words): {move}"))
            hedge = HEDGES.search(row["locator"])
            flagged = row.get("hedge") if name == "attestations" else (row.get("uncertain") == "true")
            if hedge and not flagged and table.good(number, "hedge" if name == "attestations" else "uncertain"):
                column = "hedge" if name == "attestations" else "uncertain"
                problems.append(Problem(file, number, column, row.get(column, ""),
                                        f"does not mark the row uncertain, but the essay hedges ({quote(hedge.group())} "
                                        f"in the locator): " + ("copy the hedge word into hedge" if column == "hedge"
                                                                else "set uncertain to true")))
    return problems


# ---------------------------------------------------------------------------------------------
# Hedges, descriptions and roles, disputes
# ---------------------------------------------------------------------------------------------

def hedge_problems(tables: dict) -> list[Problem]:
    """A hedge is the source's own word, inside its quoted words (the locator), or the editors' doubt,
    which starts 'editors:'. The essay's rows are checked with the essay's words (validate.py); this
    checks every other source: the editors' doubt must not pass for the author's."""
    table = tables.get("attestations")
    if table is None or not {"source_id", "locator", "hedge"} <= set(table.resource.names):
        return []
    return [Problem(table.resource.file, n, "hedge", row["hedge"],
                    f"is not in the locator (the words of {row['source_id']}): a hedge is the source's own word, "
                    "copied from its words; if the doubt is the editors', write it as 'editors: <why>'")
            for n, row in table.rows
            if row["source_id"] not in ("essay", "editors") and row["hedge"] and not row["hedge"].startswith("editors:")
            and row["locator"] and table.good(n, "hedge", "locator", "source_id")
            and not quoted_in(row["hedge"], row["locator"])]


# Roles and offices a description or a membership can give a person or a group; each is said when one
# of its stems is in the cited words ('founder' by 'found', 'signatory' by 'signed').
ROLES = {
    "leader": ("leader", "led by"), "head": ("head of", "headed"), "chairman": ("chairman", "chair of"),
    "president": ("president",), "secretary": ("secretary",), "editor": ("editor", "edited"),
    "spokesman": ("spokesman",), "animator": ("animator",), "founder": ("found", "formed"),
    "organiser": ("organis", "organiz"), "theorist": ("theorist",), "historian": ("historian",),
    "commissar": ("commissar",), "diplomat": ("diplomat",), "signatory": ("signator", "signed"),
    "militant": ("militant",), "old bolshevik": ("old bolshevik",), "worker": ("worker",),
    "intellectual": ("intellectual",),
}
ROLE_WORDS = re.compile(r"\b(leader|led|head|chairman|president|secretary|editor|spokesman|animator|founder|founded|"
                        r"organi[sz]er|theorist|historian|commissar|diplomat|signator(?:y|ies)|militant|old bolshevik|"
                        r"workers?|intellectuals?)\b", re.IGNORECASE)
LABEL = re.compile(r"\b(?:cr|wt|wg|lo|end|note)-\d+\b")  # a paragraph label named in a text is not a number it gives
QUOTED = re.compile(r"(?<!\w)['‘“\"](.+?)['’”\"](?!\w)")


def _role(word: str) -> str:
    word = word.casefold()
    return {"led": "leader", "founded": "founder", "organizer": "organiser", "signatories": "signatory",
            "workers": "worker", "intellectuals": "intellectual"}.get(word, word)


def claims_in(text: str) -> tuple[set[int], list[str], list[str]]:
    """What a description or role claims that can be checked against cited words: its numbers (years,
    counts), its quotations and its roles or offices."""
    return numbers_in(text), [q for q in QUOTED.findall(text) if len(q.split()) > 0], \
        sorted({_role(m) for m in ROLE_WORDS.findall(text)})


def unsaid(text: str, said: str, places: set[str]) -> list[str]:
    """The claims of `text` that the words `said` do not make, in words (empty: all are said)."""
    words = _words(said)
    numbers, quotes, roles = claims_in(LABEL.sub("", text))
    found = [f"the number {n}" for n in sorted(numbers - numbers_in(said))]
    found += [f"the quotation {quote(q)}" for q in quotes if _words(q).strip(" .,;") not in words]
    found += [f"the role {r!r}" for r in roles if not any(re.search(r"(?<!\w)" + stem, words) for stem in ROLES[r])]
    found += [f"the place {p!r}" for p in sorted(places) if _said(p, _words(text)) and not _said(p, words)]
    return found


def _places(tables: dict) -> set[str]:
    table = tables.get("places")
    if table is None or not {"place", "name_en"} <= set(table.resource.names):
        return set()
    return {name for _, row in table.rows for name in (row["place"], row["name_en"]) if name and len(name) > 2}


def description_problems(tables: dict, chapters) -> list[Problem]:
    """The description of a person or group that cites the essay, and the role of a membership that an
    essay row attests, say only what the cited words say: every number, quotation, role or office and
    place in them is in the cited paragraphs (for a membership, in the words of its attestations)."""
    try:
        texts = essay.texts(chapters)
    except (OSError, ValueError, IndexError):
        return []
    places, problems = _places(tables), []
    move = ("say only what they say (what other sources add belongs in the note, naming them; what the editors infer, "
            "in the note as the editors')")
    for name in ("people", "groups"):
        table = tables.get(name)
        if table is None or not {"description", "source_id", "paragraph"} <= set(table.resource.names):
            continue
        for number, row in table.rows:
            if row["source_id"] != "essay" or not row["description"] or not table.good(number, "description", "paragraph"):
                continue
            labels = [label for label in row["paragraph"].split(";") if label in texts]
            if not labels:
                continue
            missing = unsaid(row["description"], " ".join(texts[label] for label in labels), places)
            if missing:
                problems.append(Problem(table.resource.file, number, "description", row["description"],
                                        f"gives {', '.join(missing)}, which paragraph {row['paragraph']} does not: "
                                        f"add the paragraph that says it to paragraph, or {move}"))
    happenings, attestations = tables.get("happenings"), tables.get("attestations")
    if happenings is None or attestations is None or "role" not in happenings.resource.names:
        return problems
    told = defaultdict(list)
    for n, row in attestations.rows:
        if attestations.good(n, "source_id", "paragraph", "locator"):
            told[row["happening_id"]].append(row)
    for number, row in happenings.rows:
        rows = told.get(row["happening_id"], [])
        if row.get("type") != "membership" or not row["role"] or not any(r["source_id"] == "essay" for r in rows) \
                or not happenings.good(number, "role"):
            continue
        said = " ".join(" ".join(texts.get(label, "") for label in r["paragraph"].split(";")) if r["source_id"] == "essay"
                        else r["locator"] for r in rows)
        missing = unsaid(row["role"], said, places)
        if missing:
            problems.append(Problem(happenings.resource.file, number, "role", row["role"],
                                    f"gives {', '.join(missing)}, which the words of its attestations (the essay's "
                                    f"paragraphs, the other sources' locators) do not: {move}"))
    return problems


def dispute_problems(tables: dict) -> list[Problem]:
    """Where the attestations of a happening disagree, its dispute states each version as they give it:
    each disagreeing attestation's date (its date_text or its years) and count are in the dispute's words
    (topic, essay_says, others_say). Two size estimates of one group and measure whose dates overlap and
    whose counts do not are a disagreement too: they need a dispute_id."""
    happenings, attestations, disputes = tables.get("happenings"), tables.get("attestations"), tables.get("disputes")
    if happenings is None or attestations is None or disputes is None:
        return []
    if not {"topic", "essay_says", "others_say"} <= set(disputes.resource.names):
        return []
    ids = [row["dispute_id"] for _, row in disputes.rows]
    texts = {row["dispute_id"]: " ".join((row["topic"], row["essay_says"], row["others_say"])) for _, row in disputes.rows
             if ids.count(row["dispute_id"]) == 1}  # an id used twice is reported as a duplicate key
    told = defaultdict(list)
    for n, row in attestations.rows:
        if attestations.good(n, *FIELDS, "date_text", "source_id"):
            told[row["happening_id"]].append((n, row))
    problems, file = [], attestations.resource.file
    for _number, row in happenings.rows:
        rows = [r for _, r in told.get(row["happening_id"], [])]
        text = texts.get(row.get("dispute_id", ""))
        if text is None or not disagreements(rows, row["kind"] or row["type"]):
            continue
        words, numbers = _words(text), numbers_in(text)
        counted = any("numbers" in d for d in disagreements(rows, row["kind"] or row["type"]))
        for n, r in told[row["happening_id"]]:
            if r["source_id"] == "editors" or not r["date_start"]:
                continue
            years = {int(r["date_start"][:4]), int(r["date_end"][:4])}
            stated = years <= numbers
            if r["date_precision"] in ("day", "month"):  # the month too (and the day), by name or number
                start = dt.date.fromisoformat(r["date_start"])
                stated = stated and _said(MONTHS[start.month - 1], words)
                stated = stated and (r["date_precision"] == "month" or start.day in numbers)
            if not (r["date_text"] and _words(r["date_text"]) in words) and not stated:
                problems.append(Problem(file, n, "date_text", r["date_text"] or r["date_start"],
                                        f"is a version of the disputed {row['happening_id']}, but dispute "
                                        f"{row['dispute_id']!r} does not state it (neither these words nor its "
                                        f"{ {'day': 'day, month and year', 'month': 'month and year'}.get(r['date_precision'], 'years')}): "
                                        "state every version in the dispute's essay_says or others_say as the attestations give it"))
            for column in ("low", "high"):
                if counted and r[column] and int(r[column]) not in numbers:
                    problems.append(Problem(file, n, column, r[column], f"is a version of the disputed count of "
                                            f"{row['happening_id']}, but dispute {row['dispute_id']!r} does not state "
                                            "it: state every version in essay_says or others_say"))
    estimates = tables.get("size_estimates")
    if estimates is None or not {"group_id", "measure", "low", "high", "dispute_id"} <= set(estimates.resource.names):
        return problems
    rows = [(n, r) for n, r in estimates.rows if estimates.good(n, "group_id", "measure", "low", "high", "date_start",
                                                                  "date_end", "dispute_id") and r["date_start"]]
    for (n1, a), (n2, b) in combinations(rows, 2):
        if (a["group_id"], a["measure"]) != (b["group_id"], b["measure"]):
            continue
        if max(a["date_start"], b["date_start"]) > min(a["date_end"], b["date_end"]):
            continue
        if not disagreements([a, b], "estimate") or (a["dispute_id"] and a["dispute_id"] == b["dispute_id"]):
            continue
        problems.append(Problem(estimates.resource.file, n2, "dispute_id", b["dispute_id"],
                                f"does not join this estimate to row {n1} ({a['estimate_id']}), which counts the same "
                                f"{a['measure']} of {a['group_id']} at overlapping dates differently ({a['low']}-"
                                f"{a['high']} against {b['low']}-{b['high']}): name one dispute in both rows, whose words "
                                "state both counts"))
    return problems
