"""docs/READING.md and its Chinese twin: every `file:line` anchor points at the definition it
names, so the guide cannot silently rot when the code moves."""
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUIDES = ["docs/READING.md", "docs/READING.zh.md"]
ANCHOR = re.compile(r"`([\w/.]+\.py):(\d+)` `(class|def) (\w+)`(?: in `(\w+)`)?")


def anchors(guide):
    with open(os.path.join(ROOT, guide), encoding="utf-8") as f:
        return ANCHOR.findall(f.read())


def check(path, line, kind, name, owner):
    """None when line ``line`` of ``path`` defines ``name`` (inside class ``owner``)."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    n = int(line)
    if not 1 <= n <= len(lines) or not re.match(rf"\s*{kind} {name}\b", lines[n - 1]):
        return f"{path}:{line} is not `{kind} {name}`"
    if owner:
        classes = [ln for ln in lines[:n - 1] if ln.startswith("class ")]
        if not classes or not re.match(rf"class {owner}\b", classes[-1]):
            return f"{path}:{line} `{kind} {name}` is not in class {owner}"
    return None


@pytest.mark.parametrize("guide", GUIDES)
def test_every_anchor_points_at_its_definition(guide):
    found = anchors(guide)
    assert len(found) >= 15, "the guide lost its anchors"
    errors = [e for e in (check(*a) for a in found) if e]
    assert errors == [], f"{guide}: update these anchors:\n" + "\n".join(errors)


def test_both_languages_anchor_the_same_places():
    assert anchors(GUIDES[0]) == anchors(GUIDES[1])


def test_the_checker_catches_a_moved_definition():
    assert check("tinygrad_edu/ops/linalg.py", "1", "class", "MatMul", None)
    path, line, kind, name, owner = anchors(GUIDES[0])[0]
    assert check(path, str(int(line) + 1), kind, name, owner)


def test_the_readme_links_the_guide_first():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    first_link = re.search(r"\]\(([^)]+)\)", readme).group(1)
    assert first_link == "docs/READING.md"
