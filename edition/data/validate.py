"""Check the companion dataset in data/ and say, one line per problem, what to fix.

Usage: python -m edition.data [data_dir]

Teachers and students edit data/, so every byte in it is untrusted input. Whatever the files hold,
validate() returns a list of problems, one line each (file, row, column, the value, what to do),
and never raises. The checks, in order:

1. The descriptor, datapackage.json: a JSON object whose resources each name a .csv file inside
   data/ and a schema this module can check; keys and foreign keys name columns that exist.
2. Each file: present, not empty, not huge, UTF-8 without a byte-order mark, readable as CSV (every
   quote closed), a header that matches the schema, at least one row of data, every row as long
   as the header. CRLF line ends (what Excel writes) and blank lines at the very end are fine.
3. Each cell: one line of plain text, no longer than its column allows; no control or invisible
   characters, no spaces at the start or end, no HTML, Markdown, MyST or template markup; web
   addresses are http:// or https://.
4. The schema (the part of Frictionless Table Schema the descriptor uses): types, required values,
   allowed values (enums), patterns, minimum, unique primary keys, foreign keys.
5. The edition's own rules: every date range runs forwards; dates fall within 1917-1946 unless
   outside_period is true; low <= high; every ';'-listed person id exists; every paragraph label
   (paragraph, quote_paragraph, ...) exists in chapters/ (found beside data/); a row from the essay
   names its paragraph.
6. The factoid rules (what a disagreement is: edition/data/claims.py): every happening has an
   attestation; a happening whose attestations disagree names the editors' words on it
   (dispute_id); an essay attestation quotes its paragraph word for word, and its hedge words are
   in that quotation; attested dates lie in 1917-1946 unless the happening's outside_period is true.

`frictionless validate data/datapackage.json` checks the same schema (tests/test_data.py runs it),
but it is not the check (issue 27; tools/frictionless_compare.py gives the evidence): its types are
looser than the loader and the factoid rules need (it takes 1923-1-5, +5, 1_000, NaN and True), its
patterns run on Python's re, a FIFO table blocks it, and through a table of its error types it gives
the contract's one line (tests/test_bad_inputs.py) for few bad inputs. Reading the schema here costs
less than Frictionless's import alone, so the check can run on every load.

Row numbers count the header as row 1, as a spreadsheet does.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from edition import essay
from edition.data import claims
from edition.data.claims import FIELDS, disagreements, parse_date, quoted_in
from edition.data.problem import FILLERS, Problem, quote

PERIOD = (dt.date(1917, 1, 1), dt.date(1946, 12, 31))
PERIOD_TABLES = {"size_estimates"}  # attestations are checked against their happening's outside_period
RANGE_PAIRS = [("low", "high"), ("people_low", "people_high")]
INTEGER = re.compile(r"^-?[0-9]+$")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")

# Limits. The longest values today: an id 39 characters, a ';'-list of ids 51, a text 264, a URL 442.
MAX_FILE_BYTES = 10_000_000  # a whole table; the dataset is about 130 kB
MAX_KEY = 200  # ids, codes, dates, numbers, paragraph labels, ';'-lists of ids
MAX_TEXT = 2_000  # names, titles, descriptions, notes, quotations, web addresses
# The descriptor's size: the dataset has 10 tables of at most 17 columns, patterns of at most 70
# characters, enums of at most 20 values. Beyond these, the descriptor gets one line and no table is read.
MAX_RESOURCES = 200
MAX_FIELDS = 1_000  # columns of one table; also foreign keys and primary key columns
MAX_PATTERN = 1_000  # characters of one pattern
MAX_ENUM = 1_000  # values of one enum

# Patterns the descriptor uses, and what their failure means in words.
SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"
LIST = "^[^;]+(;[^;]+)*$"
LABELS = "^((cr|wt|wg|lo|end|note)-[0-9]+)(;(cr|wt|wg|lo|end|note)-[0-9]+)*$"
PATTERN_HELP = {
    SLUG: "is not a valid id (lower-case letters and digits, words joined by single hyphens, e.g. miasnikov-arrest-1923)",
    LIST: "has an empty item in its ';'-separated list (no ';' at the start or end, no ';;')",
    LABELS: "is not a paragraph label or a ';'-separated list of them (e.g. wt-3 or cr-1;note-2)",
}
TYPES = {"string", "date", "integer", "number", "boolean"}
CONSTRAINTS = {"required", "unique", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength"}

BOM_MESSAGE = "U+FEFF byte-order mark at the start of the file: save it as plain UTF-8 (CSV UTF-8 without BOM)"
REQUIRED_MESSAGE = "is empty, but this column is required (every row needs a value here)"
PLAIN = "plain text only (no HTML, Markdown, MyST or template markup)"

# Markup that a page, a template or a browser would act on. The first found in a cell is named.
MARKUP = re.compile("|".join([
    r"(?P<template>\{\{|\}\}|\{%|%\}|\{#)",
    r"(?P<role>\{[A-Za-z][\w.:+-]*\})",
    r"(?P<attributes>\{\.[^{}]*\})",
    r"(?P<fence>(?:^|\n)[ \t>]*(?:```|~~~|:::))",
    r"(?P<directive>\.\.[ \t]+[\w-]+(?::[\w-]+)?[ \t]*::)",
    r"(?P<backtick>`)",
    r"(?P<math>\$\$)",
    r"(?P<html><[A-Za-z/!?][^\s<>]{0,10})",
    r"(?P<script>(?:java|vb)script\s*:)",
    r"(?P<reference>&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});)",
    r"(?P<link>!?\[[^\]]*\]\()",
    r"(?P<footnote>\[\^)",
    r"(?P<target>^\s*\([\w:.-]+\)=)",
]), re.IGNORECASE)
MARKUP_HINT = re.compile(r"[{}`$<&\[:~]|\.\.|\)=")  # a cheap first look: every pattern above needs one of these
MARKUP_NAMES = {
    "template": "template or substitution syntax", "role": "MyST/Sphinx role syntax", "attributes": "MyST attribute syntax",
    "fence": "a directive fence", "directive": "a reStructuredText directive", "backtick": "a backtick (code or role markup)",
    "math": "math markup", "html": "HTML or script", "script": "HTML or script (a script address)",
    "reference": "an HTML character reference", "link": "Markdown link syntax",
    "footnote": "Markdown footnote syntax", "target": "a MyST target label",
}
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST_PART = r"[^\s/?#<>\"{}|\\^`@:.]+"
WEB_ADDRESS = re.compile(rf"^(?i:https?)://{_HOST_PART}(?:\.{_HOST_PART})+\.?(?::[0-9]{{1,5}})?(?:[/?#][^\s<>\"{{}}|\\^`]*)?$")

C0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC "
      "FS GS RS US").split()
C1 = ("PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS CCH MW SPA EPA SOS SGCI SCI "
      "CSI ST OSC PM APC").split()


def display(path: Path) -> str:
    """A path relative to the working directory when inside it, so messages stay short.
    A link is shown where it is, not where it points."""
    try:
        here = Path.cwd()
        for base in (here, here.resolve()):
            if Path(os.path.abspath(path)).is_relative_to(base):
                return str(Path(os.path.abspath(path)).relative_to(base))
    except (ValueError, OSError, RuntimeError):
        pass
    return str(path)


def char_name(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        name = C0[code]
    elif code == 0x7F:
        name = "DEL"
    elif 0x80 <= code < 0xA0:
        name = C1[code - 0x80]
    elif code == 0xFEFF:
        name = "BYTE ORDER MARK"
    else:
        name = unicodedata.name(ch, "PRIVATE USE" if unicodedata.category(ch) == "Co" else "NOT A CHARACTER")
    return f"U+{code:04X} ({name})"


# ---------------------------------------------------------------------------------------------
# Cells: one line of plain text
# ---------------------------------------------------------------------------------------------

def filler_problem(value: str) -> str | None:
    """A character that prints as nothing (FILLERS), or a combining mark with no letter to sit on
    (at the start, or after a space or a punctuation mark): what is left of a look-alike name."""
    found = FILLERS.search(value)
    if found:
        return f"contains an invisible character {char_name(found.group())}: delete it"
    for i, ch in enumerate(value):
        if unicodedata.category(ch) in ("Mn", "Me") and (i == 0 or unicodedata.category(value[i - 1])[0] not in "LMN"):
            return (f"contains {char_name(ch)}, a mark with no letter before it, which prints as nothing or on "
                    "the wrong letter: delete it, or type it after its letter")
    return None


def character_problem(value: str) -> str | None:
    """The first character a reader cannot see or a page would break on: a line break, a control
    character, an odd space, an invisible (format) character, a filler, a lone combining mark, or
    the replacement mark U+FFFD."""
    if value.isprintable() and "\ufffd" not in value:
        return None if value.isascii() else filler_problem(value)
    for ch in value:
        if ch == "\ufffd":
            return f"contains {char_name(ch)}, the mark of text damaged by a wrong encoding: retype the character it replaced"
        if ch.isprintable():
            continue
        if ch in "\n\r":
            return "contains a line break: every column holds one line of text (join the lines with a space)"
        kind = unicodedata.category(ch)
        if kind == "Cc":
            if ch == "\t":
                fix = "replace it with a space"
            elif 0x80 <= ord(ch) < 0xA0:
                fix = "delete it, or retype the character (text pasted from Windows-1252 leaves these)"
            else:
                fix = "delete it"
            return f"contains a control character {char_name(ch)}: {fix}"
        if kind == "Zs":
            return f"contains {char_name(ch)}, which looks like a space but is not one: replace it with an ordinary space"
        return f"contains an invisible character {char_name(ch)}: delete it"
    return None


# Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with one of these as a
# formula: =HYPERLINK(...) sends data away, +cmd|... once ran programs. (Full-width forms too: an
# input method turns them into the ASCII ones.) No text in the dataset starts so, and none needs to:
# the validator refuses them, and every CSV the book writes with text from elsewhere goes through
# spreadsheet_safe().
FORMULA_START = "=+-@\uff1d\uff0b\uff0d\uff20"
SIGNED_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def spreadsheet_safe(value: str) -> str:
    """A cell for a CSV file that a teacher may open in a spreadsheet: text that a spreadsheet would
    run as a formula (starting with = + - @, a tab or a carriage return) is written with a leading
    apostrophe, OWASP's advice, so it shows as text; a number such as -5 stays a number. For every
    CSV the book writes (chart data; grades.csv, whose names come from hand-ins)."""
    value = str(value)
    if value[:1] and value[0] in FORMULA_START + "\t\r" and not SIGNED_NUMBER.match(value):
        return "'" + value
    return value


def formula_problem(value: str) -> str | None:
    if value[0] in FORMULA_START:
        return (f"starts with {quote(value[0])}, which a spreadsheet runs as a formula: reword it so that it does not "
                "start with = + - or @ (a text never needs to)")
    return None


def markup_problem(value: str) -> str | None:
    found = MARKUP_HINT.search(value) and MARKUP.search(value)
    if not found:
        return None
    fix = "write the character itself" if found.lastgroup == "reference" else "remove it"
    return f"contains {MARKUP_NAMES[found.lastgroup]} {quote(found.group().strip())}: {PLAIN}: {fix}"


def url_problem(value: str) -> str | None:
    scheme = SCHEME.match(value)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return f"is not a web address: only http:// and https:// addresses are allowed, not {quote(scheme.group(1) + ':')}"
    if not WEB_ADDRESS.match(value):
        return "is not a web address (expected http:// or https:// and then the address, e.g. https://example.org/page)"
    return None


# ---------------------------------------------------------------------------------------------
# Files: data/ and chapters/ hold ordinary files only
# ---------------------------------------------------------------------------------------------

def file_kind(mode: int) -> str | None:
    """What a file system entry is, in words, when it is not an ordinary file (None: it is one)."""
    if stat.S_ISREG(mode):
        return None
    for test, words in ((stat.S_ISLNK, "a link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return words
    return "not an ordinary file"


def file_kind_problems(data_dir: Path) -> list[Problem]:
    """Every entry of data/ and chapters/ is an ordinary file, never a link, a device, a pipe or a
    folder: the book copies these folders into every download, and a link would carry whatever it
    points to (a folder of keys, /etc) along. Hidden folders (.ipynb_checkpoints) are looked into."""
    problems = []
    for folder in (data_dir, data_dir.parent / "chapters"):
        for path, info in entries(folder):
            kind = file_kind(info.st_mode)
            if kind is None or (kind == "a folder" and path.name.startswith(".")):
                continue
            what = "move it out of" if kind == "a folder" else "put the file itself in" if kind == "a link" else "delete it from"
            problems.append(Problem(display(path), None, None, None, f"is {kind}, not an ordinary file: {what} "
                                    f"{folder.name}/ ({folder.name}/ holds only ordinary files; the book copies them into every download)"))
    return problems


# ---------------------------------------------------------------------------------------------
# The descriptor
# ---------------------------------------------------------------------------------------------

# Patterns run on RE2 (google-re2), not Python's re: RE2 matches in time linear in the text for any
# pattern, so a pattern that backtracks catastrophically in re ("^(([a-z ]+)+)+$" on a long
# non-matching cell: hours) cannot stall `make validate` or a build that holds the lock. A time
# limit would not do: re cannot be interrupted while it matches (it holds the GIL, and signals
# wait), so a limit needs a process per check, and a limit per cell still costs limit x cells.
# google-re2 rather than pyre2: it is Google's own binding of RE2, kept in step with it, with wheels
# for every platform a classroom has. RE2 leaves out what needs backtracking (backreferences,
# lookaround); such a pattern gets one line saying so.
_RE2_OPTIONS = None


def compile_pattern(pattern: object) -> tuple[object | None, str | None]:
    """A descriptor pattern compiled by RE2, or what is wrong with it (a few words, for one line)."""
    import re2

    global _RE2_OPTIONS
    if not isinstance(pattern, str):
        return None, "is not a regular expression (expected a string)"
    if len(pattern) > MAX_PATTERN:
        return None, f"is {len(pattern):,} characters long; a pattern may have at most {MAX_PATTERN:,}"
    if _RE2_OPTIONS is None:
        _RE2_OPTIONS = re2.Options()
        _RE2_OPTIONS.log_errors = False  # RE2 would also print the error on stderr
    try:
        return re2.compile(pattern, _RE2_OPTIONS), None
    except re2.error as err:
        reason = err.args[0].decode("utf-8", "replace") if err.args and isinstance(err.args[0], bytes) else str(err)
        return None, f"is not a regular expression this validator runs ({reason}; backreferences and lookaround are not supported)"
    except (TypeError, ValueError, OverflowError, RecursionError) as err:
        return None, f"is not a regular expression ({type(err).__name__})"


def oversized(resources: list) -> str | None:
    """What makes a descriptor too large to check, in one line (None: it is not)."""
    for number, entry in enumerate(resources, start=1):
        schema = entry.get("schema") if isinstance(entry, dict) else None
        if not isinstance(schema, dict):
            continue
        where = f"resource {number}" + (f" ({entry['name']})" if isinstance(entry.get("name"), str) else "")
        for part in ("fields", "foreignKeys", "primaryKey"):
            items = schema.get(part)
            if isinstance(items, list) and len(items) > MAX_FIELDS:
                return (f"{where}: {part} has {len(items):,} entries; a table here may have at most {MAX_FIELDS:,} "
                        "(restore datapackage.json from git)")
        for spec in schema.get("fields") if isinstance(schema.get("fields"), list) else []:
            enum = spec.get("constraints", {}).get("enum") if isinstance(spec, dict) and isinstance(spec.get("constraints"), dict) else None
            if isinstance(enum, list) and len(enum) > MAX_ENUM:
                return (f"{where}: field {quote(str(spec.get('name')))} has an enum of {len(enum):,} values; at most "
                        f"{MAX_ENUM:,} (restore datapackage.json from git)")
    return None

@dataclass
class Column:
    name: str
    type: str
    constraints: dict
    limit: int
    url: bool
    labels: bool  # holds paragraph labels
    pattern: object | None = None  # a compiled RE2 pattern (compile_pattern)
    allowed: frozenset[str] | None = None  # the enum, for look-ups


@dataclass
class Resource:
    name: str
    path: Path
    file: str  # as shown in messages
    file_name: str  # as named in datapackage.json
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)  # (columns, table, its columns)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def name_set(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns)


def read_descriptor(data_dir: Path) -> tuple[object, list[Problem]]:
    path = data_dir / "datapackage.json"
    shown = display(path)
    if not path.is_file():
        what = "is not a file" if path.exists() else "not found"
        return None, [Problem(shown, None, None, None, f"{what}: the data directory needs a datapackage.json")]
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(shown, None, None, None, f"is too large (more than {MAX_FILE_BYTES // 1_000_000} MB)")]
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(shown, None, None, None, f"cannot be read: {err.strerror or err}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Problem(shown, None, None, None, BOM_MESSAGE)]
    if not raw.strip():
        return None, [Problem(shown, None, None, None, "is empty (restore it from git: it describes every table)")]
    try:
        return json.loads(raw.decode("utf-8")), []
    except UnicodeDecodeError as err:
        return None, [Problem(shown, None, None, None, f"is not valid UTF-8 (byte position {err.start})")]
    except json.JSONDecodeError as err:
        return None, [Problem(shown, None, None, None, f"is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})")]
    except (ValueError, RecursionError) as err:
        return None, [Problem(shown, None, None, None, f"is not valid JSON: {type(err).__name__}: {err}")]


def descriptor_resources(descriptor: object, data_dir: Path) -> tuple[list[Resource], list[Problem]]:
    """The tables the descriptor describes, or the problems that stop it being used."""
    shown = display(data_dir / "datapackage.json")
    problems: list[Problem] = []

    def bad(where: str, message: str) -> None:
        problems.append(Problem(shown, None, None, None, f"{where}: {message}"))

    if not isinstance(descriptor, dict):
        return [], [Problem(shown, None, None, None, "is not a data package (expected a JSON object with a \"resources\" list)")]
    entries = descriptor.get("resources")
    if not isinstance(entries, list) or not entries:
        return [], [Problem(shown, None, None, None, "has no \"resources\" list naming the tables (restore it from git)")]
    if len(entries) > MAX_RESOURCES:
        return [], [Problem(shown, None, None, None, f"has {len(entries):,} resources; a data package here may describe "
                            f"at most {MAX_RESOURCES:,} tables (restore it from git)")]
    too_big = oversized(entries)
    if too_big:
        return [], [Problem(shown, None, None, None, too_big)]
    resources: list[Resource] = []
    named: set[str] = set()
    rejected: set[str] = set()  # resources already reported: foreign keys to them are not reported again
    raw_keys: list[tuple[Resource, str, object]] = []
    for number, entry in enumerate(entries, start=1):
        where = f"resource {number}"
        if not isinstance(entry, dict):
            bad(where, "is not a JSON object")
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
            bad(where, f"has no valid \"name\" (found {quote(str(name))}; expected lower-case letters, digits, '_', '-')")
            continue
        where = f"resource {number} ({name})"
        rejected.add(name)
        if name in named:
            bad(where, "has the same name as an earlier resource (names must be unique)")
            continue
        named.add(name)
        path = entry.get("path")
        if not isinstance(path, str) or not path:
            bad(where, "has no \"path\" (expected one file name in data/, e.g. happenings.csv)")
            continue
        posix = PurePosixPath(path)
        if posix.is_absolute() or ".." in posix.parts or "\\" in path or ":" in path or not path.strip():
            bad(where, f"path {quote(path)} points outside data/ (a table must be a .csv file inside data/, e.g. happenings.csv)")
            continue
        if not path.endswith(".csv"):
            bad(where, f"path {quote(path)} is not a .csv file")
            continue
        for key, fine in (("encoding", ("utf-8", "utf8")), ("format", ("csv",)), ("mediatype", ("text/csv",))):
            if key in entry and str(entry[key]).lower() not in fine:
                bad(where, f"\"{key}\" is {quote(str(entry[key]))}, but the tables are read as {fine[0]}")
        if "dialect" in entry:
            bad(where, "has a \"dialect\": the tables are read as plain comma-separated CSV (remove it)")
        schema = entry.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields:
            bad(where, "has no \"schema\" with a \"fields\" list")
            continue
        columns = schema_columns(fields, schema, where, bad)
        if columns is None:
            continue
        key = schema.get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        if not isinstance(key, list) or not all(isinstance(k, str) and k in {c.name for c in columns} for k in key):
            bad(where, f"primaryKey {quote(json.dumps(key))} does not name columns of the table")
            continue
        resource = Resource(name, data_dir / path, display(data_dir / path), path, columns, key)
        resources.append(resource)
        rejected.discard(name)
        foreign = schema.get("foreignKeys", [])
        if not isinstance(foreign, list):
            bad(where, "foreignKeys is not a list")
            continue
        raw_keys += [(resource, where, fk) for fk in foreign]
    by_name = {r.name: r for r in resources}
    for resource, where, fk in raw_keys:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if not isinstance(ref, dict):
            bad(where, f"foreign key {quote(json.dumps(fk))} has no \"reference\"")
            continue
        columns, target_name, target_columns = fk.get("fields"), ref.get("resource"), ref.get("fields")
        columns = [columns] if isinstance(columns, str) else columns
        target_columns = [target_columns] if isinstance(target_columns, str) else target_columns
        target = resource if target_name == "" else by_name.get(target_name) if isinstance(target_name, str) else None
        if target is None and isinstance(target_name, str) and target_name in rejected:
            continue
        if target is None:
            known = ", ".join(by_name)
            bad(where, f"foreign key refers to a table {quote(str(target_name))} that is not in resources (the tables are: {known})")
        elif not (isinstance(columns, list) and columns and all(c in resource.name_set for c in columns)):
            bad(where, f"foreign key names columns {quote(json.dumps(columns))} that the table does not have")
        elif not (isinstance(target_columns, list) and len(target_columns) == len(columns)
                  and all(c in target.name_set for c in target_columns)):
            bad(where, f"foreign key refers to columns {quote(json.dumps(target_columns))} that {target.name} does not have")
        else:
            resource.foreign_keys.append((columns, target.name, target_columns))  # type: ignore[arg-type]  # names (the name held Columns above)
    return resources, problems


def schema_columns(fields: list, schema: dict, where: str, bad) -> list[Column] | None:
    """The columns of one schema, or None (with the problems reported through `bad`)."""
    missing = schema.get("missingValues", [""])
    if missing != [""]:
        bad(where, "missingValues must be [\"\"] (an empty cell is the only missing value the loader knows)")
        return None
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key if isinstance(key, list) else []
    foreign = set()
    for fk in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys"), list) else []:
        names = fk.get("fields") if isinstance(fk, dict) else None
        names = [names] if isinstance(names, str) else names if isinstance(names, list) else []
        foreign.update(n for n in names if isinstance(n, str))
    columns: list[Column] = []
    described: set[str] = set()
    for number, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"].strip():
            bad(where, f"field {number} has no \"name\"")
            return None
        name = spec["name"]
        if name in described:
            bad(where, f"field {quote(name)} is described twice")
            return None
        described.add(name)
        kind = spec.get("type", "string")
        if not isinstance(kind, str) or kind not in TYPES:
            bad(where, f"field {quote(name)} has type {quote(str(kind))}, which this validator does not check ({', '.join(sorted(TYPES))})")
            return None
        constraints = spec.get("constraints", {})
        if not isinstance(constraints, dict) or set(constraints) - CONSTRAINTS:
            unknown = ", ".join(sorted(set(constraints) - CONSTRAINTS)) if isinstance(constraints, dict) else "not an object"
            bad(where, f"field {quote(name)} has constraints this validator does not check ({unknown})")
            return None
        enum = constraints.get("enum")
        if enum is not None and not (isinstance(enum, list) and all(isinstance(v, str) for v in enum)):
            bad(where, f"field {quote(name)}: enum must be a list of strings")
            return None
        for bound in ("minimum", "maximum", "minLength", "maxLength"):
            if bound in constraints and (not isinstance(constraints[bound], (int, float)) or isinstance(constraints[bound], bool)):
                bad(where, f"field {quote(name)}: {bound} must be a number")
                return None
        for flag in ("required", "unique"):
            if flag in constraints and not isinstance(constraints[flag], bool):
                bad(where, f"field {quote(name)}: {flag} must be true or false")
                return None
        pattern = None
        if "pattern" in constraints:
            pattern, trouble = compile_pattern(constraints["pattern"])
            if trouble:
                bad(where, f"field {quote(name)}: pattern {quote(str(constraints['pattern']))} {trouble}")
                return None
        fmt = spec.get("format", "default")
        if kind == "date" and fmt not in ("default", "%Y-%m-%d"):
            bad(where, f"field {quote(name)}: dates are read as YYYY-MM-DD, so format must be \"%Y-%m-%d\"")
            return None
        if kind == "string" and fmt not in ("default", "uri"):
            bad(where, f"field {quote(name)}: format {quote(str(fmt))} is not one this validator checks (default, uri)")
            return None
        if kind == "boolean" and (spec.get("trueValues", ["true"]) != ["true"] or spec.get("falseValues", ["false"]) != ["false"]):
            bad(where, f"field {quote(name)}: the loader reads only 'true' and 'false', so trueValues must be [\"true\"] "
                "and falseValues [\"false\"]")
            return None
        url = kind == "string" and (fmt == "uri" or name == "url")
        labels = name == "paragraph" or name.endswith("_paragraph") or constraints.get("pattern") == LABELS
        key_like = (name in key or name in foreign or kind != "string" or enum is not None or labels
                    or name.endswith(("_id", "_ids")) or constraints.get("pattern") == SLUG)
        limit = MAX_TEXT if url or not key_like else MAX_KEY
        if isinstance(constraints.get("maxLength"), int):
            limit = min(limit, constraints["maxLength"])
        columns.append(Column(name, kind, constraints, limit, url, labels, pattern,
                              frozenset(enum) if enum is not None else None))
    return columns


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

@dataclass
class Table:
    resource: Resource
    records: list[list[str]]  # header first, then the rows that have one cell per column
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, cells)
    broken: list[list[str]] = field(default_factory=list)  # rows with too many or too few cells, already reported
    bad: set[tuple[int, str]] = field(default_factory=set)  # cells already reported: (row, column)

    def good(self, number: int, *columns: str) -> bool:
        return not any((number, c) in self.bad for c in columns)


def read_records(path: Path, file: str) -> tuple[list[list[str]] | None, list[Problem]]:
    """The CSV records of a file (trailing blank lines dropped), or the problems that stop it being read.
    A byte-order mark is reported, then skipped, so the rest of the file is still checked."""
    try:
        if not path.exists():
            return None, [Problem(file, None, None, None, "not found: the file named in datapackage.json is missing")]
        if not path.is_file():
            return None, [Problem(file, None, None, None, "is not a file: datapackage.json names it as a table")]
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(file, None, None, None, f"is too large ({size / 1_000_000:.1f} MB; a table may be at most "
                                  f"{MAX_FILE_BYTES // 1_000_000} MB)")]
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(file, None, None, None, f"cannot be read: {err.strerror or err}")]
    problems = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(file, None, None, None, "is saved as UTF-16 (Excel's \"Unicode Text\"): save it as CSV UTF-8")]
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(file, None, None, None, BOM_MESSAGE))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, problems + [encoding_problem(file, raw, err)]
    records: list[list[str]] = []
    limit = csv.field_size_limit()  # global to the csv module: lifted while reading, so a long cell gets its own message
    try:
        csv.field_size_limit(max(limit, len(text) + 1))
        for record in csv.reader(io.StringIO(text, newline=""), strict=True):
            records.append(record)
    except csv.Error as err:
        row, note = len(records) + 1, str(err)
        if "end of data" in note:
            note = "a quoted cell that starts in this row is never closed (add the closing '\"', or remove the opening one)"
        elif "expected after" in note:
            note = "text follows a closing quote (inside a quoted cell, write a quote as two quotes: \"\")"
        return None, problems + [Problem(file, row, None, None, f"cannot be read as CSV: {note}")]
    finally:
        csv.field_size_limit(limit)
    while records and not records[-1]:
        records.pop()  # blank lines at the end: harmless, and many editors add one
    return records, problems


def encoding_problem(file: str, raw: bytes, err: UnicodeDecodeError) -> Problem:
    """Point at the first byte that is not UTF-8: its row, its column and the cell around it."""
    bad = raw[err.start:err.end]
    hint = "re-save the file as UTF-8; it looks like Latin-1 or Windows-1252"
    text = raw.decode("utf-8", errors="surrogateescape")
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(max(limit, len(text) + 1))
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        records = []
    finally:
        csv.field_size_limit(limit)
    header = records[0] if records else []
    for number, record in enumerate(records, start=1):
        for i, cell in enumerate(record):
            if any("\udc80" <= ch <= "\udcff" for ch in cell):
                shown = cell.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
                column = header[i] if i < len(header) and number > 1 else None
                return Problem(file, number, column, shown,
                               f"is not valid UTF-8: byte {bad!r} at byte position {err.start} ({hint})")
    return Problem(file, None, None, None, f"is not valid UTF-8: byte {bad!r} at byte position {err.start} ({hint})")


def header_problems(file: str, header: list[str], expected: list[str]) -> tuple[list[Problem], list[Problem]]:
    """The header must name the schema's columns, in its order, each once, with nothing hidden in a name.

    Returns two lists: labels with hidden characters or spaces (the columns still match once those
    are removed), and problems that stop the columns being matched to the schema."""
    hidden, problems = [], []
    names = []
    for label in header:
        trouble = character_problem(label) or (None if label == label.strip() else "has a space at the start or end: delete it")
        if trouble:
            hidden.append(Problem(file, 1, None, label, trouble))
        names.append(cleaned(label))
    if names == expected:
        return hidden, []
    if sorted(names) == sorted(expected):
        return hidden, [Problem(file, 1, None, ",".join(header), f"has the columns in the wrong order (expected: {','.join(expected)})")]
    if len(names) == len(expected):  # same width: name each column that differs (a renamed column is one problem)
        for number, (name, want) in enumerate(zip(names, expected), start=1):
            if name != want:
                problems.append(Problem(file, 1, None, name, f"is column {number} of the header, where datapackage.json "
                                        f"expects {quote(want)} (rename it)"))
        return hidden, problems
    wanted, present = set(expected), set(names)
    nameless = [str(number) for number, name in enumerate(names, start=1) if not name]
    if nameless:
        which = f"column {nameless[0]} has" if len(nameless) == 1 else f"columns {', '.join(nameless)} have"
        problems.append(Problem(file, 1, None, None, f"{which} no name in the header (a stray comma?): delete "
                                f"{'it' if len(nameless) == 1 else 'them'}, or give each the name datapackage.json expects"))
    for name in expected:
        if name not in present:
            problems.append(Problem(file, 1, name, None, "column is missing from the header (datapackage.json expects it)"))
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        if not name:
            continue
        if name not in wanted:
            problems.append(Problem(file, 1, None, name, "is an extra column not described in datapackage.json"))
        elif name in seen:
            problems.append(Problem(file, 1, None, name, f"is in the header twice (columns {seen[name]} and {number}): "
                                    "delete one of them"))
        seen.setdefault(name, number)
    return hidden, problems


def empty_message(expected: list[str]) -> str:
    head = ",".join(expected[:4]) + (",..." if len(expected) > 4 else "")
    return f"is empty (it needs at least the header row, {head}, and one row of data)"


def read_table(resource: Resource, data_dir: Path) -> tuple[Table | None, list[Problem]]:
    """A table whose header is right and whose rows each have one cell per column, or the problems that stop it."""
    file = resource.file
    try:
        inside = resource.path.resolve().is_relative_to(data_dir.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        return None, [Problem(file, None, None, None, "points outside data/ (it is a link): put the table itself in data/")]
    records, problems = read_records(resource.path, file)
    if records is None:
        return None, problems
    expected = resource.names
    if not records:
        return None, problems + [Problem(file, None, None, None, empty_message(expected))]
    if not records[0]:
        return None, problems + [Problem(file, 1, None, None, "is blank: the header row must be the first line (delete the blank line)")]
    hidden, mismatched = header_problems(file, records[0], expected)
    problems += hidden
    if mismatched:
        return None, problems + mismatched  # the columns cannot be matched to the schema
    table = Table(resource, records)
    if len(records) == 1:
        return None, problems + [Problem(file, None, None, None, "has a header but no rows of data (every table needs at least one row)")]
    width = len(expected)
    for number, record in enumerate(records[1:], start=2):
        if not record or (len(record) == width and not any(record)):
            problems.append(Problem(file, number, None, None, "is a blank row (delete it)"))
        elif len(record) != width:
            problems.append(Problem(file, number, None, None, f"has {len(record)} cell{'s' * (len(record) != 1)}, but the header "
                                    f"has {width} columns (check the commas and quotes in this row)"))
            table.broken.append(record)
        else:
            table.rows.append((number, dict(zip(expected, record))))
    return table, problems


# ---------------------------------------------------------------------------------------------
# Cells and the schema
# ---------------------------------------------------------------------------------------------

def cell_problem(value: str, column: Column) -> str | None:
    """What is wrong with one cell as text, before its type is considered."""
    if not value:  # nothing to check (most cells of the wide factoid tables are empty)
        return None
    if len(value) > column.limit:
        return f"is {len(value):,} characters long; this column allows at most {column.limit:,} (shorten it)"
    trouble = character_problem(value)
    if trouble:
        return trouble
    if value and not value.strip():
        if column.constraints.get("required"):
            return "is only spaces, but this column is required (write a value)"
        return "is only spaces (delete them, or write a value)"
    if value != value.strip():
        return "has a space at the start or end: delete it"
    if column.url and value:
        return url_problem(value)
    return (formula_problem(value) if column.type == "string" else None) or markup_problem(value)


def schema_problem(value: str, column: Column) -> str | None:
    """What the schema in datapackage.json says is wrong with one cell."""
    rules = column.constraints
    if value == "":
        return REQUIRED_MESSAGE if rules.get("required") else None
    number: float | None = None
    if column.type == "date" and parse_date(value) is None:
        return "is not a valid date (expected YYYY-MM-DD)"
    if column.type == "integer":
        if not INTEGER.match(value):
            return "is not a whole number (expected digits only, e.g. 200)"
        if len(value.lstrip("-")) > 15:
            return "is too large a number (at most 15 digits)"
        number = int(value)
    if column.type == "number":
        if not NUMBER.match(value) or len(value) > 20:
            return "is not a number (expected digits, with a '.' before any decimals, e.g. 2.5)"
        number = float(value)
    if column.type == "boolean" and value not in ("true", "false"):
        return "is not true or false (expected exactly 'true' or 'false')"
    if column.allowed is not None and value not in column.allowed:
        enum = rules["enum"]
        listed = ", ".join(enum[:20]) + (f", ... ({len(enum)} in all; see datapackage.json)" if len(enum) > 20 else "")
        return f"is not one of the allowed values ({listed})"
    if column.pattern is not None and not column.pattern.fullmatch(value):
        return PATTERN_HELP.get(column.pattern.pattern, f"has the wrong form (expected to match {column.pattern.pattern})")
    if number is not None and "minimum" in rules and number < rules["minimum"]:
        return f"is below the allowed minimum (expected {rules['minimum']} or more)"
    if number is not None and "maximum" in rules and number > rules["maximum"]:
        return f"is above the allowed maximum (expected {rules['maximum']} or less)"
    if "minLength" in rules and len(value) < rules["minLength"]:
        return f"is too short (expected at least {rules['minLength']} characters)"
    return None


def cleaned(value: str) -> str:
    """A key as it was probably meant: without invisible characters or surrounding spaces."""
    return "".join(ch for ch in value if ch.isprintable() and not FILLERS.match(ch)).strip()


COUNTS = {name for pair in RANGE_PAIRS for name in pair}
SLUG_ID = re.compile(SLUG)


def contract_problem(value: str, column: Column) -> str | None:
    """What the book's code relies on, whatever the descriptor says: an id (a column *_id) is a slug
    (it becomes a BibTeX key, an anchor, a file name); a count (low, high, ...) a whole number."""
    if value and column.name.endswith("_id") and not SLUG_ID.match(value):
        return PATTERN_HELP[SLUG]
    if value and column.name in COUNTS and not INTEGER.match(value):
        return "is not a whole number (expected digits only, e.g. 200)"
    return None


def table_problems(table: Table) -> list[Problem]:
    """Every cell against its column, then the primary key and unique columns."""
    resource, problems = table.resource, []
    file = resource.file
    for number, cells in table.rows:
        for column in resource.columns:
            value = cells[column.name]
            trouble = cell_problem(value, column) or schema_problem(value, column) or contract_problem(value, column)
            if trouble:
                problems.append(Problem(file, number, column.name, value, trouble))
                table.bad.add((number, column.name))
    keys = [resource.primary_key] + [[c.name] for c in resource.columns if c.constraints.get("unique")]
    for key in [k for k in keys if k]:
        first: dict[tuple, int] = {}
        for number, cells in table.rows:
            value = tuple(cells[c] for c in key)
            if not table.good(number, *key) or not any(value):
                continue
            if value in first:
                name = ", ".join(key)
                problems.append(Problem(file, number, name, ", ".join(value),
                                        f"is a duplicate: {name} must be unique (first used in row {first[value]})"))
                table.bad.update((number, c) for c in key)
            else:
                first[value] = number
    return problems


def key_values(table: Table, columns: list[str]) -> tuple[set[tuple], set[tuple]]:
    """The values of `columns` in a table: those that are sound, and those already reported (as they
    were probably meant), so that rows referring to them are not reported a second time."""
    sound, damaged = set(), set()
    for number, cells in table.rows:
        value = tuple(cells[c] for c in columns)
        if table.good(number, *columns):
            sound.add(value)
        else:
            damaged.add(tuple(cleaned(v) for v in value))
    at = [table.resource.names.index(c) for c in columns]
    for record in table.broken:  # cells may be shifted, but a leading key is usually still in place
        if max(at) < len(record):
            damaged.add(tuple(cleaned(record[i]) for i in at))
    return sound, damaged


def foreign_key_problems(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        resource = table.resource
        for columns, target_name, target_columns in resource.foreign_keys:
            target = tables.get(target_name)
            if target is None:
                continue  # its own problems are reported; its keys are unknown
            sound, damaged = key_values(target, target_columns)
            for number, cells in table.rows:
                value = tuple(cells[c] for c in columns)
                if not all(value) or not table.good(number, *columns) or value in sound or value in damaged:
                    continue
                problems.append(Problem(resource.file, number, ", ".join(columns), ", ".join(value),
                                        f"does not match any {', '.join(target_columns)} in {target.resource.file_name}"))
                table.bad.update((number, c) for c in columns)
    return problems


# ---------------------------------------------------------------------------------------------
# The edition's own rules
# ---------------------------------------------------------------------------------------------

def paragraph_labels(chapters: Path) -> set[str] | None:
    """Every paragraph label `(wt-3)=` and note `[^3]:` (as note-3) in the essay's chapter files (a
    missing one has none: the rows that cite it are reported)."""
    if not chapters.is_dir():
        return None
    essay_read = essay.read(chapters, missing_ok=True)
    return {p.label for c in essay_read for p in c.paragraphs} | {f"note-{n.number}" for c in essay_read for n in c.notes}


def row_problems(table: Table, known: dict[str, set[tuple]], labels: set[str] | None, chapters_shown: str) -> list[Problem]:
    """The edition's rules for one table. `known` holds the person and source ids (sound or already reported)."""
    resource, problems = table.resource, []
    name, file = resource.name, resource.file
    header = resource.names
    col = set(header)
    pairs = [(h[: -len("_start")], h, h[: -len("_start")] + "_end") for h in header
             if h.endswith("_start") and h[: -len("_start")] + "_end" in col]
    declared = {c for columns, _, _ in resource.foreign_keys for c in columns}
    people, sources = known.get("people"), known.get("sources")
    label_columns = [c.name for c in resource.columns if c.labels]
    for number, cell in table.rows:
        ok = lambda *columns: table.good(number, *columns)  # noqa: E731
        # date ranges
        dated = []
        for prefix, start_col, end_col in pairs:
            precision_col = prefix + "_precision"
            if not ok(start_col, end_col, *([precision_col] if precision_col in col else [])):
                continue
            start, end = cell[start_col], cell[end_col]
            precision = cell.get(precision_col, "")
            given = [bool(start), bool(end)] + ([bool(precision)] if precision_col in col else [])
            if any(given) and not all(given):
                missing = [c for c, g in zip([start_col, end_col, precision_col], given) if not g]
                problems.append(Problem(file, number, missing[0], "", f"is empty, but {prefix} dates need a start, an end and a precision together"))
                continue
            a, b = parse_date(start), parse_date(end)
            if a and b:
                dated += [(start_col, a), (end_col, b)]
                if b < a:
                    problems.append(Problem(file, number, end_col, end, f"is before {start_col} {quote(start)} (a date range must run forwards)"))
        if name in PERIOD_TABLES and "outside_period" in cell and ok("outside_period"):
            flagged = cell["outside_period"] == "true"
            outside = [(c, d) for c, d in dated if not PERIOD[0] <= d <= PERIOD[1]]
            if outside and not flagged:
                c, d = outside[0]
                problems.append(Problem(file, number, c, d.isoformat(), "is outside 1917-01-01..1946-12-31 (set outside_period to true if that is intended)"))
            if flagged and dated and not outside:
                problems.append(Problem(file, number, "outside_period", "true", "is set, but every date lies within 1917-1946 (set it to false)"))
        # numbers
        for low_col, high_col in RANGE_PAIRS:
            if low_col in cell and high_col in cell and ok(low_col, high_col):
                low, high = cell[low_col], cell[high_col]
                if INTEGER.match(low) and INTEGER.match(high) and int(low) > int(high):
                    problems.append(Problem(file, number, low_col, low, f"is greater than {high_col} {quote(high)}"))
        # references that the descriptor does not declare
        for column in ("source_id", "dates_source_id"):
            if column in cell and column not in declared and cell[column] and ok(column) and sources is not None \
                    and name != "sources" and (cell[column],) not in sources:
                problems.append(Problem(file, number, column, cell[column], "does not match any source_id in sources.csv"))
        if cell.get("person_ids") and people is not None and ok("person_ids"):
            for person in cell["person_ids"].split(";"):
                if person != person.strip():
                    problems.append(Problem(file, number, "person_ids", cell["person_ids"],
                                            "has a space next to a ';' (write the ids as a;b, without spaces)"))
                    break
                if (person,) not in people:
                    problems.append(Problem(file, number, "person_ids", person, "does not match any person_id in people.csv"))
        if name == "people" and cell.get("born_start", "") + cell.get("died_start", "") and not cell.get("dates_source_id") \
                and ok("dates_source_id"):
            problems.append(Problem(file, number, "dates_source_id", "", "is empty, but the row gives a birth or death date (name the source of the dates)"))
        # paragraph labels, in every column that holds them
        if "paragraph" in cell and cell.get("source_id") == "essay" and not cell["paragraph"] and ok("paragraph"):
            problems.append(Problem(file, number, "paragraph", "", "is empty, but source_id is 'essay' (name the essay paragraph, e.g. wt-3 or note-2)"))
        for column in label_columns:
            if cell[column] and labels is not None and ok(column):
                for label in cell[column].split(";"):
                    if label not in labels:
                        problems.append(Problem(file, number, column, label, f"is not a paragraph label in {chapters_shown} (expected e.g. cr-1, wt-3, note-5)"))
    return problems


