"""What the interpreter looked like before cwlgen changed anything: `sys.path` as Python set
it up, before target loading put a pipeline's folders in front. An engine started as a fork
of this process (cwlgen.runners.forked) imports with this path, as a new `python` would."""

import sys

#: sys.path when cwlgen was first imported
PATH: tuple[str, ...] = tuple(sys.path)
