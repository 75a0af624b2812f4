"""`python -m cwlgen.cli` runs the command-line interface (like `python -m cwlgen`)."""

from cwlgen.cli import entry

entry()
