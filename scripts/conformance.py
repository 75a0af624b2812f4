#!/usr/bin/env python3
"""Run the CWL v1.2 conformance suite round-tripped through cwlgen and report per tag.

Each test document is imported into Python (`cwlgen import`), built back to CWL and run with
`cwltool --no-container` (scripts/conformance_tool.py is cwltest's `--tool`). The report
counts, per tag and in total: passed; failed; refused at import (the importer named a construct
the DSL cannot express yet: counted apart, also for should_fail tests, whose "pass" only
counts when the rebuilt document ran and failed as the original does).

    python scripts/conformance.py --tags required -j2     # what CI runs (a few minutes)
    python scripts/conformance.py -j2 --report out.md     # all 378 tests (10+ minutes here)

The suite is looked up at ../shared/conformance relative to the repository root (beside the
clone, as in CI), or --suite DIR.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_tests(suite: Path) -> list[dict[str, object]]:
    from cwltest.utils import load_and_validate_tests

    tests, _ = load_and_validate_tests(str(suite / "conformance_tests.yaml"))
    return list(tests)


def select(tests: dict[str, dict[str, object]], tags: str | None,
           names: str | None) -> dict[str, dict[str, object]]:
    wanted_tags = set(tags.split(",")) if tags else None
    wanted_names = set(names.split(",")) if names else None
    return {tid: t for tid, t in tests.items()
            if (wanted_tags is None or wanted_tags & set(t.get("tags") or []))  # type: ignore[call-overload]
            and (wanted_names is None or tid in wanted_names)}


def _entry(test: dict[str, object]) -> dict[str, object]:
    """A test as cwltest reads it, with the short id (absolute tool/job URIs kept)."""
    out = {k: v for k, v in test.items() if k not in ("line",)}
    out["id"] = short(str(test["id"]))
    if "should_fail" in out:
        out["should_fail"] = bool(out["should_fail"])
    return out


def short(test_id: str) -> str:
    return test_id.rpartition("#")[2]


def parse_junit(path: Path) -> dict[str, str]:
    """test id -> passed / failed / unsupported / skipped, from cwltest's JUnit XML."""
    out: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        tid = short(case.get("file") or case.get("name") or "")
        if case.find("failure") is not None or case.find("error") is not None:
            status = "failed"
        elif case.find("skipped") is not None:
            msg = (case.find("skipped").get("message") or "")  # type: ignore[union-attr]
            status = "unsupported" if "nsupported" in msg else "skipped"
        else:
            status = "passed"
        out[tid] = status
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--suite", type=Path, default=Path(os.environ.get(
        "CWLGEN_CONFORMANCE_SUITE", ROOT.parent / "shared" / "conformance")),
        help="the suite folder (default: ../shared/conformance beside the repository, or "
        "$CWLGEN_CONFORMANCE_SUITE)")
    p.add_argument("--tags", help="only tests with these tags (comma-separated)")
    p.add_argument("-j", type=int, default=2, help="parallel tests (default 2)")
    p.add_argument("-s", help="test names (comma-separated)")
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--report", type=Path, help="also write the Markdown report here")
    p.add_argument("--json", type=Path, help="write per-test outcomes as JSON here")
    args = p.parse_args(argv)
    suite = args.suite.resolve()
    if not (suite / "conformance_tests.yaml").is_file():
        print(f"error: no conformance suite at {suite} (expected conformance_tests.yaml); "
              "pass --suite DIR", file=sys.stderr)
        return 2
    tests = {short(str(t["id"])): t for t in load_tests(suite)}
    with tempfile.TemporaryDirectory(prefix="cwlgen-conformance-") as tmp:
        log = Path(tmp) / "outcomes.jsonl"
        junit = Path(tmp) / "junit.xml"
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env["CWLGEN_CONFORMANCE_LOG"] = str(log)
        should_fail = Path(tmp) / "should_fail_tools.json"
        should_fail.write_text(json.dumps(sorted({str(t["tool"]) for t in tests.values()
                                                  if t.get("should_fail")})))
        env["CWLGEN_CONFORMANCE_SHOULD_FAIL"] = str(should_fail)
        # cwltest's JUnit file names tests by their index in the run, so select here and
        # give it a test file holding exactly the selection
        chosen = select(tests, args.tags, args.s)
        selection = Path(tmp) / "selected_tests.yaml"
        # not ASCII-escaped: cwltest reads this as YAML, which does not join JSON's
        # surrogate pairs (an emoji in an expected output would never match)
        selection.write_text(json.dumps([_entry(t) for t in chosen.values()],
                                        ensure_ascii=False), encoding="utf-8")
        cmd = [str(Path(sys.executable).parent / "cwltest"),
               "--test", str(selection),
               "--tool", str(ROOT / "scripts" / "conformance_tool.py"),
               f"-j{args.j}", "--timeout", str(args.timeout), "--junit-xml", str(junit)]
        cmd += ["--", "--no-container"]
        start = time.monotonic()
        subprocess.run(cmd, cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        wall = time.monotonic() - start
        if not junit.is_file():
            print("error: cwltest wrote no results (is cwltest installed?)", file=sys.stderr)
            return 2
        statuses = parse_junit(junit)
        if os.environ.get("CWLGEN_CONFORMANCE_KEEP"):
            import shutil

            shutil.copytree(tmp, os.environ["CWLGEN_CONFORMANCE_KEEP"], dirs_exist_ok=True)
        refused: dict[str, list[str]] = {}
        differently: set[str] = set()
        for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
            rec = json.loads(line)
            if rec["outcome"] == "refused":
                refused[rec["tool"]] = rec["problems"]
            elif rec.get("original_valid") is not None and \
                    rec["original_valid"] != rec["rebuilt_valid"]:
                differently.add(_tool_key(rec["tool"]))
    outcomes = classify(tests, statuses, refused, cwltool_fails(suite), differently)
    text = report(outcomes, tests, wall)
    print(text)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(outcomes, indent=1, sort_keys=True), encoding="utf-8")
    failed = [t for t, o in outcomes.items() if o["outcome"] == "failed"]
    return 1 if failed else 0  # refusals and cwltool's own failures are not regressions


