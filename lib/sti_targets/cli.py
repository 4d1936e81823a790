"""The ``sti-targets`` command."""

from __future__ import annotations

import argparse
import os
import sys

from .errors import DataError


def cmd_check(args: argparse.Namespace) -> int:
    from .dataset.checks import run_checks

    problems = run_checks(args.data)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    from .dataset.loaders import Dataset

    book = Dataset.load(args.data)
    print(
        f"check passed: {len(book.targets)} targets in {book.targets['doc_id'].nunique()} documents, "
        f"{len(book.observations)} observations; schema, integrity, source checksums and every quote hold"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .dataset.export import export
    from .errors import display_path

    try:
        written = export(args.format, args.output, args.data)
    except OSError as exc:
        print(
            f"error: cannot write {display_path(exc.filename or args.output)}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1
    for path in written:
        print(display_path(path))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .dataset.schema import datapackage_json, describe_markdown

    if args.datapackage:
        sys.stdout.write(datapackage_json())
    else:
        print(describe_markdown())
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .errors import UnknownRegion
    from .publish.render import render_reports, summarize

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        outcomes = render_reports(
            args.region, args.output, args.jobs, args.timeout, args.force, log=log, scheduler=args.scheduler
        )
    except UnknownRegion as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (render's Terminated)
        print(
            "interrupted: no report was half-written; earlier reports are intact and the index marks "
            "what was not rendered. Run the command again to render what is missing.",
            file=sys.stderr,
        )
        return 128 + getattr(exc, "signum", 2)
    print(summarize(outcomes))
    return 0 if all(o.status in ("ok", "kept") for o in outcomes) else 1


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        from .extract import run_extract

        return run_extract(args.file, region=args.region, doc_id=args.doc_id)
    except KeyboardInterrupt:
        print("interrupted: extract stopped; the CSV on stdout, if any, is incomplete", file=sys.stderr)
        return 130


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .extract.evaluate import run_evaluate

    return run_evaluate()


def cmd_add(args: argparse.Namespace) -> int:
    from .dataset.register import REGION_FIELDS, NewDocument, NewRegion, RegisterError, register_document

    region = NewRegion(args.name_zh, args.name_en, args.level, args.parent, args.admin_code, args.province)
    if sys.stdin.isatty():  # only a person at a terminal is asked for what the options left out
        _ask_missing(args, region, REGION_FIELDS)
    doc = NewDocument(
        file=args.file,
        region_id=args.region,
        title_zh=args.title_zh or "",
        title_en=args.title_en or "",
        issuer=args.issuer or "",
        issued=args.issued or "",
        period=args.period or "",
        kind=args.kind or "",
        doc_id=args.doc_id,
        script=args.script,
        source_note=args.source_note or "",
        source_url=args.source_url or "",
        retrieved=args.retrieved or "",
        region=region,
    )
    try:
        done = register_document(doc, args.data)
    except RegisterError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 2
    print(
        f"registered {done.doc_id}: source {done.source.name} (read-only), documents.csv"
        f"{' and regions.csv' if done.new_region else ''}; {done.candidates} candidates to review in "
        f"review/{done.review.name}. Next: sti-targets review {done.doc_id}"
    )
    return 0


def _ask_missing(args: argparse.Namespace, region, region_fields: tuple[str, ...]) -> None:
    """Prompt for the document's required options that were not given, and for a new region's."""
    from .dataset.csvfiles import read_table
    from .dataset.schema import REGIONS
    from .paths import DATA

    for name in ("title_zh", "title_en", "issuer", "issued", "period", "kind"):
        if not getattr(args, name):
            setattr(args, name, input(f"{name.replace('_', ' ')}: ").strip())
    data = DATA if args.data is None else args.data
    known = set(read_table(f"{data}/regions.csv", [f.name for f in REGIONS])["region_id"])
    if args.region not in known:
        for name in (*region_fields, "parent_id"):
            if not getattr(region, name):
                setattr(region, name, input(f"new region {args.region}: {name.replace('_', ' ')}: ").strip() or None)


def cmd_review(args: argparse.Namespace) -> int:
    from .analysis.review import Review, ReviewError
    from .publish.dashboard import DashboardError, serve

    try:
        Review(args.doc_id)
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return serve(
            args.port,
            open_browser=args.open,
            notebook="review.ipynb",
            env={"STI_REVIEW_DOC": args.doc_id},
            what=f"review of {args.doc_id}",
        )
    except DashboardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def whole_number(low: int, high: int | None = None, what: str = ""):
    """An argparse type: a whole number from ``low`` to ``high``, else a message giving the range."""

    def parse(text: str) -> int:
        valid = f"{low} to {high}{what}" if high is not None else f"{low} or more"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; use {valid}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is out of range; use {valid}")
        return value

    return parse


CORES = os.cpu_count() or 1
DAY = 86_400


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sti-targets", description="Curated targets of Chinese science-and-technology plans."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="run every data check: schema, integrity, sha256 of sources, provenance")
    p.add_argument("--data", default=None, help="data folder to check (default: the project's data/)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("schema", help="print the declared schema of every table as Markdown")
    p.add_argument(
        "--datapackage",
        action="store_true",
        help="print it as a Frictionless Data Package descriptor instead (> data/datapackage.json)",
    )
    p.set_defaults(func=cmd_schema)
    from .dataset.export import FORMATS

    p = sub.add_parser("export", help="check the data, then write every table as csv, parquet, xlsx or a zip")
    p.add_argument(
        "--format",
        required=True,
        choices=FORMATS,
        help="csv (UTF-8 with BOM), parquet, xlsx (one sheet per table, bilingual headers, a README sheet) or "
        "zip (the Frictionless data package with the sources)",
    )
    p.add_argument("--output", default="dist", help="folder to write into, made if missing (default: dist/)")
    p.add_argument("--data", default=None, help="data folder to export (default: the project's data/)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("render", help="execute the notebooks with papermill and write HTML reports and an index")
    p.add_argument("--region", action="append", metavar="ID", help="a region to render (repeatable; default: all)")
    p.add_argument("--output", default=None, help="output folder (default: reports/)")
    p.add_argument(
        "--jobs",
        type=whole_number(1, CORES, " (this machine's cores)"),
        default=None,
        help=f"notebooks run in parallel, 1 to {CORES} (default: {CORES}, the number of cores)",
    )
    p.add_argument(
        "--timeout",
        type=whole_number(1, DAY),
        default=600,
        help=f"seconds one notebook may run, 1 to {DAY} (default: 600)",
    )
    p.add_argument("--force", action="store_true", help="render even reports that are up to date")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run the notebooks on Dask distributed: a scheduler's address (tcp://HOST:8786), or 'local' "
        "for a cluster of --jobs workers on this machine (needs the [cluster] extra)",
    )
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("explore", help="serve notebooks/explore.ipynb as a dashboard (Voilà) on 127.0.0.1")
    from .publish.dashboard import add_arguments, run_explore

    add_arguments(p)
    p.set_defaults(func=run_explore)
    p = sub.add_parser("extract", help="find candidate targets in a plan's text; CSV on stdout")
    p.add_argument("file", help="plain-text plan saved as UTF-8 (as data/sources/ holds it), Simplified or Traditional")
    p.add_argument("--region", default=None, help="region_id to write in the rows")
    p.add_argument("--doc-id", default=None, help="doc_id to write in the rows")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("add", help="register a new document: source, documents.csv, regions.csv, review file")
    p.add_argument("file", help="the plan's plain text, UTF-8 (stored as-is, read-only)")
    p.add_argument("--region", required=True, metavar="ID", help="region_id (new regions need the options below)")
    p.add_argument("--doc-id", default=None, help="doc_id (default: <region>_<first year>[_<last year>])")
    p.add_argument("--title-zh", default=None, help="title as published")
    p.add_argument("--title-en", default=None, help="English title")
    p.add_argument("--issuer", default=None, help="issuing body")
    p.add_argument("--issued", default=None, help="issue date: YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--period", default=None, help="years the plan covers: YYYY or YYYY-YYYY")
    p.add_argument("--kind", default=None, help="five-year plan, action plan, implementation plan or work points")
    p.add_argument("--script", default=None, help="zh-Hans or zh-Hant (default: detected with OpenCC)")
    p.add_argument("--source-note", default=None, help="provenance and quirks of the copy")
    p.add_argument("--source-url", default=None, help="where it was published")
    p.add_argument("--retrieved", default=None, help="when the copy was retrieved: YYYY-MM-DD")
    p.add_argument("--name-zh", default=None, help="new region: Chinese name")
    p.add_argument("--name-en", default=None, help="new region: English name")
    p.add_argument("--level", default=None, help="new region: province, prefecture or county")
    p.add_argument("--parent", default=None, metavar="ID", help="new region: parent region_id in regions.csv")
    p.add_argument("--admin-code", default=None, help="new region: GB/T 2260 code (six digits)")
    p.add_argument("--province", default=None, help="new region: province in English (default: the parent's)")
    p.add_argument("--data", default=None, help="data folder (default: the project's data/)")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("review", help="review a document's candidates in the browser (Voilà on 127.0.0.1)")
    p.add_argument("doc_id", help="a document registered with `sti-targets add`")
    p.add_argument("--port", type=whole_number(1, 65535), default=8867, help="port on 127.0.0.1 (default: 8867)")
    p.add_argument("--open", action="store_true", help="open the page in the default web browser")
    p.set_defaults(func=cmd_review)
    p = sub.add_parser("evaluate", help="precision and recall of extract against the curated targets")
    p.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a full disk or closed pipe shows here, not at exit as a stray traceback
        return code
    except DataError as exc:
        print(exc.describe(), file=sys.stderr)
        print(f"failed: {len(exc.problems)} problem(s) in the input", file=sys.stderr)
        return 1
    except BrokenPipeError:  # stdout closed early (| head): not an error of the command
        _silence_stdout()
        return 0
    except UnicodeEncodeError as exc:
        _silence_stdout()
        print(
            f"error: the output's encoding ({exc.encoding}) cannot write Chinese text; "
            "set PYTHONIOENCODING=utf-8 or use a UTF-8 locale",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        if exc.filename is not None:
            raise
        _silence_stdout()
        print(f"error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: files written so far are complete; run the command again to finish", file=sys.stderr)
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of the broken stream is silent."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
