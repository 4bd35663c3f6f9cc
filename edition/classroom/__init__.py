"""The classroom kit: the students' notebooks (no solutions), `make classroom`'s zips and the notes they carry (no Sphinx)."""
