"""`python -m cwlgen` runs the command-line interface."""

from cwlgen.cli import entry

entry()
