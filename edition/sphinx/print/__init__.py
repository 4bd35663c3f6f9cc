"""The printed editions: the Typst PDFs (the whole edition, the reading edition, the handouts) and the EPUB; the EPUB's style in assets/."""
