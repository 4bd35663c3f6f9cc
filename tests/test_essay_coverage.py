"""Every dated statement of the essay that the dataset encodes, checked one by one: a row whose
source is the essay, that names the paragraph, and that carries the dates the essay gives."""
import pandas as pd
import pytest

from edition.data import load

# (paragraph label, what, date as the essay words it, expected start, expected end)
ESSAY_DATES = [
    ("wt-10", "the revolution of October 1917", "October 1917", "1917-10-01", "1917-10-31"),
    ("cr-1", "defeat of the uprisings in Hungary, Italy, Germany", "between 1918 and 1921", "1918-01-01", "1921-12-31"),
    ("cr-1", "after-shock in Germany", "1923", "1923-01-01", "1923-12-31"),
    ("cr-1", "after-shock in Bulgaria", "1923", "1923-01-01", "1923-12-31"),
    ("cr-1", "after-shock in China", "1927", "1927-01-01", "1927-12-31"),
    ("cr-4", "emergence of the left fractions", "mainly between 1921 and 1924", "1921-01-01", "1924-12-31"),
    ("cr-6", "L'Ouvrier Communiste no. 6", "January 1930", "1930-01-01", "1930-01-31"),
    ("cr-8", "banning of factions", "1921", "1921-01-01", "1921-12-31"),
    ("cr-8", "Platform of the Forty-Six", "1923", "1923-01-01", "1923-12-31"),
    ("cr-8", "Workers' Truth Appeal", "1922", "1922-01-01", "1922-12-31"),
    ("cr-9", "Workers' Group still publishing in Moscow", "as late as 1929", "1929-01-01", "1929-12-31"),
    ("note-1", "Workers' Dreadnought with the Manifesto, part 1", "1 December 1923", "1923-12-01", "1923-12-01"),
    ("note-1", "Workers' Dreadnought with the Manifesto, part 2", "5 January 1924", "1924-01-05", "1924-01-05"),
    ("note-1", "Appeal published in the Socialist Herald", "31 January 1923", "1923-01-31", "1923-01-31"),
    ("wt-1", "Workers' Truth formed", "autumn of 1921", "1921-09-01", "1921-11-30"),
    ("wt-1", "the 1922 Appeal", "1922", "1922-01-01", "1922-12-31"),
    ("wt-3", "manifesto to the Twelfth Congress", "1923", "1923-01-01", "1923-12-31"),
    ("wt-3", "Twelfth Party Congress", "1923", "1923-01-01", "1923-12-31"),
    ("wt-10", "Workers' Dreadnought, Workers' Group on Workers' Truth", "31 May 1924", "1924-05-31", "1924-05-31"),
    ("wt-12", "wildcat strikes", "summer of 1923", "1923-06-01", "1923-08-31"),
    ("wg-2", "Workers' Dreadnought statement", "3 June 1922", "1922-06-03", "1922-06-03"),
    ("wg-2", "Workers' Dreadnought statement", "17 June 1922", "1922-06-17", "1922-06-17"),
    ("wg-3", "Dreadnought announces the Manifesto and the CWP protest", "1 December 1923", "1923-12-01", "1923-12-01"),
    ("wg-3", "KAPD publishes the Manifesto in Germany", "1924", "1924-01-01", "1924-12-31"),
    # (the imprisonment of Miasnikov and Kuznetsov, wg-3: the essay dates only the report of it, so its dates,
    # after the founding and before the report, are the editors' row, not the essay's)
    ("wg-4", "Miasnikov's call for freedom of the press after the Tenth Congress", "1921", "1921-01-01", "1921-12-31"),
    ("wg-4", "Miasnikov expelled from the party", "early 1922", "1922-01-01", "1922-04-30"),
    ("wg-4", "Workers' Group founded", "February-March 1923", "1923-02-01", "1923-03-31"),
    # the essay dates the founding and says the Manifesto followed in 1923; that it came out by the 12th
    # Congress (17-25 April 1923) joins another source's date, so that is the editors' row
    ("wg-4", "Manifesto published", "In February-March 1923 ... and they published", "1923-02-01", "1923-12-31"),
    ("wg-4", "strike wave", "summer 1923", "1923-06-01", "1923-08-31"),
    ("wg-4", "underground work lasts until the beginning of the 1930s", "until the beginning of the 1930s", "1930-01-01", "1932-12-31"),
    ("wg-7", "Curzon Ultimatum", "1923", "1923-01-01", "1923-12-31"),
    ("wg-7", "Workers' Group oath to defend the Soviet power", "1923", "1923-01-01", "1923-12-31"),
    ("wg-13", "KAPD's IVth International", "1922", "1922-01-01", "1922-12-31"),
    ("wg-13", "Miasnikov organising a Communist Workers' Party", "1928-31", "1928-01-01", "1931-12-31"),
    ("note-3", "Miasnikov in prison or exile", "from 1923 to 1927", "1923-01-01", "1927-12-31"),
    ("note-3", "Miasnikov escapes", "1927", "1927-01-01", "1927-12-31"),
    ("note-3", "Miasnikov settles in France", "1930", "1930-01-01", "1930-12-31"),
    ("note-3", "Miasnikov returns to Russia", "1946", "1946-01-01", "1946-12-31"),
    ("note-5", "Miasnikov writes in L'Ouvrier Communiste", "1929", "1929-01-01", "1929-12-31"),
    ("note-5", "conference of the Workers' Group, Group of Fifteen, Workers' Opposition", "August 1928", "1928-08-01", "1928-08-31"),
    ("note-5", "Sapronov leads the Group of Fifteen", "1926-7", "1926-01-01", "1927-12-31"),
    ("note-5", "Group of Fifteen platform", "1926-7", "1926-01-01", "1927-12-31"),
    ("note-5", "fifteen signatories", "1926-7", "1926-01-01", "1927-12-31"),
    ("lo-1", "Trotsky in the commission on the Workers' Opposition", "1922", "1922-01-01", "1922-12-31"),
    ("lo-2", "signatories of the Forty-Six", "1923", "1923-01-01", "1923-12-31"),
    ("lo-3", "L'Ouvrier Communiste no. 6", "January 1930", "1930-01-01", "1930-01-31"),
    ("lo-4", "Stalin's turn to industrialisation", "after 1928 (open-ended: to the end of the period)", "1929-01-01", "1946-12-31"),
    ("lo-8", "Miasnikov on the Left Opposition", "January 1930", "1930-01-01", "1930-01-31"),
    ("lo-10", "irreconcilables break from the Left Opposition", "1930-2", "1930-01-01", "1932-12-31"),
    ("end-2", "Miasnikov on Sapronov's arrest", "1929", "1929-01-01", "1929-12-31"),
    # (Sapronov's arrest, end-2: the essay dates Miasnikov's report (1929), not the arrest: the editors' row)
]