# ---------------------------------------------------------------------------------------------
# The factoid rules (also used by the loader, edition/data/__init__.py)
# ---------------------------------------------------------------------------------------------

def essay_locator_problems(table: Table, words: dict[str, str]) -> list[Problem]:
    """A row from the essay quotes its paragraph word for word; an essay hedge is in that quotation."""
    problems, file = [], table.resource.file
    for number, cells in table.rows:
        if cells["source_id"] != "essay" or not table.good(number, "paragraph", "locator"):
            continue
        said = [words[label] for label in cells["paragraph"].split(";") if label in words]
        hedge = cells.get("hedge", "")
        if not cells["locator"]:
            if table.resource.name == "attestations":
                problems.append(Problem(file, number, "locator", "", "is empty, but source_id is 'essay' (copy the words "
                                        "of the paragraph that state this, exactly)"))
        elif said and not any(quoted_in(cells["locator"], text) for text in said):
            problems.append(Problem(file, number, "locator", cells["locator"],
                                    f"is not word for word in paragraph {cells['paragraph']} (copy the essay's words exactly; "
                                    "write ' ... ' where words are left out)"))
        elif hedge and not hedge.startswith("editors:") and not quoted_in(hedge, cells["locator"]):
            problems.append(Problem(file, number, "hedge", hedge,
                                    "is not in the locator (an essay hedge is the essay's own word, e.g. 'seems', inside the quotation; "
                                    "the editors' doubt starts 'editors:')"))
    return problems


