"""Every group, person, publication and act of repression that the essay names has a row in data/.

Two checks. NAMED is the checked list: each entry gives the words of the essay that name the thing, the
paragraphs where they stand (tested against the essay's text, so the list cannot drift from it) and
the row that records it (tested against the CSVs). Then every capitalised name the essay uses is
looked for in NAMED or in NOT_ENTITIES (places, months, adjectives, words that start a sentence, each
with its reason): a name the essay uses that is in neither fails the test, so a missing row cannot
hide behind a missing list entry."""
import re

import pytest

from edition.data import load
from edition.essay import texts

pytestmark = pytest.mark.check

# (words the essay uses, paragraphs where they stand, table, row id). Tables: groups, people,
# happenings (publications, events, acts of repression) and sources (works the essay cites).
NAMED = [
    # groups
    ("Bolshevik Party", ["cr-1", "cr-3", "wg-4"], "groups", "rcp-b"),
    ("Russian Communist Party", ["cr-8", "wg-2", "wt-5"], "groups", "rcp-b"),
    ("RCP", ["cr-8", "wg-4"], "groups", "rcp-b"),
    ("Communist International", ["cr-2", "wg-14"], "groups", "comintern"),
    ("Comintern", ["lo-1", "wg-2", "wg-14"], "groups", "comintern"),
    ("IIIrd International", ["wg-14"], "groups", "comintern"),
    ("Stalinist faction", ["cr-6", "cr-9"], "groups", "stalinist-faction"),
    ("Left Opposition", ["cr-6", "cr-8", "lo-1", "lo-2", "lo-4", "lo-10"], "groups", "left-opposition"),
    ("Trotskyist opposition", ["lo-3"], "groups", "left-opposition"),
    ("irreconcilables", ["lo-4", "lo-6"], "groups", "irreconcilables"),
    ("Workers’ Truth", ["cr-8", "wt-1", "wt-10", "wt-12", "lo-1"], "groups", "workers-truth"),
    ("Workers’ Untruth", ["lo-1"], "groups", "workers-truth"),
    ("Workers’ Group", ["cr-8", "cr-9", "wg-3", "wg-4", "note-5", "lo-10"], "groups", "workers-group"),
    ("Communist Workers’ Group", ["wg-3"], "groups", "workers-group"),
    ("Workers’ Groups", ["wg-13", "note-4"], "groups", "workers-group"),  # the author's spelling
    ("Worker’s Group", ["note-5"], "groups", "workers-group"),
    ("Russian-Communist Party", ["wt-5"], "groups", "rcp-b"),
    ("Communist Workers’ Party", ["wg-2"], "groups", "krp-russia"),
    ("Group of Revolutionary Left Communists", ["wg-2"], "groups", "krp-russia"),
    ("Communist Workers’ Party of Russia", ["wg-2"], "groups", "krp-russia"),
    ("CWP", ["wg-3"], "groups", "krp-russia"),
    ("Workers’ Opposition", ["wt-10", "wg-1", "wg-2", "lo-1", "note-5"], "groups", "workers-opposition"),
    ("Democratic Centralism", ["wt-10", "note-5", "lo-10"], "groups", "democratic-centralism"),
    ("Democratic Centralists", ["lo-2"], "groups", "democratic-centralism"),
    ("Democraric Centralist", ["note-5"], "groups", "democratic-centralism"),  # the author's spelling
    ("Group of Fifteen", ["note-5"], "groups", "group-of-fifteen"),
    ("left communists", ["lo-2"], "groups", "left-communists-1918"),
    ("Proletkult", ["wt-1"], "groups", "proletkult"),
    ("Mensheviks", ["wt-11"], "groups", "mensheviks"),
    ("Menshevist", ["wt-10"], "groups", "mensheviks"),
    ("German and Dutch left", ["wt-11"], "groups", "german-dutch-left"),
    ("KAPD", ["wg-1", "wg-2", "wg-3", "wg-13", "wg-14", "note-1", "note-4", "note-5"], "groups", "kapd"),
    ("Dutch KAP", ["wg-2"], "groups", "kap-netherlands"),
    ("Communist Workers’ International", ["wg-2", "wg-14"], "groups", "kai"),
    ("IVth International", ["wg-3", "wg-13"], "groups", "kai"),
    ("Communist Workers’ Parties", ["wg-14", "note-5"], "groups", "kai"),
    ("KPD", ["wg-14"], "groups", "kpd"),
    ("Italian Left", ["wg-13"], "groups", "italian-left"),
    ("Social Democracy", ["wg-8"], "groups", "social-democracy"),
    ("Social Democrats", ["wg-14"], "groups", "social-democracy"),
    ("Socialists of all countries", ["wg-9"], "groups", "social-democracy"),
    ("Socialists", ["wg-9"], "groups", "social-democracy"),
    ("English sympathizers", ["wg-13"], "groups", "pankhurst-cwp"),
    # people
    ("Lenin", ["cr-3", "wt-1", "wg-4", "note-5", "lo-10", "end-4"], "people", "lenin"),
    ("Bogdanov", ["wt-1", "wt-7"], "people", "bogdanov"),
    ("Carr", ["wt-4", "wg-4", "wg-7", "lo-1"], "people", "carr"),
    ("Gabriel Miasnikov", ["wg-4"], "people", "miasnikov"),
    ("Miasnikov", ["cr-6", "wg-3", "wg-4", "note-3", "note-5", "lo-2", "lo-8", "end-1"], "people", "miasnikov"),
    ("Kuznetzov", ["wg-3"], "people", "kuznetsov"),
    ("Maslow", ["wg-14"], "people", "maslow"),
    ("Sapranov", ["note-5", "end-1", "end-2"], "people", "sapronov"),
    ("Trotsky", ["lo-1", "lo-2", "lo-4", "lo-6", "lo-10", "end-4"], "people", "trotsky"),
    ("Ossinski", ["lo-2"], "people", "osinsky"),
    ("Smirnov", ["lo-2"], "people", "vm-smirnov"),
    ("Piatakov", ["lo-2"], "people", "piatakov"),
    ("Stalin", ["lo-4", "lo-5", "lo-10"], "people", "stalin"),
    ("Isaac Deutscher", ["lo-4"], "people", "deutscher"),
    ("Anton Ciliga", ["lo-6"], "people", "ciliga"),
    ("Ciliga", ["lo-6", "lo-10"], "people", "ciliga"),
    ("Marx", ["lo-10"], "people", "marx"),
    ("Daniels", ["note-1"], "people", "daniels"),
    ("Hutten", ["end-4"], "people", "hutten"),
    ("Rosa Luxemburg", ["end-4", "end-5"], "people", "luxemburg"),
    # publications
    ("L’Ouvrier Communiste", ["cr-6", "note-5", "lo-3", "lo-8", "end-2"], "happenings", "pub-ouvrier-communiste"),
    ("L’Ouvrier Communiste, no. 6, January 1930", ["cr-6"], "happenings", "pub-oc-6"),
    ("L’Ouvrier Communiste in 1929", ["note-5"], "happenings", "pub-oc-miasnikov-1929-conference"),
    ("L’Ouvrier Communiste, 1929", ["end-2"], "happenings", "pub-oc-miasnikov-1929-sapronov"),
    ("Platform of the Forty-Six", ["cr-8", "lo-2"], "happenings", "pub-declaration-46"),
    ("Platform of the Group of Fifteen", ["note-5"], "happenings", "pub-g15-platform-essay"),
    ("platform of Democratic Centralism", ["note-5"], "happenings", "pub-dc-platform"),
    ("Manifesto", ["cr-8", "note-1", "wt-10", "wg-3", "wg-4", "wg-5", "wg-6", "wg-7", "wg-8", "wg-14"],
     "happenings", "pub-wg-manifesto"),
    ("KAPD published the Manifesto", ["note-4"], "happenings", "pub-wg-manifesto-kapd"),
    ("Appeal", ["cr-8", "wt-1", "wt-5", "wt-8", "note-1", "wg-5"], "happenings", "pub-wt-appeal"),
    ("Socialist Herald", ["note-1"], "happenings", "pub-socialist-herald-1923-01-31"),
    ("Invariance", ["note-1"], "happenings", "pub-invariance-ii-6"),
    ("Workers’ Dreadnought", ["note-1", "wt-10", "wg-2", "wg-13"], "happenings", "pub-workers-dreadnought"),
    ("1 December 1923", ["note-1", "wg-3"], "happenings", "pub-wd-1923-12-01"),
    ("5 January 1924", ["note-1"], "happenings", "pub-wd-1924-01-05"),
    ("31 May 1924", ["wt-10"], "happenings", "pub-wd-1924-05-31"),
    ("3 June", ["wg-2"], "happenings", "pub-krp-statement-1922-06-03"),
    ("17 June", ["wg-2", "note-2"], "happenings", "pub-krp-statement-1922-06-17"),
    ("protest by the CWP", ["wg-3"], "happenings", "pub-cwp-protest-1923"),
    ("another text on the United Front by the same group", ["note-2"], "happenings", "pub-krp-united-front-text"),
    ("Workers’ Voice, no. 14", ["note-2"], "happenings", "pub-workers-voice-14"),
    ("Workers’ Voice", ["note-2"], "happenings", "pub-workers-voice"),
    ("manifesto issued to the Twelfth Party Congress", ["wt-3"], "happenings", "pub-wt-12th-congress"),
    ("The Workers’ Road to Power", ["cr-9"], "happenings", "pub-workers-road"),
    ("Lenin’s last writings", ["cr-3"], "happenings", "pub-lenin-last-writings"),
    ("Theses of the first four Congresses of the Comintern", ["lo-1"], "happenings", "pub-comintern-theses"),
    ("Theses", ["lo-1"], "happenings", "pub-comintern-theses"),
    ("Au Pays du Grand Mensonge", ["lo-6"], "happenings", "pub-ciliga-book"),
    ("Revolutionary Politics in Stalin’s Prisons", ["lo-7"], "happenings", "pub-ciliga-pamphlet"),
    ("Rosa Luxemburg, The Russian Revolution", ["end-4", "end-5"], "happenings", "pub-luxemburg-russian-revolution"),
    ("The Interregnum", ["wt-4", "wg-4", "lo-1"], "sources", "carr-interregnum"),
    ("The Prophet Outcast", ["lo-5"], "sources", "deutscher-prophet-outcast"),
    ("A Documentary History of Communism", ["note-1"], "sources", "daniels-documentary-history"),
    # events
    ("banning of factions in 1921", ["cr-8"], "happenings", "ev-ban-on-factions"),
    ("Tenth Congress", ["wg-4"], "happenings", "ev-ctx-10th-congress"),
    ("Twelfth Congress", ["wg-4"], "happenings", "ev-12th-congress"),
    ("Twelfth Party Congress", ["wt-3"], "happenings", "ev-12th-congress"),
    ("Curzon Ultimatum", ["wg-7"], "happenings", "ev-curzon-ultimatum"),
    ("United Front", ["cr-2", "wg-2", "wg-10", "wg-14"], "happenings", "ev-united-front-policy"),
    ("revolution of October 1917", ["wt-10"], "happenings", "ev-october-revolution"),
    ("Russian Revolution", ["wt-11"], "happenings", "ev-october-revolution"),
    ("October Revolution", ["end-2"], "happenings", "ev-october-revolution"),
    ("Chinese Revolution", ["lo-1"], "happenings", "ev-china-1927"),
    ("NEP", ["cr-1", "wt-1", "wg-6", "wg-7", "note-4"], "happenings", "ev-ctx-nep-resolution"),
    ("wildcat strikes", ["wt-12"], "happenings", "ev-strikes-1923"),
    ("strike wave of summer 1923", ["wg-4"], "happenings", "ev-strikes-1923"),
    ("conference held in August in 1928", ["note-5"], "happenings", "ev-august-1928-conference"),
    ("Central Organizational Bureau", ["note-5"], "happenings", "ev-wg-central-organizational-bureau"),
    ("Communist Workers’ Party for Russia", ["wg-13"], "happenings", "ev-miasnikov-cwp-russia"),
    ("foreign bureau", ["wg-14"], "happenings", "ev-wg-kpd-left-contact"),
    # acts of repression
    ("expelled from the party in early 1922", ["wg-4"], "happenings", "ev-miasnikov-expelled"),
    ("imprisonment in Russia of Miasnikov, Kuznetzov", ["wg-3"], "happenings", "ev-miasnikov-kuznetsov-imprisoned"),
    ("a wave of arrests of their leading militants", ["wg-4"], "happenings", "ev-wg-arrests-1923-09"),
    ("brought the full force of the GPU down on the group", ["wt-12"], "happenings", "ev-wt-arrests-1923-09-08"),
    ("the commission which investigated the activities of the Workers’ Opposition", ["lo-1"], "happenings",
     "ev-wo-commission"),
    ("in prison or exile", ["note-3"], "happenings", "ev-miasnikov-prison-exile"),
    ("Now Sapranov has been arrested", ["end-2"], "happenings", "ev-sapronov-rearrest"),
    ("Even exile", ["end-2"], "happenings", "ev-sap-banished-1928"),
    ("in prison", ["lo-10"], "happenings", "ev-irreconcilables-break"),
]

