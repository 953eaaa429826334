"""The lint scheduler: results of the current version, never a result about to be replaced."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from dockwise.lsp.scheduler import Scheduler


@dataclass
class Result:
    version: int
    sees: str  # what the lint read from the other file


def test_result_waits_for_a_running_relint_of_the_same_version() -> None:
    """A Compose file re-linted because a Dockerfile it reads changed: a pull that arrives
    while that lint runs gets its result, not the one it replaces."""

    async def scenario() -> tuple[str, str]:
        loop = asyncio.get_running_loop()
        other = {"text": "old"}
        gate = threading.Event()
        published: list[Result] = []

        def make_job(uri: str):  # type: ignore[no-untyped-def]
            seen = other["text"]

            def work() -> Result:
                if seen == "new":
                    gate.wait(5)
                return Result(1, seen)

            return work

        with ThreadPoolExecutor(1) as pool:
            sched: Scheduler[Result] = Scheduler(loop, pool, make_job, lambda u: 1,
                                                 lambda u, r: published.append(r))
            sched.schedule("compose")
            first = await sched.result_for("compose")
            assert first is not None
            other["text"] = "new"
            sched.schedule("compose")  # the dependency changed; same version
            await asyncio.sleep(0.05)  # the re-lint is running now, held at the gate
            pending = asyncio.ensure_future(sched.result_for("compose"))
            await asyncio.sleep(0.05)
            assert not pending.done()  # it waits instead of answering the old result
            gate.set()
            second = await asyncio.wait_for(pending, 5)
            assert second is not None
            return first.sees, second.sees

    assert asyncio.run(scenario()) == ("old", "new")
