"""The web book as read: reading layers, previews, citations, search, static scripts, the page template."""
