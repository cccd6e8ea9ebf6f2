"""Every lesson as a Jupyter notebook, generated from the lesson's file: one source.

    python -m lessons notebooks [--out DIR] [--check]

writes ``notebooks/lNN_<name>.ipynb`` for every lesson the registry lists. A notebook holds:

1. the title (English and Chinese), the course chapter and the lesson's docstring;
2. its options (``ENGINE``, ``QUICK``, ``LANG``, ``DEVICE``; tagged ``parameters``, each
   read from an environment variable: ``LESSONS_ENGINE``, ``LESSONS_QUICK``, ...);
3. the set-up: ``import tinygrad_edu as torch`` (``# import torch`` switches to PyTorch)
   and a ``lessons.in_notebook.Session`` that gives ``device``, ``say`` and ``opts``;
4. the lesson's own code, one cell per import block, constant block, function and class
   (relative imports become ``from lessons import ...``);
5. ``result = lesson.run(run)``: the lesson runs with its narration, progress bars, graphs,
   plots and backward step-through shown inline.

The notebooks are committed without outputs; ``tests/test_notebooks.py`` fails when one
is out of date with its lesson (cell sources compared, outputs ignored), so after editing a
lesson run ``python -m lessons notebooks`` (``make notebooks``). ``--check`` only reports.
"""
import ast
import json
import re
import sys
from pathlib import Path

from .registry import LESSONS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COMMAND = "python -m lessons notebooks"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}
MARK = "tinygrad_edu"   # the notebook metadata key that says it was generated


def lesson_file(lesson):
    return Path(__file__).resolve().parent / f"{lesson.module}.py"


def notebook_name(lesson):
    return f"{lesson.module}.ipynb"


# -- the lesson's code, cut into cells ----------------------------------------------------
RELATIVE = re.compile(r"^(\s*)from \.([\w.]*) import", re.M)


def absolute_imports(code):
    """``from . import common`` -> ``from lessons import common``; ``from .x import y`` ->
    ``from lessons.x import y`` (a notebook is not inside the package)."""
    return RELATIVE.sub(lambda m: f"{m.group(1)}from lessons{'.' if m.group(2) else ''}"
                                  f"{m.group(2)} import", code)


def _kind(node):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "import"
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return "definition"
    return "statement"


def _main_guard(node):
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def split_source(source):
    """``(docstring, cells)``: the module docstring and the code after it as cell texts: the
    imports together, consecutive plain statements together, each function and class
    alone; the comments above a block go with it. ``if __name__ == ...`` is left out."""
    tree = ast.parse(source)
    lines = source.splitlines()
    body = list(tree.body)
    docstring = ast.get_docstring(tree, clean=True) or ""
    done = 0   # lines [0, done) are used
    if docstring and body:
        done = body.pop(0).end_lineno
    groups = []
    for node in body:
        kind = _kind(node)
        if groups and kind != "definition" and groups[-1][0] == kind:
            groups[-1][1].append(node)
        else:
            groups.append((kind, [node]))
    cells = []
    for kind, nodes in groups:
        end = nodes[-1].end_lineno
        if not _main_guard(nodes[0]):
            text = "\n".join(lines[done:end]).strip("\n")
            if text.strip():
                cells.append(absolute_imports(text))
        done = end
    return docstring, cells


