"""Benchmark the language server side by side with the Node.js Dockerfile server and
yaml-language-server; prints a table.

    python bench/bench_lsp.py [--edits 200] [--sizes 300,2000,10000] [--services 5,50,500]

`dockerfile-language-server-nodejs` (`docker-langserver --stdio`) and
`yaml-language-server` (configured with our Compose schema) are installed with npm into
bench/.tools/ on first use. Every server is driven over stdio the way an editor does:
initialize, didOpen, then edits sent closed-loop (insert a letter mid-file, then delete
it; each waits for the diagnostics that follow it), hover and completion requests. With
`--typing`, Dockerfiles are also timed with edits that type a word letter by letter, so
that no text repeats (nothing can come from a cache of earlier texts).
The installed dockwise package is byte-compiled first, as `pip install` does (see
`bench_check.byte_compile`): the `initialize` figure is that of an installed server, not of
one compiling its modules from source (PYTHONDONTWRITEBYTECODE=1 environments never write
pycs). Figures: time to the `initialize` result, first diagnostics after didOpen, p50/p99 from
each didChange to its diagnostics, hover and completion p50, peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS = HERE / ".tools"
sys.path.insert(0, str(HERE))

from bench_check import byte_compile  # noqa: E402
from bench_check import generated as generated_dockerfile  # noqa: E402
from bench_compose import generated as generated_compose  # noqa: E402

CLIENT_CAPS: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {"configuration": True, "workspaceFolders": True,
                  "didChangeConfiguration": {"dynamicRegistration": True}},
    "textDocument": {
        "synchronization": {"didSave": True, "dynamicRegistration": False},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True,
                               "codeDescriptionSupport": True, "dataSupport": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "completion": {"completionItem": {"snippetSupport": True,
                                          "documentationFormat": ["markdown", "plaintext"]}},
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}}},
    },
}


def npm_tools() -> dict[str, list[str]]:
    """Commands of the Node servers (installed into bench/.tools/ when missing)."""
    bin_dir = TOOLS / "node_modules" / ".bin"
    want = {"docker-langserver": "dockerfile-language-server-nodejs",
            "yaml-language-server": "yaml-language-server"}
    missing = [pkg for exe, pkg in want.items() if not (bin_dir / exe).exists()]
    if missing and shutil.which("npm"):
        TOOLS.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
                        *missing], capture_output=True, text=True)
    return {exe: [str(bin_dir / exe), "--stdio"] for exe in want if (bin_dir / exe).exists()}


def dockwise_cmd() -> list[str]:
    exe = shutil.which("dockwise", path=str(Path(sys.executable).parent))
    return [exe, "--stdio"] if exe else [sys.executable, "-m", "dockwise", "--stdio"]


class Server:
    """A minimal LSP client over a subprocess' stdio."""

    def __init__(self, cmd: list[str], settings: dict[str, Any]) -> None:
        self.cmd, self.settings = cmd, settings
        self.proc: asyncio.subprocess.Process | None = None
        self._id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._diag_waiters: list[tuple[Callable[[dict[str, Any]], bool], asyncio.Future[dict[str, Any]]]] = []
        self.peak_rss_kb = 0

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *self.cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=None if os.environ.get("BENCH_STDERR") else asyncio.subprocess.DEVNULL)
        self._reader = asyncio.create_task(self._read())

    def _write(self, msg: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any) -> Any:
        self._id += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[self._id] = fut
        self._write({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        return await fut

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def next_diagnostics(self, pred: Callable[[dict[str, Any]], bool]) -> asyncio.Future[dict[str, Any]]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._diag_waiters.append((pred, fut))
        return fut

    def sample_rss(self) -> None:
        if self.proc is None:
            return
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
        except OSError:
            pass

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        out = self.proc.stdout
        while True:
            length = 0
            while True:
                line = await out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(await out.readexactly(length))
            if "id" in msg and "method" not in msg:
                fut = self._pending.pop(msg["id"], None)
                if fut is not None and not fut.done():
                    fut.set_result(msg.get("result"))
            elif "id" in msg:  # a request from the server
                self._write({"jsonrpc": "2.0", "id": msg["id"], "result": self._answer(msg)})
            elif msg.get("method") == "textDocument/publishDiagnostics":
                p = msg["params"]
                keep = []
                for pred, fut in self._diag_waiters:
                    if not fut.done() and pred(p):
                        fut.set_result(p)
                    elif not fut.done():
                        keep.append((pred, fut))
                self._diag_waiters = keep

    def _answer(self, msg: dict[str, Any]) -> Any:
        if msg["method"] == "workspace/configuration":
            return [self.settings.get(item.get("section") or "", None)
                    for item in msg["params"]["items"]]
        return None

    async def stop(self) -> None:
        self.sample_rss()
        try:
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
            assert self.proc is not None
            await asyncio.wait_for(self.proc.wait(), 10)
        except (TimeoutError, AssertionError, ConnectionError):
            if self.proc is not None and self.proc.returncode is None:
                self.proc.kill()
        self._reader.cancel()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


async def run_one(name: str, cmd: list[str], path: Path, text: str, language_id: str,
                  edit_line: int, edit_col: int, hover_at: tuple[int, int],
                  complete_at: tuple[int, int], edits: int, settings: dict[str, Any],
                  versioned: bool, typing: bool = False) -> dict[str, Any]:
    srv = Server(cmd, settings)
    t0 = time.perf_counter()
    await srv.start()
    await srv.request("initialize", {
        "processId": os.getpid(), "rootUri": path.parent.as_uri(),
        "workspaceFolders": [{"uri": path.parent.as_uri(), "name": "bench"}],
        "capabilities": CLIENT_CAPS,
        "initializationOptions": settings.get("__init__")})
    t_init = time.perf_counter() - t0
    srv.notify("initialized", {})
    if "__didChangeConfiguration__" in settings:
        srv.notify("workspace/didChangeConfiguration",
                   {"settings": settings["__didChangeConfiguration__"]})
    uri = path.as_uri()
    version = 1

    def for_version(v: int) -> Callable[[dict[str, Any]], bool]:
        if versioned:
            return lambda p: p["uri"] == uri and p.get("version") == v
        return lambda p: p["uri"] == uri

    first = srv.next_diagnostics(for_version(1))
    t1 = time.perf_counter()
    srv.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": language_id, "version": 1, "text": text}})
    first_diags = await asyncio.wait_for(first, 120)
    t_first = time.perf_counter() - t1
    lat: list[float] = []
    for i in range(edits):
        version += 1
        if typing:  # type a word: every text is new
            col = edit_col + i
            rng = {"start": {"line": edit_line, "character": col},
                   "end": {"line": edit_line, "character": col}}
            new_text = "abcdefghij"[i % 10]
        else:  # the protocol: insert a letter, then delete it
            insert = i % 2 == 0
            rng = {"start": {"line": edit_line, "character": edit_col},
                   "end": {"line": edit_line, "character": edit_col + (0 if insert else 1)}}
            new_text = "x" if insert else ""
        fut = srv.next_diagnostics(for_version(version))
        ts = time.perf_counter()
        srv.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": rng, "text": new_text}]})
        await asyncio.wait_for(fut, 120)
        lat.append(time.perf_counter() - ts)
        if i % 20 == 0:
            srv.sample_rss()
    hov: list[float] = []
    comp: list[float] = []
    for _ in range(20):
        ts = time.perf_counter()
        await srv.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                 "position": {"line": hover_at[0], "character": hover_at[1]}})
        hov.append(time.perf_counter() - ts)
        ts = time.perf_counter()
        await srv.request("textDocument/completion", {
            "textDocument": {"uri": uri},
            "position": {"line": complete_at[0], "character": complete_at[1]}})
        comp.append(time.perf_counter() - ts)
    await srv.stop()
    return {"name": name, "init": t_init, "first": t_first, "p50": pct(lat, 0.5),
            "p99": pct(lat, 0.99), "hover": statistics.median(hov),
            "completion": statistics.median(comp), "rss_mb": srv.peak_rss_kb / 1024,
            "n_diags": len(first_diags["diagnostics"])}


