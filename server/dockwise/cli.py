"""Command line: `dockwise` / `dockwise --stdio` / `dockwise --tcp HOST:PORT` (the
language server), `dockwise --check …` (headless checker) and `dockwise --explain CODE`.

The checker path never imports pygls or lsprotocol.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockwise import __version__

if TYPE_CHECKING:
    from dockwise.checker import FileOutcome

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, given the terminal width: left to itself it imports shutil
    (and the compression modules shutil imports) for every `add_argument`, a few ms of
    each `dockwise --check` start-up."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def build_parser() -> argparse.ArgumentParser:
    from dockwise.output import FORMATS

    p = argparse.ArgumentParser(
        prog="dockwise",
        description="Checker and language server for Dockerfiles and Docker Compose files.",
        formatter_class=_HelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"dockwise {__version__}")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="lint files and directories and exit")
    mode.add_argument("--explain", metavar="CODE", help="print the documentation of a rule")
    mode.add_argument("--stdio", action="store_true",
                      help="run the language server on stdin/stdout (the default)")
    mode.add_argument("--tcp", metavar="HOST:PORT", help="run the language server on TCP")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories to check (`-` reads stdin); default: .")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument("--fail-level", choices=("error", "warning", "information"), default=None,
                   help="lowest severity that makes the exit status 1 (default: warning)")
    p.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    p.add_argument("--unsafe-fixes", action="store_true", help="with --fix/--diff: unsafe fixes too")
    p.add_argument("--diff", action="store_true", help="print fixes as a unified diff; change nothing")
    p.add_argument("--select", action="append", metavar="RULES",
                   help="replace the enabled rules (codes, names or prefixes, comma-separated)")
    p.add_argument("--extend-select", action="append", metavar="RULES", help="enable more rules")
    p.add_argument("--ignore", action="append", metavar="RULES", help="disable rules")
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovery")
    p.add_argument("--statistics", action="store_true", help="print counts per rule")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="parallel processes")
    p.add_argument("--stdin-filename", metavar="NAME", help="file name to use for stdin input")
    p.add_argument("--project-directory", metavar="DIR", help="Compose project directory")
    return p


def main(argv: list[str] | None = None) -> int:
    """The `dockwise` program; ``argv`` None means the process's own command line."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # the reader went away (`dockwise --explain DF202 | head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        if argv is None:
            # The process ends when this returns. Frozen objects are left out of the
            # interpreter's collections at shutdown, which would otherwise walk and free,
            # one by one, the tens of thousands of objects a lint loaded (~10 ms of a
            # one-file `--check`); the OS reclaims the memory at once.
            import gc

            gc.freeze()


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.explain:
        return _explain(args.explain)
    if not args.check:
        if args.paths:
            print("dockwise: PATH arguments need --check (without it dockwise runs the "
                  "language server)", file=sys.stderr)
            return EXIT_USAGE
        if args.tcp is not None and not args.tcp.rpartition(":")[2].isdigit():
            print("dockwise: --tcp expects HOST:PORT", file=sys.stderr)
            return EXIT_USAGE
        from dockwise.server import main as serve

        return serve(tcp=args.tcp)
    try:
        return _check(args)
    except KeyboardInterrupt:
        return 130