DATE_PAIRS = {  # the essay's own statements: its attestations (not the views' spans over every source)
    "attestations": [("date_start", "date_end"), ("until_start", "until_end")],
    "size_estimates": [("date_start", "date_end")],
}


def essay_rows():
    """(paragraph labels, start, end) of every dated essay row, over all dated tables."""
    found = []
    for table, pairs in DATE_PAIRS.items():
        frame = load(table)
        frame = frame[frame["source_id"] == "essay"]
        for _, row in frame.iterrows():
            labels = set(row["paragraph"].split(";"))
            for start, end in pairs:
                if pd.notna(row[start]):
                    found.append((table, row.iloc[0], labels, row[start], row[end]))
    return found


ROWS = essay_rows()


@pytest.mark.parametrize("label, what, date_text, start, end", ESSAY_DATES, ids=[f"{e[0]}: {e[1]}" for e in ESSAY_DATES])
def test_essay_date_is_encoded(label, what, date_text, start, end):
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    matches = [r for r in ROWS if label in r[2] and r[3] == start and r[4] == end]
    assert matches, f"no essay row for {label} ({what}, {date_text!r}: {start.date()}..{end.date()})"


def test_every_dated_essay_row_is_in_the_list():
    """Nothing dated from the essay goes unchecked: each such row matches an entry above."""
    listed = {(label, pd.Timestamp(s), pd.Timestamp(e)) for label, _, _, s, e in ESSAY_DATES}
    unlisted = [r[:2] for r in ROWS if not any((label, r[3], r[4]) in listed for label in r[2])]
    assert not unlisted, unlisted
