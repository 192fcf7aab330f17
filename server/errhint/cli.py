"""The ``errhint`` command line: scan, explain, run, list, validate, import, schema, serve.

Only ``serve`` imports the language-server stack; every other command stays on
the light core so ``cmd | errhint scan -`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .engine import Engine, EngineOptions
from .findings import Finding, looks_binary, scan_stream
from .redact import redact
from .terminal import columns

# Rendering and machine checks are imported where cards are printed: a scan that
# finds nothing (the everyday `cmd | errhint scan -`) never pays for them.

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2

DESCRIPTION = """\
Recognise known error signatures in terminal output and logs, and explain them:
what the error means, the likely causes on this machine, and fixes to copy.
errhint never uses the network and never runs a fix by itself."""

EPILOG = """\
examples:
  errhint scan build.log                 scan a file, print a card per error
  some-command 2>&1 | errhint scan -     scan standard input
  errhint scan --format json ci.log      machine-readable output (also sarif, github)
  errhint run -- npm install             run a command, then explain its errors
  errhint explain claude-code/auth-401-invalid-credentials
  errhint explain "permission denied (publickey)"
  errhint validate knowledge/            check entries and their examples
  errhint serve                          language server on stdio

exit codes: 0 nothing found, 1 errors found (scan/run: the command's own code), 2 usage or input error"""


def _add_knowledge_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--knowledge",
        action="append",
        default=[],
        metavar="DIR",
        help="add a knowledge pack (directory of entries or one file); repeatable",
    )
    p.add_argument("--no-bundled", action="store_true", help="use only the packs given with --knowledge")
    p.add_argument("--no-user", action="store_true", help="do not load the user pack (~/.config/errhint/knowledge)")
    p.add_argument(
        "--trust-workspace",
        action="store_true",
        help="also load ./.errhint/knowledge (its fix commands come from this folder's authors)",
    )


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, told the width up front: left to itself it imports ``shutil``
    (and with it bz2 and lzma) for every parser, a cost on every start, help shown or not."""

    def __init__(self, prog: str, **kwargs) -> None:
        if kwargs.get("width") is None:
            kwargs["width"] = columns() - 2
        super().__init__(prog, **kwargs)


MAX_CARDS = 5


def _add_cards_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--cards",
        type=int,
        default=MAX_CARDS,
        metavar="N",
        help=f"cards for the first N kinds of error, one line each for the rest (default {MAX_CARDS}; 0: all)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errhint",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"errhint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, formatter_class=_Formatter, **kwargs)

    p = add("scan", help="scan files or standard input for known errors")
    p.add_argument("paths", nargs="*", default=["-"], metavar="PATH", help="files to scan; - for stdin (default)")
    p.add_argument("--format", choices=["text", "json", "sarif", "github"], default="text")
    p.add_argument("--min-confidence", type=float, default=0.5, metavar="X", help="hide hits below X (default 0.5)")
    p.add_argument("--ignore", action="append", default=[], metavar="ID", help="ignore an entry id; repeatable")
    p.add_argument("--full", action="store_true", help="print whole cards, not the first screen")
    _add_cards_arg(p)
    _add_knowledge_args(p)

    p = add("explain", help="show the card for an entry id or for free text")
    p.add_argument("query", nargs="+", help="an entry id, or error text to look up")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    _add_knowledge_args(p)

    p = add("run", help="run a command, stream its output unchanged, then explain its errors")
    p.add_argument("cmd", nargs=argparse.REMAINDER, metavar="-- CMD ...")
    p.add_argument(
        "--no-pty",
        action="store_true",
        help="use pipes even on a terminal (default: a pty, so interactive tools keep working)",
    )
    p.add_argument("--min-confidence", type=float, default=0.5, metavar="X")
    _add_cards_arg(p)
    _add_knowledge_args(p)

    p = add("list", help="list knowledge entries")
    p.add_argument("--tool", help="only this tool's entries")
    p.add_argument("--stats", action="store_true", help="entries per tool and coverage of each section")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _add_knowledge_args(p)

    p = add("validate", help="check entries: schema, patterns, examples, counterexamples")
    p.add_argument("paths", nargs="*", metavar="PATH", help="packs or files to check (default: bundled)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = add("import", help="turn a troubleshooting page (seed format) into a YAML entry")
    p.add_argument("page", help="the page as a text file")
    p.add_argument("--id", help="entry id (default: derived from the title)")
    p.add_argument("--source-url", help="URL of the page, recorded as the entry's first source")
    p.add_argument("-o", "--output", help="write here instead of standard output")

    add("schema", help="print the JSON Schema of a knowledge entry")

    p = add("serve", help="run the language server (stdio by default)")
    p.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    p.add_argument("--stdio", action="store_true", help="use stdio (the default; accepted for editors that pass it)")
    return parser


def _engine(args: argparse.Namespace) -> Engine:
    options = EngineOptions(
        knowledge_paths=args.knowledge,
        bundled=not args.no_bundled,
        user=not args.no_user,
        workspace=Path.cwd() if args.trust_workspace else None,
        workspace_trusted=args.trust_workspace,
    )
    engine = Engine.load(options)
    for problem in engine.problems:
        if problem.severity == "error":
            print(f"errhint: {problem}", file=sys.stderr)
    return engine


def _print(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def cmd_scan(args: argparse.Namespace) -> int:
    engine = _engine(args)
    findings: list[Finding] = []
    input_error = False
    ignored = set(args.ignore)
    for path in args.paths:
        try:
            if path == "-":
                stream = sys.stdin.buffer
                head = stream.peek(8192)[:8192] if hasattr(stream, "peek") else b""
                if looks_binary(head):
                    print("errhint: standard input looks binary (NUL bytes); skipped", file=sys.stderr)
                    continue
                findings += scan_stream(engine.matcher, stream, "-", args.min_confidence, ignored)
                continue
            with open(path, "rb") as fh:
                if looks_binary(fh.read(8192)):
                    print(f"errhint: {path}: binary file (NUL bytes); skipped", file=sys.stderr)
                    continue
                fh.seek(0)
                findings += scan_stream(engine.matcher, fh, path, args.min_confidence, ignored)
        except OSError as exc:
            print(f"errhint: {path}: {exc.strerror or exc}", file=sys.stderr)
            input_error = True
    emit_findings(findings, args.format, full=args.full, max_cards=args.cards)
    if input_error:
        return EXIT_ERROR
    return EXIT_FOUND if findings else EXIT_CLEAN


def emit_findings(
    findings: list[Finding], fmt: str, full: bool = False, stream=None, max_cards: int = MAX_CARDS
) -> None:
    """Print findings. As text: a card per kind of error for the first ``max_cards`` kinds
    (0: all), then one line per further kind, then a summary line."""
    out = stream or sys.stdout
    if not findings and fmt in ("text", "github"):
        return
    import json

    from .context import Machine
    from .render import (
        Style,
        build_card,
        github_annotation,
        json_document,
        sarif_document,
        terminal_card,
        terminal_width,
        use_color,
    )

    if fmt == "json":
        out.write(json.dumps(json_document(findings), indent=2, ensure_ascii=False) + "\n")
        return
    if fmt == "sarif":
        out.write(json.dumps(sarif_document(findings, __version__), indent=2, ensure_ascii=False) + "\n")
        return
    if fmt == "github":
        for f in findings:
            out.write(github_annotation(f) + "\n")
        return
    style = Style(use_color(out))
    width = terminal_width()
    kinds: dict[str, list[Finding]] = {}  # by first appearance
    for f in findings:
        kinds.setdefault(f.entry.id, []).append(f)
    machine = Machine()
    carded = list(kinds.values()) if max_cards <= 0 else list(kinds.values())[:max_cards]
    for hits in carded:  # one card per error kind; every hit is counted in the summary
        f = hits[0]
        out.write(terminal_card(build_card(f.entry, machine, f), style, width, f, full=full) + "\n")
    rest = list(kinds.values())[len(carded) :]
    if rest:
        # Dozens of cards help nobody (and cost time after a command exits): a line each.
        out.write(style.bold(f"{len(rest)} more kind(s) of known error (errhint explain ID shows a card):") + "\n")
        for hits in rest:
            f = hits[0]
            where = f"{f.path}:{f.line + 1}" if f.path != "-" else f"line {f.line + 1}"
            out.write(f"  {f.entry.id} — {redact(f.entry.title)} ({len(hits)}×, first at {where})\n")
    out.write(style.dim("─" * min(width, 80)) + "\n")
    if len(kinds) <= MAX_CARDS:
        summary = ", ".join(f"{len(hits)}× {entry_id}" for entry_id, hits in kinds.items())
        out.write(style.bold(f"errhint: {len(findings)} known error(s): {summary}") + "\n")
    else:
        out.write(style.bold(f"errhint: {len(findings)} known error(s) of {len(kinds)} kinds") + "\n")


def cmd_explain(args: argparse.Namespace) -> int:
    import json

    from .context import Machine
    from .render import Style, build_card, markdown_card, terminal_card, terminal_width, use_color

    engine = _engine(args)
    query = " ".join(args.query)
    entry = engine.entry(query.strip())
    entries = [entry] if entry else [e for _, e in engine.search(query, limit=3)]
    if not entries:
        print(f"errhint: no entry matches {redact(query)!r}; try `errhint list`", file=sys.stderr)
        return EXIT_FOUND
    machine = Machine()
    if args.format == "json":
        doc = [
            {"id": e.id, "title": e.title, "tool": e.tool, "markdown": markdown_card(build_card(e, machine))}
            for e in entries
        ]
        _print(json.dumps(doc, indent=2, ensure_ascii=False))
        return EXIT_CLEAN
    style = Style(use_color(sys.stdout))
    for i, e in enumerate(entries):
        if args.format == "markdown":
            _print(markdown_card(build_card(e, machine)))
        else:
            _print(terminal_card(build_card(e, machine), style, terminal_width(), full=entry is not None or i == 0))
        if entry is None and i == 0 and len(entries) > 1:
            _print(style.dim("Other close matches: " + ", ".join(x.id for x in entries[1:])))
            break
    return EXIT_CLEAN


def cmd_run(args: argparse.Namespace) -> int:
    from .livescan import LiveScan
    from .ptyrun import pty_available, run_in_pty
    from .runner import run_and_capture

    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        print("errhint run: give a command after --, e.g. errhint run -- npm install", file=sys.stderr)
        return EXIT_ERROR
    engine_box: dict[str, Engine] = {}
    exited = threading.Event()

    def load() -> None:
        engine_box.setdefault("e", _engine(args))
        if not exited.is_set():  # a command still running: get the card code ready meanwhile
            from . import context, render  # noqa: F401

    loader = threading.Thread(target=load, daemon=True)
    loader.start()  # load the catalog while the command starts

    def matcher():
        loader.join()
        return engine_box["e"].matcher

    live = LiveScan(matcher, args.min_confidence)  # output is scanned while the command runs
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not args.no_pty
    try:
        if interactive and pty_available():
            code, _ = run_in_pty(cmd, sink=live)
        else:
            code, _ = run_and_capture(cmd, sink=live)
        exited.set()
    except FileNotFoundError:
        print(f"errhint run: command not found: {cmd[0]}", file=sys.stderr)
        live.close()
        return _after(loader, 127)
    except PermissionError:
        print(f"errhint run: permission denied: {cmd[0]}", file=sys.stderr)
        live.close()
        return _after(loader, 126)
    findings = live.close()
    if live.dropped:
        print(f"errhint run: scanning fell behind; {live.dropped} bytes of output were not scanned", file=sys.stderr)
    if findings:
        sys.stdout.flush()
        emit_findings(findings, "text", stream=sys.stderr, max_cards=args.cards)
    return code


def _after(loader: threading.Thread, code: int) -> int:
    """Let the catalog loader finish: exiting under a thread busy in C code can crash the interpreter."""
    loader.join()
    return code


def cmd_list(args: argparse.Namespace) -> int:
    import json

    engine = _engine(args)
    entries = [e for e in engine.catalog if not args.tool or e.tool == args.tool]
    if args.stats:
        from .stats import coverage_table

        _print(coverage_table(entries, as_json=args.format == "json"))
        return EXIT_CLEAN
    if args.format == "json":
        _print(json.dumps([{"id": e.id, "title": e.title, "tool": e.tool, "pack": e.pack} for e in entries], indent=2))
        return EXIT_CLEAN
    by_tool: dict[str, list] = {}
    for e in entries:
        by_tool.setdefault(e.tool, []).append(e)
    for tool in sorted(by_tool):
        _print(f"{tool} ({len(by_tool[tool])})")
        for e in sorted(by_tool[tool], key=lambda x: x.id):
            _print(f"  {e.id:<58} {e.title}")
    _print(f"{len(entries)} entries, {len(by_tool)} tools")
    return EXIT_CLEAN


def cmd_validate(args: argparse.Namespace) -> int:
    from .catalog import LoadProblem, Pack, bundled_knowledge_dir, load_catalog, validate

    if args.paths:
        packs = [Pack(Path(p), "bundled") if _is_bundled(Path(p)) else Pack(Path(p), "path") for p in args.paths]
        if not any(p.kind == "bundled" for p in packs):
            # related ids may point into the bundled catalog
            packs.insert(0, Pack(bundled_knowledge_dir(), "bundled"))
    else:
        packs = [Pack(bundled_knowledge_dir(), "bundled")]
    catalog = load_catalog(packs)
    problems: list[LoadProblem] = validate(catalog)
    if args.paths:
        roots = [str(Path(p)) for p in args.paths]
        problems = [p for p in problems if any(p.path.startswith(r) for r in roots)]
    errors = [p for p in problems if p.severity == "error" or args.strict]
    for p in problems:
        print(f"{p} [{p.severity}]" if p.severity != "error" else str(p), file=sys.stderr)
    n_examples = sum(len(e.examples) + len(e.counterexamples) for e in catalog)
    status = "FAILED" if errors else "ok"
    print(
        f"errhint validate: {status}: {len(catalog)} entries from {catalog.files} files, "
        f"{n_examples} examples checked, {len(errors)} error(s), {len(problems) - len(errors)} warning(s)"
    )
    return EXIT_ERROR if errors else EXIT_CLEAN


def _is_bundled(path: Path) -> bool:
    from .catalog import bundled_knowledge_dir

    try:
        return path.resolve() == bundled_knowledge_dir().resolve()
    except OSError:
        return False


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import ImportError_, dump_yaml, page_to_entry

    try:
        text = Path(args.page).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"errhint import: {args.page}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        entry = page_to_entry(text, entry_id=args.id, source_url=args.source_url)
    except ImportError_ as exc:
        print(f"errhint import: {args.page}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    out = dump_yaml(entry)
    if not entry.get("sources"):
        print("errhint import: the page cites no URL; add `sources:` (or pass --source-url)", file=sys.stderr)
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return EXIT_CLEAN


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from .schema import json_schema

    _print(json.dumps(json_schema(), indent=2))
    return EXIT_CLEAN


def cmd_serve(args: argparse.Namespace) -> int:
    from .lsp.server import start

    return start(tcp=args.tcp)


COMMANDS = {
    "scan": cmd_scan,
    "explain": cmd_explain,
    "run": cmd_run,
    "list": cmd_list,
    "validate": cmd_validate,
    "import": cmd_import,
    "schema": cmd_schema,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's own flush error
        return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
