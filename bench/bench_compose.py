"""Benchmark Compose linting: generated files of 5, 50 and 500 services (in-process lint
time, the figure an editor sees per edit) and corpus throughput through the CLI.

    python bench/bench_compose.py [--corpus ../shared/corpus/compose] [--runs 20]
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    from dockwise.config import Settings
    from dockwise.lint.engine import lint_compose_text

    settings = Settings()
    print(f"{'measure':<42} | {'median':>10} | {'min':>10}")
    print("-" * 68)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (5, 50, 500):
            text = generated(n)
            path = Path(tmp) / f"compose{n}.yaml"
            path.write_text(text)
            lint_compose_text(text, path, settings)  # warm caches (schema, rules)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                lint_compose_text(text, path, settings)
                times.append(time.perf_counter() - t)
            lines = text.count("\n")
            print(f"{f'{n} services ({lines:,} lines), in-process lint':<42} | "
                  f"{statistics.median(times) * 1000:>7.1f} ms | {min(times) * 1000:>7.1f} ms")
    if args.corpus.is_dir():
        files = [p for p in args.corpus.rglob("*") if p.suffix in (".yml", ".yaml")]
        for jobs in (1, 2):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "dockwise", "--check", "--jobs", str(jobs),
                            "--format", "json", str(args.corpus)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            dt = time.perf_counter() - t
            print(f"{f'corpus ({len(files)} YAML files), --jobs {jobs}':<42} | "
                  f"{dt:>8.2f} s | {len(files) / dt:>6.0f} f/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