# -- the notebook ----------------------------------------------------------------------------
def _lines(text):
    """nbformat's source: a list of lines, each but the last ending in a newline."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _cell(kind, cell_id, text, tags=None):
    cell = {"cell_type": kind, "id": cell_id, "metadata": {"tags": tags} if tags else {},
            "source": _lines(text)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _intro(lesson, docstring):
    paragraphs = docstring.split("\n\n")
    if paragraphs and paragraphs[0].lstrip().startswith("Lesson"):
        paragraphs = paragraphs[1:]   # its first line repeats the title
    marks = " · draws its computational graph" if lesson.graph else ""
    return "\n".join([
        f"# Lesson {lesson.code} · {lesson.title}",
        f"## 第 {lesson.code} 课 · {lesson.title_zh}",
        "",
        f"Course: {lesson.source}{marks}.",
        "",
        "\n\n".join(p.strip() for p in paragraphs if p.strip()),
        "",
        f"*Generated from `lessons/{lesson.module}.py` by `{COMMAND}`: edit the lesson file, "
        f"not this notebook. To run it elsewhere (Colab), install tinygrad_edu first: see "
        f"README, \"In a notebook / Colab\".*",
    ]).replace("\n\n\n", "\n\n")


PARAMETERS = '''\
# The options (the tests set them through environment variables):
import os
ENGINE = os.environ.get("LESSONS_ENGINE", "edu")     # "edu": tinygrad_edu, "torch": real PyTorch
QUICK = os.environ.get("LESSONS_QUICK", "0") == "1"  # True: few epochs, little data
LANG = os.environ.get("LESSONS_LANG", "en")          # the narration: "en" or "zh"
DEVICE = os.environ.get("LESSONS_DEVICE", "cpu")     # "cuda" needs real PyTorch and a GPU'''

SETUP = '''\
import tinygrad_edu as torch      # the course's code runs on tinygrad_edu ...
# import torch                    # ... and, unchanged, on real PyTorch: uncomment this line
if ENGINE == "torch":
    import torch

from lessons.in_notebook import Session
lesson = Session({number}, torch, device=DEVICE, quick=QUICK, lang=LANG)
device, say, opts = lesson.device, lesson.say, lesson.opts'''

CODE_INTRO = '''\
## The lesson's code

`lessons/{module}.py`, as it is. `run(torch, device, say, opts)` is the lesson; `say(...)` \
narrates (English, or Chinese with `LANG = "zh"`), `say.result(...)` prints a result, \
`opts` carries the options (quick mode, plots, graph). Change a cell and run it again to \
try something else.'''

RUN_INTRO = '''\
## Run it

`run(torch, device, say, opts)`, seeded and timed as `python -m lessons run {code}` runs \
it: the narration, progress bars, plots{graph} show below; files go to `out/`.'''


def notebook(lesson):
    """The notebook of ``lesson`` (a registry entry), as a dict in nbformat 4.5."""
    docstring, code = split_source(lesson_file(lesson).read_text(encoding="utf-8"))
    stem = lesson.module
    graph = ", its computational graph and its backward pass step by step" if lesson.graph \
        else ""
    cells = [_cell("markdown", f"{stem}-intro", _intro(lesson, docstring)),
             _cell("code", f"{stem}-options", PARAMETERS, tags=["parameters"]),
             _cell("code", f"{stem}-setup", SETUP.format(number=lesson.number)),
             _cell("markdown", f"{stem}-code", CODE_INTRO.format(module=stem))]
    cells += [_cell("code", f"{stem}-{i + 1}", text) for i, text in enumerate(code)]
    cells += [_cell("markdown", f"{stem}-run-intro",
                    RUN_INTRO.format(code=lesson.code, graph=graph)),
              _cell("code", f"{stem}-run", "result = lesson.run(run)\nresult[\"metrics\"]")]
    return {"cells": cells,
            "metadata": {"kernelspec": dict(KERNEL),
                         "language_info": {"name": "python"},
                         MARK: {"lesson": lesson.number,
                                "generated_from": f"lessons/{lesson.module}.py",
                                "by": COMMAND}},
            "nbformat": 4, "nbformat_minor": 5}


def dumps(nb):
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _sources(nb):
    """What must match between a committed notebook and its lesson: each cell's kind, id
    and source (not its outputs, nor what Jupyter adds to the metadata on saving)."""
    return [(c["cell_type"], c.get("id"), "".join(c["source"]) if isinstance(c["source"], list)
             else c["source"]) for c in nb["cells"]]


def available(lessons=None):
    """The lessons of the registry whose file exists (another may be on its way)."""
    return [lesson for lesson in (LESSONS if lessons is None else lessons)
            if lesson_file(lesson).exists()]


def _generated(folder):
    """The notebooks in ``folder`` that this generator wrote (their metadata says so)."""
    found = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError):
            continue
        if MARK in meta:
            found[path.name] = path
    return found


def problems(folder=NOTEBOOKS, lessons=None):
    """What is out of date in ``folder``: a lesson without its notebook, a notebook whose
    cells differ from its lesson's, a generated notebook that no lesson makes any more."""
    folder = Path(folder)
    wanted = {notebook_name(lesson): lesson for lesson in available(lessons)}
    found = []
    for name, lesson in wanted.items():
        path = folder / name
        if not path.exists():
            found.append(f"{path}: missing (lesson {lesson.code})")
            continue
        committed = json.loads(path.read_text(encoding="utf-8"))
        if _sources(committed) != _sources(notebook(lesson)):
            found.append(f"{path}: out of date with lessons/{lesson.module}.py")
    found += [f"{path}: no lesson makes it any more" for name, path in
              _generated(folder).items() if name not in wanted]
    return found


def write_all(folder=NOTEBOOKS, lessons=None):
    """(Re)write the notebook of every lesson whose cells changed and remove generated
    notebooks of lessons that are gone; a notebook with outputs but the same cells is left
    as it is. Returns the paths written or removed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {notebook_name(lesson): lesson for lesson in available(lessons)}
    changed = []
    for name, lesson in wanted.items():
        path, nb = folder / name, notebook(lesson)
        if path.exists():
            try:
                if _sources(json.loads(path.read_text(encoding="utf-8"))) == _sources(nb):
                    continue
            except ValueError:
                pass
        path.write_text(dumps(nb), encoding="utf-8")
        changed.append(path)
    for name, path in _generated(folder).items():
        if name not in wanted:
            path.unlink()
            changed.append(path)
    return changed


def main(out=None, check=False):
    """``python -m lessons notebooks``: returns the exit code."""
    folder = Path(out) if out else NOTEBOOKS
    missing = [lesson for lesson in LESSONS if not lesson_file(lesson).exists()]
    for lesson in missing:
        print(f"lesson {lesson.code}: lessons/{lesson.module}.py does not exist; no notebook",
              file=sys.stderr)
    if check:
        found = problems(folder)
        for line in found:
            print(line)
        if found:
            print(f"run `{COMMAND}` to bring them up to date", file=sys.stderr)
        return 1 if found else 0
    changed = write_all(folder)
    count = len(available())
    print(f"{count} notebooks in {folder}; {len(changed)} written or removed"
          + "".join(f"\n  {path}" for path in changed))
    return 0
