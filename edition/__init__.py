"""The edition's helper package. Its folders are named for whom they serve, in layers: a module
imports only from its own layer or the ones above it in this list (tests/test_layout.py checks it).

1. paths.py          where this repository's parts are (for the notebooks, the zips, build.py),
                     and the patterns of paragraph and note labels
2. essay.py          the one parser of the essay's chapter files      (notebooks, plug-ins, validator)
   readlog.py        what a notebook's kernel reads, for the freshness check
   derived.py        derived files rewritten only when their inputs changed, atomically
3. data/             the dataset: `load("events")`, `make validate` (`python -m edition.data`)
   charts.py         the house chart style: `charts.use()`, one colour per category (notebooks)
   maps.py           maps that carry their own coastlines (coastline-110m.json; no request)
   checks/           "Check your answer" cells (public.py), hand_in (handin.py); hidden.py grades
4. book/             the Sphinx plug-ins every edition shares: the book's folders as settings read
                     against app.srcdir (folders.py: no plug-in takes a folder from paths.py),
                     paragraph labels, chart outputs and the figure record (what each chart
                     draws), the apparatus linking text and data, the who's who and data
                     dictionary, the bibliography, notebook freshness, notebooks executed side by side
5. web/              the HTML book as read: reading layers, previews of every link, citations of
                     every paragraph, search with every spelling, static scripts, `make serve`
   print/            the EPUB, the Typst editions (the PDF, the reading edition, the handouts);
                     assets/ for their styles
   classroom/        exercises and solutions in the book, the students' notebooks, the zips
   grade/            `make grade SUBMISSIONS=folder`: each hand-in run in a sandbox, the checks run
                     here on its answers as data: grades.csv, gradebook exports, feedback, marking sheet
6. build.py          the front door: `python -m edition.build html|pdf|epub|...` (make book, pdf, ...)

This package is also the book's one Sphinx extension (`extra_extensions: [edition]` in
_config.yml): `setup` below registers every plug-in, once, in this order.
"""

PLUG_INS = [
    "edition.book.folders",         # where the data and chapters are: settings, from the book's folder
    "edition.book.labels",          # paragraph labels, note anchors, editorial titles
    "edition.book.bibliography",    # the list of works (its own page in print)
    "edition.print.epub",           # the EPUB: no scripts, its own CSS, a table of contents in parts
    "edition.print.typst",          # the Typst editions: tagged PDF/UA-1
    "edition.book.figures",         # the figure record: what each chart draws
    "edition.book.print_wording",   # print says where to look, never "hover"
    "edition.book.apparatus",       # text and data linked both ways
    "edition.web.reading",          # reading layers, quiet glossary links
    "edition.web.cite",             # cite any paragraph: CSL citations, citation_* meta tags, files
    "edition.web.address",          # the public address: canonical links, OpenGraph, sitemap.xml
    "edition.web.search",           # search with every spelling of a name, snippets from disk
    "edition.web.previews",         # previews of every internal link (hover, focus, tap)
    "edition.book.plotly_outputs",  # charts: plotly JSON on the web, PNGs in print
    "edition.web.vendored",         # plotly.js's basic bundle and Font Awesome's used icons, from npm
    "edition.web.stills",           # each chart's still, shown until plotly.js has drawn it
    "edition.book.freshness",       # a notebook runs again when what it read changes
    "edition.book.datadict",        # the data dictionary
    "edition.book.marking",         # the teacher's guide's table of exercises and points
    "sphinx_exercise",              # exercises and solutions
    "edition.classroom.teaching",   # solutions hidden, shown or left out; students' notebooks
    "edition.classroom.launch",     # Colab and JupyterHub (nbgitpuller) buttons; the kit they open
    "edition.book.whoswho",         # the who's who
    "edition.book.templates",       # the theme's templates compiled once, not in every build
]


def setup(app):
    for name in PLUG_INS:
        app.setup_extension(name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
