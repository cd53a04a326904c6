"""The ``copytrace`` command: argument parsing only; every command calls the public API.

Bad input ends with one line on stderr naming the file and the problem, and exit code 2.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .errors import InputError, Terminated, sigterm_raises

EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script.

    Ctrl-C ends with exit 130 and SIGTERM with 143 (128 + the signal, as a shell
    reports a process the signal killed), each with one line on stderr, after the
    command has stopped its workers and removed its partial files.
    """
    # multiprocessing's resource tracker (a helper process, started with these -W options)
    # unlinks the semaphores of a worker pool stopped by a signal and then warns about them;
    # an interrupted scan should say one line, not that.
    quiet = "ignore::UserWarning:multiprocessing.resource_tracker"
    if quiet not in sys.warnoptions:
        sys.warnoptions.append(quiet)
    try:
        with sigterm_raises():
            cli.main(args=argv, prog_name="copytrace", standalone_mode=False)
    except InputError as exc:
        click.echo(f"copytrace: error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        # click turns a KeyboardInterrupt (and so Terminated) into Abort, keeping it as the cause.
        if isinstance(exc, Terminated) or isinstance(exc.__cause__, Terminated):
            click.echo("copytrace: terminated", err=True)
            sys.exit(143)
        click.echo("copytrace: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="copytrace")
def cli() -> None:
    """Find how a news story travelled: reused passages, paraphrases, changed facts, credits."""


@cli.command()
@click.argument("a", required=False, type=click.Path(path_type=Path))
@click.argument("b", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "text", "html"]), default=None,
              help="Output format (default: text in a terminal, json otherwise).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@click.option("--pairs", type=click.Path(path_type=Path), help="JSONL of {\"a\": id, \"b\": id} pairs to compare.")
@click.option("--docs", type=click.Path(path_type=Path), help="JSONL/CSV/Parquet documents the --pairs ids refer to.")
@click.option("--lexical", is_flag=True, help="Skip the sentence model (verbatim alignment only).")
@click.option("--model", default=None, help="Another sentence-transformers model (name or local path).")
@click.option("--verdict-model", type=click.Path(path_type=Path), default=None,
              help="A verdict model made by 'copytrace fit' (default: the shipped one).")
def compare(a, b, fmt, output, pairs, docs, lexical, model, verdict_model) -> None:
    """Compare two articles A and B (.txt or .html), or many --pairs at once."""
    from . import compare as run_compare
    from .document import load

    if pairs or docs:
        if not (pairs and docs and output):
            raise click.UsageError("--pairs needs --docs and -o OUT.jsonl")
        from .batch import compare_pairs

        n = compare_pairs(pairs, docs, output, paraphrase=not lexical, model=model,
                          verdict_model=_verdict_model(verdict_model))
        click.echo(f"compared {n} pairs → {output}", err=True)
        return
    if a is None or b is None:
        raise click.UsageError("give two files A B, or --pairs PAIRS.jsonl --docs DOCS.jsonl -o OUT.jsonl")
    judge_model = _verdict_model(verdict_model)
    result = run_compare(load(a), load(b), paraphrase=not lexical, model=model, verdict_model=judge_model)
    fmt = fmt or ("text" if output is None and sys.stdout.isatty() else "json")
    if fmt == "json":
        rendered = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from .render.html import render_html

        rendered = render_html(result)
    else:
        from .render.text import render_text

        rendered = render_text(result)
    _write(rendered, output)


def _verdict_model(path: Path | None):
    from .verdict import get_model

    return get_model(path)  # a bad model file is a one-line error before any work


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text)


def write_atomic(output: Path, text: str) -> None:
    """Write ``text`` to ``output`` whole or not at all.

    Written to a temporary file beside it and renamed over it, so a full disk or
    an interrupt leaves the old file (or none), never a truncated or 0-byte one.
    A device or pipe (``-o /dev/stdout``) is written directly.
    """
    if output.exists() and not output.is_file():
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise InputError(str(output), f"cannot write: {exc.strerror or exc}") from None
        return
    tmp = output.with_name(f".{output.name}.{os.getpid()}.part")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, output)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(str(output), f"cannot write: {exc.strerror or exc}") from None
        raise


@cli.command()
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="Output directory.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True)
@click.option("--master", default=None, help="Spark master URL (with --engine spark), e.g. local[2].")
@click.option("--no-lexical", is_flag=True, help="Switch off MinHash LSH candidates.")
@click.option("--no-semantic", is_flag=True, help="Switch off embedding nearest-neighbour candidates.")
@click.option("--threshold", default=0.5, show_default=True,
              help="Drop pairs whose verdict score (P derived) is below this; below 0.5 every candidate is compared.")
@click.option("--no-align", is_flag=True, help="Candidates and clusters only: skip the full comparison of each pair.")
@click.option("--verdict-model", type=click.Path(path_type=Path), default=None,
              help="A verdict model made by 'copytrace fit' (default: the shipped one).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object (counts, times, files).")
