"""The edition's small helper package. What is where:

For the notebooks (and students):
    data.py        load("events") and friends: typed, validated tables from data/
    validate.py    the checks behind `make validate`, one readable line per problem
    charts.py      the house chart style, and helpers that draw date ranges and disputes
    essay.py       the essay's labelled paragraphs as a table
    checks/        "Check your answer" (public.py) and hand_in (handin.py); hidden.py is for grading

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
    datadict.py    the data dictionary on "About the data"
    whoswho.py     the "Who's who" page from the people table
    datanodes.py   how those two build their nodes: data is only ever text, never parsed as markup
    teaching.py    objectives, questions, exercises and solutions (hidden, shown, or left out of print)
    student_notebook.py  the .ipynb downloads for students
    latex.py, endnotes.py, epub.py   the PDF and EPUB editions

Tools:
    bibliography.py  writes references.bib from data/sources.csv
    classroom.py     the zips: one per notebook page, the classroom zip, the teacher's zip
    grade.py         `make grade SUBMISSIONS=folder`: grades.csv and feedback from a folder of hand-ins
"""
