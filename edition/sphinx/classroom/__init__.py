"""The classroom in the book: exercises and solutions (hidden, shown or left out), each notebook page's download, the launch buttons."""