def scan(corpus, out_dir, engine, master, no_lexical, no_semantic, threshold, no_align, verdict_model, as_json) -> None:
    """Find every reuse pair, duplicate cluster and who copied whom in CORPUS."""
    from . import scan as run_scan

    if no_lexical and no_semantic:
        raise click.UsageError("--no-lexical and --no-semantic together leave no way to find candidates")
    result = run_scan(corpus, out_dir, engine=engine, master=master, lexical=not no_lexical,
                      semantic=not no_semantic, threshold=threshold, align=not no_align,
                      verdict_model=verdict_model)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else result.summary())


@cli.group()
def index() -> None:
    """A persistent archive: add articles, ask what one reuses."""


@index.command("add")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("--db", required=True, type=click.Path(path_type=Path), help="SQLite database file.")
@click.option("--verdict-model", type=click.Path(path_type=Path), default=None,
              help="A verdict model made by 'copytrace fit' (default: the shipped one).")
def index_add(corpus, db, verdict_model) -> None:
    """Add the articles in CORPUS (files, a directory, JSONL/CSV/Parquet) to the index."""
    from . import Index

    with Index(db, verdict_model=verdict_model) as archive:
        result = archive.add_path(corpus)
    click.echo(str(result), err=True)


@index.command("query")
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--db", required=True, type=click.Path(path_type=Path), help="SQLite database file.")
@click.option("--limit", default=10, show_default=True, help="Most matches to return.")
@click.option("--verdict-model", type=click.Path(path_type=Path), default=None,
              help="A verdict model made by 'copytrace fit' (default: the shipped one).")
def index_query(article, db, limit, verdict_model) -> None:
    """The indexed articles that ARTICLE reuses or that reuse it, best first (JSON)."""
    from . import Index
    from .document import load

    if not db.exists():
        raise InputError(str(db), "no such index database")
    with Index(db, verdict_model=verdict_model) as archive:
        matches = archive.query(load(article), limit=limit)
    for m in matches:
        sys.stdout.write(json.dumps(m.to_dict(), ensure_ascii=False) + "\n")


@cli.command()
@click.option("--db", default=None, type=click.Path(path_type=Path), help="SQLite index to query and add to.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--verdict-model", type=click.Path(path_type=Path), default=None,
              help="A verdict model made by 'copytrace fit' (default: the shipped one).")
def serve(db, host, port, verdict_model) -> None:
    """Serve the HTTP API (OpenAPI at /docs) and the web page at /."""
    from .server.app import serve as run_server

    _verdict_model(verdict_model)
    run_server(str(db) if db else None, host=host, port=port, verdict_model=verdict_model)


@cli.command()
@click.argument("labels", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The model file to write (JSON).")
@click.option("--docs", type=click.Path(path_type=Path), help="JSONL/CSV/Parquet documents the label lines' ids refer to.")
@click.option("--folds", default=10, show_default=True, help="Cross-validation folds for the figures printed.")
@click.option("--model", default=None, help="Another sentence-transformers model (name or local path).")
def fit(labels, output, docs, folds, model) -> None:
    """Refit the verdict on LABELS.jsonl ({"a", "b", "label"} lines) and write MODEL."""
    from .fit import fit as run_fit

    cv = run_fit(labels, output, docs=docs, model=model, folds=folds)
    click.echo(f"{cv['folds']}-fold cross-validation on {cv['n']} pairs: 3-class macro-F1 {cv['macro_f1_3']:.3f}, "
               f"accuracy {cv['accuracy_3']:.3f}, reuse/non accuracy {cv['accuracy_2']:.3f}, "
               f"direction right {cv['direction_right']:.3f} (unknown {cv['direction_unknown']:.3f})")
    click.echo(f"wrote {output}; use it with --verdict-model {output}", err=True)


@cli.command("eval")
@click.argument("dataset")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--folds", default=10, show_default=True, help="Cross-validation folds for calibration.")
@click.option("--seed", default=0, show_default=True, help="Seed of the stratified fold split.")
@click.option("--lexical", is_flag=True, help="Skip the sentence model (verbatim alignment only).")
@click.option("--model", default=None, help="Another sentence-transformers model (name or local path).")
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the figures as JSON.")
def evaluate(dataset, path, folds, seed, lexical, model, as_json) -> None:
    """The metrics of copytrace on a public corpus: clough-stevenson, msrp, or generic."""
    from .evaluate.run import evaluate as run_eval

    report = run_eval(dataset, path, folds=folds, seed=seed, model=model, paraphrase=not lexical)
    sys.stdout.write(report.render() + "\n")
    if as_json:
        _write(json.dumps(report.to_dict(), indent=2) + "\n", as_json)


if __name__ == "__main__":
    main()