def ms(x: float) -> str:
    return f"{x * 1000:8.1f}"


async def amain(args: argparse.Namespace) -> int:
    print(f"byte-compiled {byte_compile()} (as pip install does) before measuring", flush=True)
    tools = npm_tools()
    work = Path(tempfile.mkdtemp(prefix="dockwise-bench-lsp-"))
    (work / ".git").mkdir()  # stop Compose discovery above the bench directory
    schema = (ROOT / "schemas" / "compose.schema.json").resolve()
    rows: list[dict[str, Any]] = []
    for n in [int(x) for x in args.sizes.split(",") if x]:
        d = work / f"df{n}"
        d.mkdir()
        text = generated_dockerfile(n)
        path = d / "Dockerfile"
        path.write_text(text)
        mid = n // 2
        lines = text.splitlines()
        while not lines[mid].startswith("RUN pip"):
            mid += 1
        blank = next(i for i in range(n // 2, len(lines)) if not lines[i].strip())
        servers = [("dockwise", dockwise_cmd(), True)]
        if "docker-langserver" in tools:
            servers.append(("docker-langserver", tools["docker-langserver"], False))
        protocols = [False, True] if args.typing else [False]
        for typing in protocols:
            for name, cmd, versioned in servers:
                r = await run_one(name, cmd, path, text, "dockerfile", mid, 8, (0, 7),
                                  (blank, 0), args.edits, {"": {}}, versioned, typing)
                r["file"] = f"Dockerfile {n} lines" + (", typing" if typing else "")
                rows.append(r)
                print(fmt_row(r), flush=True)
    for n in [int(x) for x in args.services.split(",") if x]:
        d = work / f"compose{n}"
        d.mkdir()
        text = generated_compose(n)
        path = d / "compose.yaml"
        path.write_text(text)
        lines = text.splitlines()
        mid = next(i for i in range(len(lines) // 2, len(lines)) if "SERVICE_NAME" in lines[i])
        col = lines[mid].index(":") + 6
        img = next(i for i in range(len(lines) // 2, len(lines)) if "image:" in lines[i])
        env = next(i for i in range(img, len(lines)) if "environment:" in lines[i])
        yaml_settings = {"yaml": {"validate": True, "hover": True, "completion": True,
                                  "schemas": {schema.as_uri(): ["compose*.yaml", "compose*.yml"]},
                                  "schemaStore": {"enable": False}},
                         "http": {}, "[yaml]": {}, "editor": {}}
        servers2: list[tuple[str, list[str], bool, dict[str, Any]]] = [
            ("dockwise", dockwise_cmd(), True, {"": {}})]
        if "yaml-language-server" in tools:
            servers2.append(("yaml-language-server", tools["yaml-language-server"], False,
                             {**yaml_settings, "__didChangeConfiguration__": yaml_settings}))
        for name, cmd, versioned, settings in servers2:
            r = await run_one(name, cmd, path, text, "dockercompose" if name == "dockwise" else "yaml",
                              mid, col, (img, lines[img].index(":") + 3), (env, 4),
                              args.edits, settings, versioned)
            r["file"] = f"Compose {n} services ({len(lines)} lines)"
            rows.append(r)
            print(fmt_row(r), flush=True)
    print()
    print(table(rows))
    shutil.rmtree(work, ignore_errors=True)
    return 0


HEADER = (f"{'file':<34} {'server':<22} {'init ms':>8} {'first ms':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'hover ms':>8} {'compl ms':>8} {'RSS MB':>7} {'diags':>6}")


def fmt_row(r: dict[str, Any]) -> str:
    return (f"{r['file']:<34} {r['name']:<22} {ms(r['init'])} {ms(r['first'])} {ms(r['p50'])} "
            f"{ms(r['p99'])} {ms(r['hover'])} {ms(r['completion'])} {r['rss_mb']:7.1f} "
            f"{r['n_diags']:6d}")


def table(rows: list[dict[str, Any]]) -> str:
    out = [HEADER, "-" * len(HEADER)]
    out += [fmt_row(r) for r in rows]
    # ratios against the reference server of the same file
    out.append("")
    out.append("ratios (dockwise / reference, same file, same run):")
    by_file: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_file.setdefault(r["file"], {})[r["name"]] = r
    for f, rs in by_file.items():
        me = rs.get("dockwise")
        ref = next((v for k, v in rs.items() if k != "dockwise"), None)
        if me is None or ref is None:
            continue
        out.append(f"  {f:<34} vs {ref['name']:<22} p50 {me['p50'] / ref['p50']:5.2f}x  "
                   f"p99 {me['p99'] / ref['p99']:5.2f}x  RSS {me['rss_mb'] / ref['rss_mb']:5.2f}x  "
                   f"init {me['init'] / ref['init']:5.2f}x")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--sizes", default="300,2000,10000")
    ap.add_argument("--services", default="5,50,500")
    ap.add_argument("--typing", action="store_true",
                    help="also time Dockerfile edits that type a word (every text new)")
    return asyncio.run(amain(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
