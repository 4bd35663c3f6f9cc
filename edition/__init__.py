"""The edition's small helper package. What is where:

For the notebooks (and students):
    data.py        load("events") and friends: typed, validated tables from data/
    validate.py    the checks behind `make validate`, one readable line per problem
    charts.py      the house chart style, and helpers that draw date ranges and disputes
    essay.py       the essay's labelled paragraphs as a table
    maps.py        maps that carry their own coastlines (no request at draw time)

The build (make book, pdf, epub, serve):
    build.py       the front door: one build at a time, data checked first, staged build
                   published only when it all succeeded
    serve.py       `make serve`
    readlog.py     what a notebook's kernel read, so freshness.py knows when to run it again

Sphinx plug-ins (loaded from _config.yml; edition.book loads the rest):
    book.py        paragraph labels, note anchors, editorial page titles
    plotly_html.py plotly charts offline: one shared plotly.js, PNGs for print
    freshness.py   re-runs a notebook when a file it read, or the edition package, changes
    apparatus.py   text and data linked both ways: editor's notes on disputes, data behind paragraphs,
                   every box after the whole passage it concerns
    web.py         the web book as read: reading layers, quiet glossary links, one search box
    previews.py    previews of every internal link (hover, focus, tap), embedded at build time
    cite.py        cite any paragraph: CSL citations, citation_* meta tags, BibTeX/RIS/CSL-JSON
    search.py      the search index with every spelling of a name, and snippets, from disk
    datadict.py    the data dictionary on "About the data"
    whoswho.py     the "Who's who" page from the people table
    datanodes.py   how those two build their nodes: data is only ever text, never parsed as markup
    teaching.py    objectives, questions, exercises and solutions (hidden, shown, or left out of print)
    student_notebook.py  the .ipynb downloads for students
    latex.py, endnotes.py, epub.py   the PDF and EPUB editions

Tools:
    bibliography.py  writes references.bib from data/sources.csv
    classroom.py     `make classroom`: the zip for lab machines
"""
