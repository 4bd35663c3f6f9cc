"""The printed editions: LaTeX (the PDF), endnotes, EPUB; their styles in assets/."""
