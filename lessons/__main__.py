"""The lessons' command line (also installed as ``tinygrad-edu``)::

    python -m lessons list
    python -m lessons run 05 [--engine edu|torch] [--device cpu|cuda] [--step] [--quick]
                             [--graph] [--plot] [--out DIR] [--lang en|zh] [--seed N]
    python -m lessons run all
    python -m lessons compare 15 [--quick] [--seed N]
    python -m lessons notebooks [--out DIR] [--check]

Problems the learner can fix (no PyTorch, no GPU, no such lesson) are one line on stderr
and exit code 2, never a traceback.
"""
import argparse
import os
import sys

from .engines import DEVICES, ENGINES, EngineError
from .registry import LESSONS, LessonNotFound, find

USAGE_ERROR = 2


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m lessons",
        description="The course's 19 lessons and six language-model lessons, on tinygrad_edu "
                    "or on real PyTorch.")
    verbs = parser.add_subparsers(dest="verb", metavar="{list,run,compare,notebooks}")
    verbs.required = True
    listing = verbs.add_parser("list", help="the lessons: number, title, course chapter")
    listing.add_argument("--lang", choices=("en", "zh"), default="en")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("lesson", help="a lesson number (01-25) or 'all'")
    common.add_argument("--quick", action="store_true",
                        help="few epochs and little data (what the tests run)")
    common.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    common.add_argument("--device", choices=DEVICES, default="cpu",
                        help="cuda needs the torch engine and a GPU")
    common.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="narration in English or Chinese (the course's language)")
    common.add_argument("--out", default="out", help="folder for plots and graphs (out)")

    run = verbs.add_parser("run", parents=[common], help="run a lesson (or all of them)")
    run.add_argument("--engine", choices=ENGINES, default="edu",
                     help="edu = tinygrad_edu (default), torch = real PyTorch")
    run.add_argument("--step", action="store_true",
                     help="narrate each step and wait for Enter (q quits)")
    run.add_argument("--graph", action="store_true",
                     help="write the computational graph and the backward step-through")
    run.add_argument("--plot", action="store_true", help="save the lesson's plot as PNG")

    verbs.add_parser("compare", parents=[common],
                     help="run on both engines from the same weights and batches")

    notebooks = verbs.add_parser(
        "notebooks", help="write every lesson as a Jupyter notebook (notebooks/)")
    notebooks.add_argument("--out", default=None,
                           help="the folder (default: notebooks/ beside lessons/)")
    notebooks.add_argument("--check", action="store_true",
                           help="write nothing; list the notebooks that are out of date "
                                "with their lessons (exit code 1 if any)")
    return parser


def main(argv=None):
    """Entry point of ``python -m lessons`` and of the ``tinygrad-edu`` script."""
    args = build_parser().parse_args(argv)
    try:
        if args.verb == "list":
            return list_lessons(args.lang)
        if args.verb == "notebooks":
            from .notebooks import main as write_notebooks
            return write_notebooks(args.out, args.check)
        numbers = _lesson_numbers(args.lesson)
        if args.verb == "run":
            return run_command(args, numbers)
        return compare_command(args, numbers)
    except (EngineError, LessonNotFound) as err:
        print(f"error: {err}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def list_lessons(lang="en"):
    from .report import source
    print(f"{'#':>2}  {'课程' if lang == 'zh' else 'lesson':<44} "
          f"{'出处' if lang == 'zh' else 'source'}")
    for lesson in LESSONS:
        title = lesson.title_zh if lang == "zh" else lesson.title
        marks = " [graph]" if lesson.graph else ""
        print(f"{lesson.code}  {_pad(title + marks, 44)} {source(lesson, lang)}")
    return 0


def _pad(text, width):
    from .report import _width
    return text + " " * max(0, width - _width(text))


def run_command(args, numbers):
    from .engines import get_engine, resolve_device
    from .runner import run_lesson
    from .report import one_line, files_written, source, summary_table
    get_engine(args.engine)      # no PyTorch, no GPU: the error comes alone, before any
    resolve_device(args.engine, args.device)   # lesson's header
    done = []
    for number in numbers:
        lesson = find(number)
        title = lesson.title_zh if args.lang == "zh" else lesson.title
        print(f"=== {lesson.code} {title} ({source(lesson, args.lang)}) — {args.engine}, "
              f"{args.device} ===")
        result = run_lesson(number, engine=args.engine, device=args.device, quick=args.quick,
                            step=args.step, graph=args.graph, plot=args.plot, out=args.out,
                            lang=args.lang, seed=args.seed)
        done.append((lesson, result))
        print(one_line(lesson, result, args.lang))
        written = files_written(result, args.lang)
        if written:
            print(written)
        if result.get("stopped"):
            break
    if len(numbers) > 1:
        print(summary_table(done, quick=args.quick, lang=args.lang))
    return 0


def compare_command(args, numbers):
    from .compare import compare_lesson, format_table
    for number in numbers:
        table = compare_lesson(number, device=args.device, quick=args.quick, seed=args.seed,
                               out=args.out, lang=args.lang)
        print(format_table(table))
    return 0


def _lesson_numbers(text):
    if str(text).lower() == "all":
        return [lesson.number for lesson in LESSONS]
    return [find(text).number]


if __name__ == "__main__":
    sys.exit(main())