def factoid_problems(tables: dict[str, Table], chapters: Path) -> list[Problem]:
    """The rules that tie attestations to their happenings and to the essay's words."""
    try:
        words = essay.texts(chapters)
    except (OSError, ValueError, IndexError):
        words = None  # a missing or damaged chapter is reported with the labels
    problems = []
    for table in tables.values():  # every row from the essay quotes its paragraph (attestations, people, groups ...)
        if words is not None and {"source_id", "paragraph", "locator"} <= set(table.resource.names):
            problems += essay_locator_problems(table, words)
    happenings, attestations = tables.get("happenings"), tables.get("attestations")
    if happenings is None or attestations is None:
        return problems
    hfile, afile = happenings.resource.file, attestations.resource.file
    statements = defaultdict(list)
    for number, cells in attestations.rows:
        statements[cells["happening_id"]].append((number, cells))
    for number, cells in happenings.rows:
        ident, told = cells["happening_id"], statements.get(cells["happening_id"], [])
        if not told:
            problems.append(Problem(hfile, number, "happening_id", ident, "has no attestation (add a row to "
                                    "attestations.csv naming a source that states it, or delete this row)"))
            continue
        if not all(attestations.good(n, *FIELDS) for n, _ in told):
            continue  # a damaged cell is reported already
        rows = [c for _, c in told]
        differ = disagreements(rows, cells["kind"] or cells["type"])  # an execution is a death: one place
        if differ and not cells["dispute_id"] and happenings.good(number, "dispute_id"):
            problems.append(Problem(hfile, number, "dispute_id", "", f"is empty, but the attestations of {ident} disagree on "
                                    f"{'; '.join(differ)}: add the editors' words to disputes.csv and name that dispute_id here"))
        if not happenings.good(number, "outside_period"):
            continue
        dated = [(n, c, d) for n, row in told for c in ("date_start", "date_end", "until_start", "until_end")
                 if (d := parse_date(row[c]))]
        outside = [(n, c, d) for n, c, d in dated if not PERIOD[0] <= d <= PERIOD[1]]
        if cells["outside_period"] != "true" and outside:
            n, c, d = outside[0]
            problems.append(Problem(afile, n, c, d.isoformat(), f"is outside 1917-01-01..1946-12-31 (set outside_period "
                                    f"to true on {ident} in {happenings.resource.file_name} if that is intended)"))
        if cells["outside_period"] == "true" and dated and not outside:
            problems.append(Problem(hfile, number, "outside_period", "true", "is set, but every attested date lies "
                                    "within 1917-1946 (set it to false)"))
    return problems


