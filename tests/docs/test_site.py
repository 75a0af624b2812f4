"""The documentation site builds with `mkdocs build --strict` (broken links, missing pages,
unresolvable API references and hook errors all fail), and the generated pages hold what
they are generated from."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MKDOCS = Path(sys.executable).parent / "mkdocs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([str(MKDOCS), "build", "--strict", "--site-dir", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_cli_reference_is_rendered_from_the_parser(site: Path) -> None:
    from cwlgen.cli import main  # noqa: F401  (the page is built from this parser)

    page = (site / "reference" / "cli.html").read_text()
    assert "cli-reference" not in page
    for command in ("build", "check", "run", "resources"):
        assert f"usage: cwlgen {command}" in page
    assert "--cache DIR" in page


def test_api_reference_documents_the_public_names(site: Path) -> None:
    import cwlgen

    page = (site / "reference" / "api.html").read_text()
    for name in cwlgen.__all__:
        assert f'id="cwlgen.{name}"' in page, name


def test_every_docs_page_is_in_the_site(site: Path) -> None:
    pages = sorted(p.relative_to(REPO / "docs").with_suffix(".html")
                   for p in (REPO / "docs").rglob("*.md"))
    assert pages
    for page in pages:
        assert (site / page).is_file(), page


def test_pages_of_features_not_merged_get_a_stand_in_and_real_pages_win(site: Path) -> None:
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from docs_hooks import PENDING
    finally:
        sys.path.remove(str(REPO / "scripts"))
    for page in PENDING:
        built = (site / page).with_suffix(".html").read_text()
        stand_in = "which this build of the documentation does not include" in built
        assert stand_in == (not (REPO / "docs" / page).exists()), page


def test_every_code_has_its_short_anchor_where_sarif_links_point(site: Path) -> None:
    """SARIF help links are `<Documentation URL>diagnostics.html#cg201`: the built page has
    that id on each code's heading, and the site is published where pyproject.toml says."""
    from cwlgen.cli.machine_formats import sarif_rules, site_anchor
    from cwlgen.messages import MESSAGES

    page = (site / "diagnostics.html").read_text()
    ids = re.findall(r'<a id="(cg\d{3})"></a>(?:</p>)?\s*<h3 id="(cg\d{3})-', page)
    assert sorted(short for short, _ in ids) == sorted(site_anchor(code) for code in MESSAGES)
    assert all(short == long for short, long in ids)
    documentation = re.search(r'^Documentation = "(\S+)"$',
                              (REPO / "pyproject.toml").read_text(), re.M)[1]
    site_url = re.search(r"^site_url: (\S+)$", (REPO / "mkdocs.yml").read_text(), re.M)
    assert site_url and site_url[1] == documentation
    rule = next(r for r in sarif_rules(documentation.rstrip("/") + "/diagnostics.html")
                if r["id"] == "CG201")
    assert rule["helpUri"] == "https://cwlgen.github.io/cwlgen/diagnostics.html#cg201"