def _tool_key(tool: str) -> str:
    return tool.replace("file://", "")


def cwltool_fails(suite: Path) -> set[str]:
    """Tests cwltool itself does not pass here without a container engine (measured once,
    listed in the suite's analysis/notpass_all.json)."""
    listed = suite / "analysis" / "notpass_all.json"
    if not listed.is_file():
        return set()
    data = json.loads(listed.read_text(encoding="utf-8"))
    return {short(str(t)) for t in (data if isinstance(data, list) else data.keys())}


def classify(tests: dict[str, dict[str, object]], statuses: dict[str, str],
             refused: dict[str, list[str]],
             expected_failures: set[str] = frozenset(),  # type: ignore[assignment]
             differently: set[str] = frozenset(),  # type: ignore[assignment]
             ) -> dict[str, dict[str, object]]:
    """test id -> {outcome: passed|failed|failed-as-cwltool|refused|unsupported, ...}."""
    refused_by_path = {_tool_key(k): v for k, v in refused.items()}
    out: dict[str, dict[str, object]] = {}
    for tid, status in statuses.items():
        test = tests.get(tid)
        if test is None:
            continue
        tool = _tool_key(str(test["tool"]))
        problems = refused_by_path.get(tool) or refused_by_path.get(tool.partition("#")[0])
        if problems is not None:
            outcome = "refused"
        elif status == "passed" and test.get("should_fail") and tool in differently:
            outcome = "failed"  # the rebuilt document failed, but not the way the original does
        elif status == "passed":
            outcome = "passed"
        elif status == "unsupported":
            outcome = "unsupported"
        elif tid in expected_failures:
            outcome = "cwltool fails too"
        else:
            outcome = "failed"
        out[tid] = {"outcome": outcome, "tags": list(test.get("tags") or []),  # type: ignore[call-overload]
                    "should_fail": bool(test.get("should_fail")),
                    "problems": problems or []}
    return out


def report(outcomes: dict[str, dict[str, object]], tests: dict[str, dict[str, object]],
           wall: float) -> str:
    per_tag: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for o in outcomes.values():
        extra = ["(should_fail tests)"] if o["should_fail"] else []
        for tag in [*o["tags"], *extra, "(total)"]:  # type: ignore[misc]
            per_tag[tag][str(o["outcome"])] += 1
            per_tag[tag]["run"] += 1
    lines = [
        f"Conformance round trip (CWL -> cwlgen Python -> CWL -> cwltool --no-container): "
        f"{len(outcomes)} tests, wall {wall:.0f} s",
        "",
        "| tag | tests | passed | failed | failed, as with cwltool | refused at import "
        "| unsupported (exit 33) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tag in sorted(per_tag, key=lambda x: (x.startswith("("), x == "(total)", x)):
        c = per_tag[tag]
        lines.append(f"| {tag} | {c['run']} | {c['passed']} | {c['failed']} "
                     f"| {c['cwltool fails too']} | {c['refused']} | {c['unsupported']} |")
    failed = sorted(t for t, o in outcomes.items() if o["outcome"] == "failed")
    if failed:
        lines += ["", "Failed after a successful import:", ""]
        lines += [f"- `{t}`" + (" (should_fail)" if outcomes[t]["should_fail"] else "")
                  for t in failed]
    reasons: collections.Counter[str] = collections.Counter()
    for o in outcomes.values():
        if o["outcome"] == "refused":
            for p in set(o["problems"]):  # type: ignore[call-overload]
                msg = str(p).split("]: ", 1)[-1].split(": the cwlgen DSL")[0].split(" (")[0]
                reasons[msg[:90]] += 1
    if reasons:
        lines += ["", "Why documents were refused at import (problem: tests):", ""]
        lines += [f"- {r}: {n}" for r, n in reasons.most_common(30)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