# ---------------------------------------------------------------------------------------------

def entries(folder: Path) -> list[tuple[Path, os.stat_result]]:
    """Everything in a folder (and in its hidden folders, such as Jupyter's .ipynb_checkpoints), as
    it is, links not followed: (path, lstat), in name order. A missing folder has none."""
    found = []
    try:
        listing = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in listing:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        found.append((Path(entry.path), info))
        if stat.S_ISDIR(info.st_mode) and entry.name.startswith("."):
            found += entries(Path(entry.path))
    return found


def validation_state(data_dir: Path) -> tuple:
    """What a validation result depends on: everything in data/ and chapters/ as it is now (names,
    kinds, times, sizes; a new link changes it too). Cheap, and free of pandas, so the build can
    check it before importing it."""
    found = entries(data_dir) + entries(data_dir.parent / "chapters")
    return (str(data_dir),) + tuple((str(f), s.st_mode, s.st_mtime_ns, s.st_size) for f, s in found)


def state_digest(state: tuple) -> str:
    return hashlib.sha256(repr(state).encode()).hexdigest()


def validate(data_dir: Path | str) -> list[Problem]:
    """Every problem in the data package at data_dir; an empty list means it is valid. Never raises."""
    data_dir = Path(data_dir)
    try:
        return _validate(data_dir)
    except Exception as err:  # a last resort: every known failure has its own check and message
        return [Problem(display(data_dir), None, None, None, f"could not be checked: {type(err).__name__}: {err}")]