def _explain(code: str) -> int:
    from dockwise.lint.registry import UnknownRuleError, all_rules, expand_selector

    try:
        codes = expand_selector(code)
    except UnknownRuleError as e:
        print(f"dockwise: {e}", file=sys.stderr)
        return EXIT_USAGE
    rules = all_rules()
    for c in sorted(codes):
        m = rules[c].meta
        print(f"# {m.code} {m.name}\n")
        print(f"Default severity: {m.severity.label}"
              + ("" if m.enabled_by_default else " (off by default)") + "\n")
        print(m.doc + "\n")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    import gc

    # A lint allocates many small, short-lived, acyclic objects: the default GC
    # thresholds make CPython rescan them over and over (2x slower on big files).
    gc.set_threshold(100_000, 50, 1000)
    from dockwise.checker import Job, discover, run_job
    from dockwise.config import ConfigError, Settings, settings_for
    from dockwise.documents import COMPOSE, DOCKERFILE, is_compose_name
    from dockwise.lint.registry import UnknownRuleError, select_rules
    from dockwise.lint.types import Severity
    from dockwise.output import Finding, renderer

    overrides: dict[str, Any] = {}
    sel = _split(args.select)
    if sel is not None:
        overrides["select"] = sel
    if args.extend_select:
        overrides["extend_select"] = _split(args.extend_select)
    if args.ignore:
        overrides["ignore"] = _split(args.ignore)
    try:
        if overrides:  # validate rule selectors given on the command line
            select_rules(overrides.get("select"), overrides.get("extend_select", []),
                         overrides.get("ignore", []))
    except UnknownRuleError as e:
        print(f"dockwise: {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.config and not Path(args.config).is_file():
        print(f"dockwise: config file not found: {args.config}", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs < 1:
        print("dockwise: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.project_directory and not Path(args.project_directory).is_dir():
        print(f"dockwise: --project-directory: no such directory: {args.project_directory}",
              file=sys.stderr)
        return EXIT_USAGE

    paths = args.paths or ["."]
    jobs: list[Job] = []
    common = {"overrides": overrides, "config": args.config, "fix": args.fix,
              "unsafe": args.unsafe_fixes, "diff": args.diff,
              "project_directory": args.project_directory}
    try:
        for raw in paths:
            if raw == "-":
                name = args.stdin_filename or "Dockerfile"
                kind = COMPOSE if is_compose_name(name) or name.endswith((".yml", ".yaml")) else DOCKERFILE
                jobs.append(Job(path=name, kind=kind, data=sys.stdin.buffer.read(), **common))
                continue
            p = Path(raw)
            if not p.exists():
                print(f"dockwise: no such file or directory: {raw}", file=sys.stderr)
                return EXIT_USAGE
            if p.is_dir():
                st = settings_for(p / "Dockerfile", Path(args.config) if args.config else None)
                base = st.config_path.parent if st.config_path else p
                for fp, kind in discover(p, st.exclude, base):
                    # as given, then as discovered under it (`./app/Dockerfile` stays so)
                    shown = os.path.join(raw, os.path.relpath(fp, p))
                    jobs.append(Job(path=shown, kind=kind, **common))
            else:
                kind = COMPOSE if is_compose_name(p) or p.suffix in (".yml", ".yaml") else DOCKERFILE
                jobs.append(Job(path=raw, kind=kind, **common))
        # a file named twice (`Dockerfile` and its directory) is checked once
        seen: set[str] = set()
        unique: list[Job] = []
        for j in jobs:
            key = j.path if j.data is not None else os.path.realpath(j.path)
            if key not in seen:
                seen.add(key)
                unique.append(j)
        jobs = unique
        # validate every config file that applies before linting
        for j in jobs:
            settings_for(Path(j.path).absolute(), Path(args.config) if args.config else None)
    except ConfigError as e:
        print(f"dockwise: {e}", file=sys.stderr)
        return EXIT_USAGE

    outcomes: list[FileOutcome]
    if args.jobs > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.jobs) as ex:
            outcomes = list(ex.map(run_job, jobs, chunksize=max(1, len(jobs) // (args.jobs * 8))))
    else:
        outcomes = [run_job(j) for j in jobs]

    stdin_mode = any(j.data is not None for j in jobs)
    findings: list[Finding] = []
    internal = False
    diff_text = []
    for i, (j, o) in enumerate(zip(jobs, outcomes, strict=True)):
        from dockwise.text import LineIndex

        if args.fix and not args.diff and not stdin_mode and any(
                os.path.lexists(c) for c in o.created):
            # a fix of a file written earlier in this run created it (two Dockerfiles of one
            # context both wanting a `.dockerignore`): check this file again as the disk is now
            from dockwise.config import clear_caches

            clear_caches()
            o = outcomes[i] = run_job(j)
        if o.note:
            print(f"dockwise: {o.path}: {o.note}", file=sys.stderr)
        for err in o.internal_errors:
            internal = True
            print(f"dockwise: {err}", file=sys.stderr)
        text = o.fixed_text if (o.fixed_text is not None and args.fix) else o.text
        index = LineIndex(text) if text is not None else None
        findings.extend(Finding(o.path, v, index) for v in o.violations)
        if args.diff and o.diff:
            diff_text.append(o.diff)
        if args.fix and not args.diff:
            problem = _write_fixes(o, stdin_mode)
            if problem is not None:
                internal = True
                print(f"dockwise: {o.path}: {problem}", file=sys.stderr)
    findings.sort(key=Finding.sort_key)
    out_stream = sys.stderr if (stdin_mode and args.fix) else sys.stdout
    if args.diff:
        sys.stdout.write("".join(diff_text))
    else:
        out_stream.write(renderer(args.format)(findings))
        if args.format == "text":
            _summary(findings, outcomes, args, out_stream)
    if args.statistics:
        _statistics(findings, sys.stderr if args.format != "text" else out_stream)

    fail = args.fail_level
    if fail is None:
        fail = (Settings().fail_level if not jobs else _fail_level(jobs[0], args))
    threshold = Severity.parse(fail)
    bad = any(f.violation.severity >= threshold for f in findings)
    if internal:
        return EXIT_USAGE
    if args.diff and diff_text:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if bad else EXIT_OK


def _fail_level(job: Any, args: argparse.Namespace) -> str:
    from dockwise.config import settings_for

    return settings_for(Path(job.path).absolute(), Path(args.config) if args.config else None).fail_level


def _write_fixes(o: FileOutcome, stdin_mode: bool) -> str | None:
    """Write a fixed file and the files its fixes create (a secret moved out of a Compose
    file, a new `.dockerignore`). The new files come first: when one cannot be written the
    fixed file is not written either, so nothing is lost (a moved secret would be in
    neither). Returns what went wrong, if anything."""
    if stdin_mode:
        if o.created:
            # the fixed text would refer to files that cannot be created from stdin
            if o.text is not None:
                sys.stdout.write(o.text)
            return ("left unchanged: its fixes create files ("
                    + ", ".join(sorted(o.created)) + "), which needs a path, not stdin")
        if o.fixed_text is not None:
            sys.stdout.write(o.fixed_text)
        return None
    written: list[Path] = []
    for created, content in sorted(o.created.items()):
        cp = Path(created)
        try:
            cp.parent.mkdir(parents=True, exist_ok=True)
            with cp.open("x", encoding="utf-8") as fh:
                fh.write(content)
        except OSError as e:
            for p in written:  # undo: the file stays as it was, with nothing half-moved
                p.unlink(missing_ok=True)
            return f"left unchanged: cannot create {created}: {e.strerror or e}"
        written.append(cp)
    if o.fixed_text is not None:
        from dockwise.checker import write_atomic

        write_atomic(Path(o.path).resolve(), o.fixed_text, o.encoding)  # a symlink stays one
    return None


def _summary(findings: list[Any], outcomes: list[Any], args: argparse.Namespace, stream: Any) -> None:
    from dockwise.lint.types import Applicability

    n = len(findings)
    fixed = sum(o.applied for o in outcomes) if args.fix else 0
    safe = sum(1 for f in findings if f.violation.fix and f.violation.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.violation.fix and f.violation.fix.applicability is Applicability.UNSAFE)
    files = len(outcomes)
    if n == 0 and not fixed:
        stream.write(f"All checks passed ({files} file{'s' if files != 1 else ''}).\n")
        return
    parts = [f"Found {n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"]
    if fixed:
        parts.append(f"fixed {fixed}")
    hints = []
    # after --fix, a fix still offered was not applied (it would create a file that exists
    # or that another fix created differently): a hint to pass the flags again would mislead
    left = (safe if args.fix else 0) + (unsafe if args.fix and args.unsafe_fixes else 0)
    if left:
        hints.append(f"{left} fix{'es' if left != 1 else ''} could not be applied")
    # with --unsafe-fixes (but no --fix) the unsafe fixes count as fixable, as in ruff
    fixable = safe + (unsafe if args.unsafe_fixes else 0)
    if fixable and not args.fix:
        hints.append(f"{fixable} fixable with --fix")
    if unsafe and not args.unsafe_fixes:
        hints.append(f"{unsafe} more with --fix --unsafe-fixes")
    stream.write(", ".join(parts) + (f" ({'; '.join(hints)})" if hints else "") + ".\n")


def _statistics(findings: list[Any], stream: Any) -> None:
    counts = Counter((f.violation.code, f.violation.name) for f in findings)
    fixable = Counter(f.violation.code for f in findings
                      if f.violation.fix and f.violation.fix.applicability.value != "display")
    for (code, name), n in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        mark = " [*]" if fixable[code] else ""
        stream.write(f"{n:6d}  {code}  {name}{mark}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
