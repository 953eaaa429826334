from __future__ import annotations

import pytest

from dockwise.lint.rules.dockerfile.df016_exec_form_variable import shell_script_index


@pytest.mark.parametrize(
    ("argv", "index"),
    [
        (["sh", "-c", "echo $X"], 2),
        (["/bin/bash", "-o", "pipefail", "-c", "x"], 4),
        (["bash", "-lc", "x"], 2),
        (["/usr/bin/env", "A=1", "sh", "-c", "x"], 4),
        (["busybox", "sh", "-c", "x"], 3),
        (["pwsh", "-Command", "x"], 2),
        (["cmd", "/S", "/C", "x"], 3),
        (["/bin/sh", "-c"], 2),
        (["sh", "script.sh", "$X"], None),
        (["python", "-c", "print(1)"], None),
        ([], None),
    ],
)
def test_shell_script_index(argv: list[str], index: int | None) -> None:
    assert shell_script_index(argv) == index
