"""The web book as read: reading layers, static scripts, `make serve`."""
