"""The one place cwlgen's version is written: pyproject.toml reads it from here at build time,
and `cwlgen.__version__` / `cwlgen --version` report it."""

__version__ = "0.1.0"