# Capitalised words the essay uses that name no group, person, publication or act of repression.
NOT_ENTITIES = {
    # places (the gazetteer, places.csv, holds those the rows need)
    "Russia", "Germany", "Hungary", "Italy", "Bulgaria", "China", "France", "America", "Berlin", "Moscow",
    "Persia", "Turkey", "Urals", "Warsaw", "Prague", "Peking", "USSR", "Soviet Union",
    # months, and words of dates or references
    "January", "February-March", "May", "June", "August", "October", "December", "Series II", "Ibid",
    # adjectives of nation or current, and the state and its institutions in general
    "Russian", "German", "Dutch", "English", "French", "Soviet", "Soviets", "Bolshevik", "Bolsheviks", "Bolshevism",
    "Stalinism", "Stalinist", "Trotskyist", "Trotskyists", "Oppositionist", "Opposition", "Left Oppositionists",
    "Communist Party", "Parliament", "Power", "Proletariat", "Socialist Fatherland",
    # social categories inside a quotation of the Appeal (wt-2), and its list of places for propaganda
    # circles (cr-8): the Communist Union of Youth is named as a place to agitate, not as an actor
    "Nepmen", "Communist Union of Youth",
    # the Manifesto's pun on the NEP (wg-6)
    "Nep", "New Exploitation",
    # the secret police: the agent of every act of repression (repression_kinds.csv quotes cr-9); the
    # groups table has no kind for an organ of the state
    "GPU",
    # words that start a sentence or a quotation, or a section of a title
    "The", "This", "Such", "At", "Of", "Quoted", "Reproduced", "However", "WD", "Platform", "Congresses",
    "Central Bureau", "Dreadnought", "Workers", "Fifteen", "Comrade",
    # words that open a sentence and that the essay writes nowhere in lower case
    "Prisoners", "Internationally", "Coupled", "Finally", "Similarly", "Significantly", "Nowhere", "Escaping",
    "According", "Disgusted", "I",
    # the initials of 'E.H. Carr' (wt-4), split at the full stops
    "E", "H",
}

