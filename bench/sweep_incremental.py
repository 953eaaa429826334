"""Check incremental Dockerfile linting against cold linting over the whole corpus.

    python bench/sweep_incremental.py [--corpus ../shared/corpus/dockerfiles] [--limit N]

For every corpus Dockerfile, at two instructions of every stage: type at the end of the
instruction's first line, insert a comment line before it, delete it; after each edit the
incremental lint (the language server's path, cache warm from the previous version) must
equal a cold lint. Prints the number of variants and every mismatch by rule (exit 1 if any).
`tests/unit/test_incremental.py` runs the same check on a sample.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

from dockwise.config import Settings

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "unit"), str(ROOT / "tests")]
# the same edits and the same comparison as the unit test that runs this on a sample
from test_incremental import incremental_and_cold  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dockerfiles"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=0, help="check only the first N files")
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    if args.limit:
        files = files[: args.limit]
    settings = Settings()
    rnd = random.Random(1)
    bad: collections.Counter[str] = collections.Counter()
    first: dict[str, str] = {}
    n = 0
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for a, b in incremental_and_cold(text, rnd, settings):
            n += 1
            for x in a ^ b:
                code = str(x[0])
                bad[code] += 1
                first.setdefault(code, f"{f}: {x} ({'incremental' if x in a else 'cold'} only)")
    print(f"{n} variants of {len(files)} files checked; mismatches: {sum(bad.values())}")
    for code, count in bad.most_common():
        print(f"  {code}: {count}, e.g. {first[code]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
