"""Expected diagnostics written as comments in fixture modules, mypy-style:

    x = head(txt=text)  # E: CG203 CG204 "did you mean 'text'?"
    image(ms=ms)        # W: CG302
    lines: int = 10,    # N: parameter 'lines' of 'head' is declared here
"""

from __future__ import annotations

import re
import tokenize
from collections import Counter
from pathlib import Path

_MARK = re.compile(r"(?<![A-Za-z])([EWN]):\s*")
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(CG\d{3})|(\S+)')


class Expectations:
    """What the `# E:` / `# W:` / `# N:` comments of one fixture file promise."""

    def __init__(self, path: Path) -> None:
        self.codes: Counter[tuple[int, str, str]] = Counter()  # (line, code, severity)
        self.texts: list[tuple[int, str]] = []  # (line, text in a message on that line)
        self.notes: list[tuple[int, str]] = []  # (line, text of a note pointing there)
        with path.open("rb") as fh:
            comments = [(tok.start[0], tok.string) for tok in tokenize.tokenize(fh.readline)
                        if tok.type == tokenize.COMMENT]
        for lineno, comment in comments:
            marks = list(_MARK.finditer(comment))
            for i, mark in enumerate(marks):
                end = marks[i + 1].start() if i + 1 < len(marks) else len(comment)
                body = comment[mark.end():end].strip()
                if mark.group(1) == "N":
                    self.notes.append((lineno, body))
                    continue
                severity = "error" if mark.group(1) == "E" else "warning"
                for quoted, code, other in _TOKEN.findall(body):
                    if code:
                        self.codes[(lineno, code, severity)] += 1
                    elif quoted:
                        self.texts.append((lineno, quoted.replace('\\"', '"')))
                    else:
                        raise AssertionError(f"{path}:{lineno}: cannot read marker {other!r}")