CONNECTORS = ("of", "the", "du", "and", "for", "in", "to")
CAPITALISED = re.compile(r"[A-Z][\w’'\-]*(?:\s+(?:(?:%s)\s+)*[A-Z][\w’'\-]*)*" % "|".join(CONNECTORS))
SENTENCE_START = re.compile(r"(^|[.?!:;“‘(]\s*|--\s*)$")


def normal(text: str) -> str:
    return text.replace("'", "’")


def key(words: str) -> str:
    """Words as compared: a possessive or a closing quotation mark at the end of a word dropped."""
    return " ".join(re.sub(r"’s?$", "", t) for t in normal(words).split())


def atoms() -> set[str]:
    return {key(words) for words in NOT_ENTITIES} | {key(words) for words, *_ in NAMED}


def covered(name: str) -> bool:
    """Whether a run of capitalised words splits wholly into names on the checked list, words that name
    nothing, and the small words between them ('Lenin and Trotsky', 'Manifesto in Germany')."""
    known = atoms()
    tokens = key(name).split()
    i = 0
    while i < len(tokens):
        if tokens[i] in CONNECTORS:
            i += 1
            continue
        for j in range(len(tokens), i, -1):  # the longest known name from here
            if " ".join(tokens[i:j]) in known:
                i = j
                break
        else:
            return False
    return True


