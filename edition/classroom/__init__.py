"""The classroom: exercises and solutions in the book, the students' notebooks, `make classroom`."""
