"""The `cwlgen` command line: the parser, one module per subcommand, target loading and the
formatting of reports. Kept import-light: only the subcommand asked for is imported."""

from cwlgen.cli.parser import entry, main

__all__ = ["entry", "main"]