def _validate(data_dir: Path) -> list[Problem]:
    odd = file_kind_problems(data_dir)
    refused = {p.file for p in odd}
    descriptor, problems = read_descriptor(data_dir)
    if problems:
        return odd + [p for p in problems if p.file not in refused]
    resources, problems = descriptor_resources(descriptor, data_dir)
    if problems:
        return odd + problems
    tables: dict[str, Table] = {}
    problems = odd
    for resource in resources:
        if resource.file in refused:
            continue  # a link or a device named as a table: reported once, above
        table, found = read_table(resource, data_dir)
        problems += found
        if table is not None:
            problems += table_problems(table)
            tables[resource.name] = table
    problems += foreign_key_problems(tables)
    chapters = data_dir.parent / "chapters"
    labels = paragraph_labels(chapters)
    if labels is None:
        problems.append(Problem(display(chapters), None, None, None, "not found: paragraph labels cannot be checked (chapters/ must sit beside data/)"))
    known = {}
    for name, key in (("people", "person_id"), ("sources", "source_id")):
        if name in tables and key in tables[name].resource.names:
            known[name] = set.union(*key_values(tables[name], [key]))
    for table in tables.values():
        problems += row_problems(table, known, labels, display(chapters))
    problems += factoid_problems(tables, chapters)
    problems += gazetteer_problems(tables)
    problems += claims.problems(tables, chapters)  # what the rows claim: edition/data/claims.py
    seen, unique = set(), []
    for p in problems:
        key = str(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def gazetteer_problems(tables: dict[str, Table]) -> list[Problem]:
    """The gazetteer (places.csv) and the name forms (names.csv): coordinates come as a pair, inside
    the globe; a row locates its place (coordinates or an authority id); a Cyrillic name form is
    written in Cyrillic, a Latin one in Latin."""
    problems = []
    places = tables.get("places")
    if places is not None:
        file = places.resource.file
        for number, row in places.rows:
            get = lambda c: cleaned(row.get(c, ""))  # noqa: E731
            if not places.good(number, "latitude", "longitude", "authority", "authority_source_id"):
                continue
            for column, limit in (("latitude", 90), ("longitude", 180)):
                value = get(column)
                if NUMBER.match(value) and abs(float(value)) > limit:
                    problems.append(Problem(file, number, column, value, f"is off the globe (expected -{limit} to {limit})"))
            if bool(get("latitude")) != bool(get("longitude")):
                missing = "longitude" if get("latitude") else "latitude"
                problems.append(Problem(file, number, missing, None, "is empty: give both latitude and longitude, or neither"))
            if not get("latitude") and not get("authority"):
                problems.append(Problem(file, number, "latitude", None,
                                        "is empty and so is authority: a row locates its place by coordinates or an identifier (or leave the place out)"))
    names = tables.get("names")
    if names is not None and "script" in names.resource.names:
        for number, row in names.rows:
            form, script = cleaned(row.get("name_form", "")), cleaned(row.get("script", ""))
            cyrillic = any("CYRILLIC" in unicodedata.name(ch, "") for ch in form)
            if script == "Cyrl" and form and not cyrillic:
                problems.append(Problem(names.resource.file, number, "name_form", form, "has no Cyrillic letter but its script is Cyrl"))
            if script == "Latn" and cyrillic:
                problems.append(Problem(names.resource.file, number, "name_form", form, "has Cyrillic letters but its script is Latn"))
    return problems


def table_path(data_dir: Path, name: str) -> Path:
    """The file of table `name` as datapackage.json names it: the file the validator checked, and
    the only one any reader opens (never a file name written into the code)."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    return data_dir / next(r["path"] for r in descriptor["resources"] if r["name"] == name)


def row_counts(data_dir: Path) -> dict[str, int]:
    """Rows of data per table (for a package that validates)."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    counts = {}
    for resource in descriptor["resources"]:
        records, _ = read_records(data_dir / resource["path"], resource["path"])
        counts[resource["name"]] = len(records or [[]]) - 1
    return counts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape, not a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(argv) > 1:
        print("usage: python -m edition.data [data_dir]", file=sys.stderr)
        return 2
    if argv:
        data_dir = Path(argv[0])
    else:  # the loader knows where data/ is (importing it costs a second of pandas, so only when needed)
        from edition.paths import DATA_DIR

        data_dir = DATA_DIR
    problems = validate(data_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found in {display(data_dir)}.", file=sys.stderr)
        return 1
    counts = row_counts(data_dir)
    print(f"OK: {display(data_dir)} is valid ({sum(counts.values())} rows: "
          + ", ".join(f"{name} {n}" for name, n in counts.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
