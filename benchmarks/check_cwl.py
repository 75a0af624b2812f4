"""`cwlgen check` vs `cwltool --validate` on hand-written CWL: CPU time and verdicts.

Documents: the seed pipelines' 2018 CWL (tests/fixtures/seed, plus `--extra DIR` for more,
e.g. a presto-cwl checkout) and the CWL v1.2 conformance suite (../shared/conformance beside
the repository, or $CWLGEN_CONFORMANCE_SUITE). Both tools run as a fresh process per document
(what a CI job or pre-commit hook pays); cwlgen also checks each set in one process, as
`cwlgen check FOLDER` does. CPU time is the children's user+system time, measured in this run.
A verdict is "invalid" when the tool exits non-zero (cwltool) or reports an error (cwlgen).

    python benchmarks/check_cwl.py            # seed + whole suite (about 5 min of CPU here)
    python benchmarks/check_cwl.py --quick    # seed + the first 30 suite documents
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], cwd: Path) -> tuple[int, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = cpu_children()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=600, check=False)
    return proc.returncode, cpu_children() - before


def documents(folder: Path) -> list[Path]:
    """Every .cwl file: a hand-written tool is a document of its own."""
    return sorted(p for p in folder.rglob("*.cwl") if not any(
        part.startswith(".") for part in p.relative_to(folder).parts))


def compare(name: str, folder: Path, docs: list[Path]) -> list[str]:
    cwltool_cpu = cwlgen_cpu = 0.0
    disagree = []
    invalid_cwltool = invalid_cwlgen = 0
    for doc in docs:
        rel = str(doc.relative_to(folder))
        code_v, cpu_v = timed([str(BIN / "cwltool"), "--validate", rel], folder)
        code_c, cpu_c = timed([sys.executable, "-m", "cwlgen", "check", rel], folder)
        cwltool_cpu += cpu_v
        cwlgen_cpu += cpu_c
        invalid_cwltool += code_v != 0
        invalid_cwlgen += code_c != 0
        if (code_v != 0) != (code_c != 0):
            disagree.append(f"  {name}/{rel}: cwltool {'invalid' if code_v else 'valid'}, "
                            f"cwlgen {'invalid' if code_c else 'valid'}")
    _, one_process = timed([sys.executable, "-m", "cwlgen", "check",
                            *[str(d.relative_to(folder)) for d in docs]], folder)
    lines = [
        f"{name}: {len(docs)} documents",
        f"  cwltool --validate, one process each: {cwltool_cpu:7.2f} s CPU "
        f"({cwltool_cpu / len(docs) * 1000:.0f} ms/doc), {invalid_cwltool} invalid",
        f"  cwlgen check,       one process each: {cwlgen_cpu:7.2f} s CPU "
        f"({cwlgen_cpu / len(docs) * 1000:.0f} ms/doc), {invalid_cwlgen} invalid "
        f"-> {cwltool_cpu / cwlgen_cpu:.1f}x less CPU",
        f"  cwlgen check,       all in one process: {one_process:7.2f} s CPU "
        f"-> {cwltool_cpu / one_process:.1f}x less CPU than cwltool",
        f"  verdicts differ on {len(disagree)} document(s)" + (":" if disagree else ""),
        *disagree,
    ]
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="only 30 suite documents")
    p.add_argument("--extra", type=Path, action="append", default=[],
                   help="another folder of hand-written CWL (e.g. a presto-cwl checkout)")
    p.add_argument("--suite", type=Path, default=Path(os.environ.get(
        "CWLGEN_CONFORMANCE_SUITE", ROOT.parent / "shared" / "conformance")))
    args = p.parse_args()
    sets = [(f"seed/{d.name}", d) for d in sorted((ROOT / "tests/fixtures/seed").iterdir())
            if d.is_dir()]
    sets += [(f"extra/{d.name}", d.resolve()) for d in args.extra]
    report: list[str] = []
    for name, folder in sets:
        report += compare(name, folder, documents(folder))
    suite = args.suite / "tests"
    if suite.is_dir():
        docs = documents(suite)
        report += compare("conformance suite", suite, docs[:30] if args.quick else docs)
    else:
        report.append(f"(no conformance suite at {args.suite}: skipped)")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