def ordinary_words() -> set[str]:
    """Words the essay also writes in lower case: at the start of a sentence they name nothing."""
    return {w for text in texts().values() for w in re.findall(r"\b[a-z][a-z’'\-]*\b", normal(text))}


def names_in(text: str, ordinary: set[str]):
    """The capitalised runs of a paragraph, each with its readings: where a run opens a sentence, its
    first word may be an ordinary word ('Thus', 'Despite the ...'), so the run without it is a reading too."""
    for match in CAPITALISED.finditer(text):
        words = match.group(0)
        readings = [words]
        if SENTENCE_START.search(text[:match.start()]) and words.split()[0].lower() in ordinary:
            rest = re.sub(r"^(?:(?:%s)\s+)+" % "|".join(CONNECTORS), "", " ".join(words.split()[1:]))
            readings.append(rest)
        yield words, readings


def test_the_checked_list_quotes_the_essay():
    essay = {label: normal(text) for label, text in texts().items()}
    for words, labels, _, _ in NAMED:
        for label in labels:
            assert normal(words) in essay[label], f"{words!r} is not in paragraph {label}"


def test_every_name_on_the_list_has_a_row():
    ids = {"groups": set(load("groups")["group_id"]), "people": set(load("people")["person_id"]),
           "happenings": set(load("happenings")["happening_id"]), "sources": set(load("sources")["source_id"])}
    missing = [(words, table, row) for words, _, table, row in NAMED if row not in ids[table]]
    assert not missing, missing


def test_every_happening_on_the_list_is_attested():
    attested = set(load("attestations")["happening_id"])
    assert not [row for _, _, table, row in NAMED if table == "happenings" and row not in attested]


def test_every_capitalised_name_in_the_essay_is_accounted_for():
    unaccounted, ordinary = {}, ordinary_words()
    for label, text in texts().items():
        for words, readings in names_in(normal(text), ordinary):
            if not any(covered(r) for r in readings):
                unaccounted.setdefault(words, []).append(label)
    assert not unaccounted, f"names the essay uses with no entry in NAMED or NOT_ENTITIES: {unaccounted}"


def test_an_unlisted_name_fails(monkeypatch):
    """The completeness check can fail: take the Mensheviks off the list and it finds them."""
    monkeypatch.setattr(__import__(__name__), "NAMED", [n for n in NAMED if n[3] != "mensheviks"])
    assert not covered("Mensheviks")
    assert covered("Lenin and Trotsky") and covered("Manifesto in Germany")
    # a name that opens a sentence is not taken for an ordinary word
    assert [r for _, r in names_in("Mensheviks were there. Thus it began.", ordinary_words())] == [
        ["Mensheviks"], ["Thus", ""]]
