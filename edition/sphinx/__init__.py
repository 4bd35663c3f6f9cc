"""The book's one Sphinx extension (`extra_extensions: [edition.sphinx]` in _config.yml), by concern:
book/ (the plug-ins every edition shares), web/ (the HTML book), print/ (the EPUB and the Typst
PDFs), classroom/ (exercises and solutions, notebook downloads, launch buttons). What the
notebooks, the zips and the grader run is the plain package around it (edition/__init__.py):
nothing here is imported by it. `setup` below registers every plug-in, once, in this order.
"""
PLUG_INS = [
    "edition.sphinx.book.folders",             # where the data and chapters are: settings, from the book's folder
    "edition.sphinx.book.labels",              # paragraph labels, note anchors, editorial titles
    "edition.sphinx.book.bibliography",        # the list of works (its own page in print)
    "edition.sphinx.print.epub",               # the EPUB: no scripts, its own CSS, a table of contents in parts
    "edition.sphinx.print.typst",              # the Typst editions: tagged PDF/UA-1
    "edition.sphinx.book.figures",             # the figure record: what each chart draws
    "edition.sphinx.book.print_wording",       # print says where to look, never "hover"
    "edition.sphinx.book.apparatus",           # text and data linked both ways
    "edition.sphinx.web.reading",              # reading layers, quiet glossary links
    "edition.sphinx.web.cite",                 # cite any paragraph: CSL citations, citation_* meta tags, files
    "edition.sphinx.web.address",              # the public address: canonical links, OpenGraph, sitemap.xml
    "edition.sphinx.web.search",               # search with every spelling of a name, snippets from disk
    "edition.sphinx.web.previews",             # previews of every internal link (hover, focus, tap)
    "edition.sphinx.book.plotly_outputs",      # charts: plotly JSON on the web, PNGs in print
    "edition.sphinx.web.vendored",             # plotly.js's basic bundle and Font Awesome's used icons, from npm
    "edition.sphinx.web.stills",               # each chart's still, shown until plotly.js has drawn it
    "edition.sphinx.book.freshness",           # a notebook runs again when what it read changes
    "edition.sphinx.book.warned",              # after a failed build, the pages that warned are read again
    "edition.sphinx.book.datadict",            # the data dictionary
    "edition.sphinx.book.marking",             # the teacher's guide's table of exercises and points
    "sphinx_exercise",                         # exercises and solutions
    "edition.sphinx.classroom.teaching",       # solutions hidden, shown or left out; students' notebooks
    "edition.sphinx.classroom.launch",         # Colab and JupyterHub (nbgitpuller) buttons; the kit they open
    "edition.sphinx.book.whoswho",             # the who's who
    "edition.sphinx.book.templates",           # the theme's templates compiled once, not in every build
]


def setup(app):
    for name in PLUG_INS:
        app.setup_extension(name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
