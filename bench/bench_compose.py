"""Benchmark Compose linting: generated files of 5, 50 and 500 services, in-process, and
corpus throughput through the CLI.

    python bench/bench_compose.py [--corpus ../shared/corpus/compose] [--runs 20]

Per size, two figures:

- **edit**: what an editor sees per keystroke. As `bench_lsp.py` does, a letter is
  inserted mid-file (in a value of the middle service) and deleted again, and each
  version is linted; results kept from earlier lints (services whose service-local
  checks found nothing, schema errors per service, facts about services — see
  `dockwise.compose.incremental`) are used as in the language server.
- **cold**: the same versions, each linted as if for the first time (nothing kept):
  opening a file, or `dockwise --check`.

Then, for the largest size, where the time of an edit goes (median per phase and per
rule, in-process).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "compose"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def generated(n: int) -> str:
    out = ["x-common: &common", "  restart: unless-stopped", "  logging:",
           "    driver: json-file", "", "services:"]
    for i in range(n):
        dep = f"svc{i - 1}" if i else "db"
        out += [
            f"  svc{i}:",
            "    <<: *common",
            f"    image: registry.example.com/team/svc{i}:1.{i}.0",
            "    environment:",
            f"      SERVICE_NAME: svc{i}",
            "      LOG_LEVEL: ${LOG_LEVEL:-info}",
            "    ports:",
            f"      - \"127.0.0.1:{10000 + i}:8080\"",
            "    depends_on:",
            f"      {dep}:",
            "        condition: service_healthy",
            "    healthcheck:",
            "      test: [\"CMD\", \"wget\", \"-qO-\", \"http://localhost:8080/health\"]",
            "      interval: 10s",
            "      timeout: 3s",
            "      retries: 3",
            "    deploy:",
            "      resources:",
            "        limits:",
            "          memory: 512m",
        ]
    out += ["  db:", "    image: postgres:16.4", "    healthcheck:",
            "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]", "      interval: 5s", ""]
    return "\n".join(out) + "\n"


def edit_offset(text: str) -> int:
    """Where bench_lsp.py types: in the `SERVICE_NAME` value of the middle service."""
    lines = text.split("\n")
    mid = next(i for i in range(len(lines) // 2, len(lines)) if "SERVICE_NAME" in lines[i])
    return sum(len(x) + 1 for x in lines[:mid]) + lines[mid].index(":") + 6


def versions(text: str, runs: int) -> list[str]:
    """Insert a letter, delete it, insert, … (`runs` versions)."""
    at = edit_offset(text)
    edited = text[:at] + "x" + text[at:]
    return [edited if i % 2 == 0 else text for i in range(runs)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    from bench_check import byte_compile

    byte_compile()
    from dockwise.compose import incremental
    from dockwise.config import Settings
    from dockwise.lint.engine import lint_compose_text

    settings = Settings()
    print(f"{'measure':<46} | {'median':>10} | {'min':>10}")
    print("-" * 72)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (5, 50, 500):
            text = generated(n)
            path = Path(tmp) / f"compose{n}.yaml"
            path.write_text(text)
            lines = text.count("\n")
            texts = versions(text, args.runs)
            lint_compose_text(text, path, settings)  # warm up (schema, rules, catalogue)
            for mode in ("edit", "cold"):
                times = []
                for t in texts:
                    start = time.perf_counter()
                    if mode == "cold":
                        with incremental.isolated():
                            lint_compose_text(t, path, settings)
                    else:
                        lint_compose_text(t, path, settings)
                    times.append(time.perf_counter() - start)
                label = f"{n} services ({lines:,} lines), {mode}"
                print(f"{label:<46} | {statistics.median(times) * 1000:>7.1f} ms | "
                      f"{min(times) * 1000:>7.1f} ms")
        phases(Path(tmp), args.runs)
    if args.corpus.is_dir():
        files = [p for p in args.corpus.rglob("*") if p.suffix in (".yml", ".yaml")]
        for jobs in (1, 2):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "dockwise", "--check", "--jobs", str(jobs),
                            "--format", "json", str(args.corpus)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            dt = time.perf_counter() - t0
            print(f"{f'corpus ({len(files)} YAML files), --jobs {jobs}':<46} | "
                  f"{dt:>8.2f} s | {len(files) / dt:>6.0f} f/s")
    return 0


def phases(tmp: Path, runs: int, n: int = 500) -> None:
    """Median time per phase of an edit's lint of the `n`-service file."""
    from dockwise.config import Settings
    from dockwise.lint.engine import _lint_compose
    from dockwise.memory import paused_gc

    text = generated(n)
    path = tmp / "phases.yaml"
    path.write_text(text)
    settings = Settings()
    samples: dict[str, list[float]] = {}
    for t in versions(text, runs + 2):
        timings: dict[str, float] = {}
        start = time.perf_counter()
        with paused_gc():
            _lint_compose(t, path, settings, None, None, timings)
        timings["(freeing the models)"] = (time.perf_counter() - start) - sum(timings.values())
        for k, v in timings.items():
            samples.setdefault(k, []).append(v)
    med = {k: statistics.median(v[2:]) for k, v in samples.items()}  # (first two: warm-up)
    total = sum(med.values())
    print(f"\nwhere an edit of the {n}-service file goes (median per phase, in-process)")
    shown = 0.0
    for k, v in sorted(med.items(), key=lambda kv: -kv[1]):
        if v * 1000 < 0.5:
            continue
        shown += v
        print(f"  {k:<30} {v * 1000:>6.1f} ms  {100 * v / total:>4.0f}%")
    print(f"  {'(other rules, each < 0.5 ms)':<30} {(total - shown) * 1000:>6.1f} ms")
    print(f"  {'total':<30} {total * 1000:>6.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
