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
import importlib
import re
from collections import defaultdict
from itertools import combinations


v = importlib.import_module("edition.data.validate")  # the module, which imports this one (its package's name 'validate' is a function)

MONTH = dt.timedelta(days=31)
DEATHS = {"death", "execution"}
NOT_A_KIND = {"other", ""}


def _date(text: str) -> dt.date | None:
    return v.parse_date(text) if text else None


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
            flag(index[x], index[y], f"the same words of {source} attest both ({v.quote(words)})")
    return list(found.values())


def duplicate_problems(tables: dict) -> list[v.Problem]:
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
            problems.append(v.Problem(attestations.resource.file, number, "locator", cells["locator"],
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
        problems.append(v.Problem(happenings.resource.file, where[b], "happening_id", b,
                                  f"looks like the same happening as {a!r} (row {where[a]}): {why}. Merge them (point "
                                  f"{b!r}'s attestations in attestations.csv at {a!r}, then delete this row), or, if they "
                                  f"are two happenings, add the row '{a}-vs-{b},{a},{b},<why they are two>' to distinctions.csv"))
    return problems


def kind_problems(tables: dict) -> list[v.Problem]:
    """What counts as repression is one table (repression_kinds.csv): every kind a repression event
    has is in it, counted or drawn as what it is ('other' is drawn as other and never counted)."""
    happenings, kinds = tables.get("happenings"), tables.get("repression_kinds")
    if happenings is None or kinds is None or "kind" not in kinds.resource.names:
        return []
    listed = {c["kind"] for _, c in kinds.rows}
    return [v.Problem(happenings.resource.file, n, "kind", c["kind"],
                      f"is the kind of a repression event but is not in {kinds.resource.file_name}: add it there, with "
                      "counted true or false and the words of the essay (or of a source) that use it")
            for n, c in happenings.rows
            if c.get("category") == "repression" and c.get("kind") not in NOT_A_KIND and c["kind"] not in listed
            and happenings.good(n, "kind", "category")]


def source_date_problems(tables: dict) -> list[v.Problem]:
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
            problems.append(v.Problem(attestations.resource.file, number, "date_start", row["date_start"],
                                      f"is after its source was written ({row['source_id']}: {v.quote(said)}): a source "
                                      "cannot attest what happened after it; if a later layer of the document (an editors' "
                                      "note, an introduction) says it, give that layer a row of its own in sources.csv and cite it"))
    return problems


def problems(tables: dict, chapters) -> list[v.Problem]:
    """Every rule of this module, over the tables the validator read."""
    return (duplicate_problems(tables) + kind_problems(tables) + essay_claim_problems(tables, chapters)
            + source_date_problems(tables))


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
    return v.normalised(text).casefold()


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


def essay_claim_problems(tables: dict, chapters) -> list[v.Problem]:
    """For every row that cites the essay: each place, date text and count it carries is in the words of
    the paragraphs it cites, and a hedge in its locator ('is reported', 'seems') makes it uncertain."""
    try:
        texts = v.essay.texts(chapters)
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
                if _words(place) not in words:
                    problems.append(v.Problem(file, number, "place", place, f"is not in the words of {where}: the essay "
                                              f"does not say it; {move}"))
            if row["date_text"] and _words(row["date_text"]) not in words:
                problems.append(v.Problem(file, number, "date_text", row["date_text"], f"is not in the words of {where}: "
                                          f"write the date as the essay words it, or {move}"))
            after = re.fullmatch(r"(?:after|since) (\d{4})", row["date_text"].strip(), re.IGNORECASE)
            if after and row["date_start"] and row["date_start"] <= f"{after.group(1)}-12-31":
                problems.append(v.Problem(file, number, "date_start", row["date_start"], f"is within {after.group(1)}, but "
                                          f"the essay says {v.quote(row['date_text'])}: an open-ended date begins on "
                                          f"{int(after.group(1)) + 1}-01-01 (and runs to the latest date the essay allows)"))
            for column in ("low", "high"):
                if row[column] and int(row[column]) not in numbers_in(said):
                    problems.append(v.Problem(file, number, column, row[column], f"is not a number {where} gives (in "
                                              f"figures or words): {move}"))
            hedge = HEDGES.search(row["locator"])
            flagged = row.get("hedge") if name == "attestations" else (row.get("uncertain") == "true")
            if hedge and not flagged and table.good(number, "hedge" if name == "attestations" else "uncertain"):
                column = "hedge" if name == "attestations" else "uncertain"
                problems.append(v.Problem(file, number, column, row.get(column, ""),
                                          f"does not mark the row uncertain, but the essay hedges ({v.quote(hedge.group())} "
                                          f"in the locator): " + ("copy the hedge word into hedge" if column == "hedge"
                                                                  else "set uncertain to true")))
    return problems
