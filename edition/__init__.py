"""The edition's package, in two sides that a folder name tells apart.

The plain side (this folder, but sphinx/) is what the notebooks, the classroom zips and the grader
import: no Sphinx in it, so it runs in a student's kernel with pandas and plotly alone. The Sphinx
side (sphinx/) is the book's one Sphinx extension (`extra_extensions: [edition.sphinx]` in
_config.yml): the plug-ins that build the web book, the PDFs and the EPUB; its __init__.py lists
them. The plain side never imports the Sphinx side, and within each a module imports only from its
own layer or a lower one (tests/test_layout.py checks both).

The plain side
1. paths.py          where this repository's parts are (for the notebooks, the zips, build.py),
                     and the patterns of paragraph and note labels
2. essay.py          the one parser of the essay's chapter files      (notebooks, plug-ins, validator)
   readlog.py        what a notebook's kernel reads, for the freshness check
   derived.py        derived files rewritten only when their inputs changed, atomically
3. data/             the dataset: `load("events")`, `make validate` (`python -m edition.data`)
   charts.py         the house chart style: `charts.use()`, one colour per category (notebooks)
   maps.py           maps that carry their own coastlines (coastline-110m.json; no request)
   checks/           "Check your answer" cells (public.py), hand_in (handin.py); hidden.py grades
4. classroom/        the students' notebooks (no solutions), the zips (`make classroom`), the kit's
                     notes (HOWTO.md, GRADING.md, requirements.txt)
   grade/            `make grade SUBMISSIONS=folder`: each hand-in run in a sandbox, the checks run
                     here on its answers as data: grades.csv, gradebook exports, feedback, marking sheet

The Sphinx side: sphinx/
5. sphinx/book/      the plug-ins every edition shares: the book's folders as settings read
                     against app.srcdir (folders.py: no plug-in takes a folder from paths.py),
                     paragraph labels, chart outputs and the figure record (what each chart
                     draws), the apparatus linking text and data, the who's who and data
                     dictionary, the bibliography, notebook freshness, notebooks executed side by side
6. sphinx/web/       the HTML book as read: reading layers, previews of every link, citations of
                     every paragraph, search with every spelling, static scripts, the page template
   sphinx/print/     the EPUB, the Typst editions (the PDF, the reading edition, the handouts);
                     assets/ for their styles
   sphinx/classroom/ exercises and solutions in the book (hidden, shown or left out), each
                     notebook page's download, the Colab and JupyterHub launch buttons

The commands, which use both sides
7. build.py          the front door: `python -m edition.build html|pdf|epub|...` (make book, pdf, ...):
                     checks the data with the plain side, then runs Sphinx with the extension
   serve.py          `make serve` and `make watch`'s web server (compressed, live reload): no Sphinx
"""
