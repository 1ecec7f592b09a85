"""The README stands alone: every link in it (and in docs/) stays inside the repository
and finds its file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import REPO

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def wrong_links(page: Path, root: Path) -> list[str]:
    wrong = []
    for target in LINK.findall(page.read_text()):
        path = target.split("#", 1)[0]
        if not path:
            continue  # an anchor on the same page
        if "://" in target or target.startswith(("/", "mailto:")):
            wrong.append(f"{target}: points outside the repository")
            continue
        resolved = (page.parent / path).resolve()
        if not resolved.is_relative_to(root.resolve()):
            wrong.append(f"{target}: points outside the repository")
        elif not resolved.exists():
            wrong.append(f"{target}: no such file")
    return wrong


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_stay_in_the_repository(page):
    assert wrong_links(page, REPO) == []


def test_the_check_sees_links_outside(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "product.md").write_text("")
    page = tmp_path / "README.md"
    page.write_text(
        "[brief](../shared/brief.md), [web](https://example.org/), [gone](docs/gone.md), "
        "[fine](docs/product.md#who) and [here](#here)"
    )
    assert wrong_links(page, tmp_path) == [
        "../shared/brief.md: points outside the repository",
        "https://example.org/: points outside the repository",
        "docs/gone.md: no such file",
    ]
