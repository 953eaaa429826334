from __future__ import annotations

from dockwise.dockerfile.analysis import parse
from dockwise.dockerfile.packages import (
    add_option_edit,
    append_edit,
    cache_mounted,
    installs,
    package_commands,
    raw_commands,
    removes,
    run_instructions,
    user_at,
)
from dockwise.dockerfile.scanner import scan
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.registry import all_rules


def pcs(text: str, idx: int = 1):  # type: ignore[no-untyped-def]
    return package_commands(scan(text).instructions[idx])


def test_apt_options_bundles_and_values() -> None:
    text = ("FROM a\nRUN if x; then DEBIAN_FRONTEND=noninteractive sudo -E apt-get -qy install "
            "--no-install-recommends -o Dpkg::Options::=--force-confold curl=1.2 ./x.deb; fi\n")
    (pc,) = pcs(text)
    assert (pc.manager, pc.action, pc.sudo) == ("apt-get", "install", True)
    assert [(o.name, o.value, o.before_verb) for o in pc.options] == [
        ("-q", None, True), ("-y", None, True), ("--no-install-recommends", None, False),
        ("-o", "Dpkg::Options::=--force-confold", False)]
    assert [p.value for p in pc.packages] == ["curl=1.2", "./x.deb"]
    assert text[pc.span.start : pc.span.end] == "apt-get -qy install"
    assert pc.has_option("-y") and not pc.has_option("-y", before_verb=False)


def test_pip_forms() -> None:
    text = ("FROM a\nRUN python3 -m pip --no-cache install -r req.txt flask==2 && "
            "uv --no-cache pip install x && pip3.11 install -e . y && /opt/venv/bin/pip install z"
            " && pipx install w && pip freeze\n")
    got = [(pc.manager, pc.text, [p.value for p in pc.packages]) for pc in pcs(text)]
    assert got == [
        ("pip", "python3 -m pip --no-cache install", ["flask==2"]),
        ("uv", "uv --no-cache pip install", ["x"]),
        ("pip", "pip3.11 install", ["y"]),
        ("pip", "/opt/venv/bin/pip install", ["z"]),
    ]
    assert pcs(text)[0].option_values("-r") == ["req.txt"]


def test_other_managers() -> None:
    text = ("FROM a\nRUN zypper -n in -t pattern foo && dnf group install -y 'Dev Tools' && "
            "apk add --virtual .deps gcc && npm i -g yarn@1 && gem install rails -v 7 && "
            "yum clean all && apk cache clean\n")
    got = [(pc.manager, pc.action, [v.value for v in pc.verbs], [p.value for p in pc.packages])
           for pc in pcs(text)]
    assert got == [
        ("zypper", "install", ["in"], ["foo"]),
        ("dnf", "install", ["group", "install"], ["Dev Tools"]),
        ("apk", "install", ["add"], ["gcc"]),
        ("npm", "install", ["i"], ["yarn@1"]),
        ("gem", "install", ["install"], ["rails"]),
        ("yum", "clean", ["clean"], ["all"]),
        ("apk", "cache", ["cache"], ["clean"]),
    ]
    assert [pc.manager for pc in installs(scan(text).instructions[1], "apk", "gem")] == ["apk", "gem"]


def test_not_commands() -> None:
    text = ("FROM a\nRUN echo 'apt-get install x' && printf 'pip install y' > f\n"
            "COPY <<EOF /x.sh\napt-get install z\nEOF\n"
            "RUN python3 <<EOF\nimport os\nos.system('apt-get install q')\nEOF\n")
    df = scan(text)
    assert all(package_commands(i) == [] for i in df.instructions)


def test_heredoc_and_exec_forms() -> None:
    text = ('FROM a\nRUN <<EOF\napt-get update\n  apt-get install -y y\nEOF\n'
            'RUN ["apt-get", "install", "-y", "x"]\n'
            'RUN ["sh", "-c", "apt-get update && apt-get install -y x"]\n')
    df = scan(text)
    body = package_commands(df.instructions[1])
    assert [pc.action for pc in body] == ["update", "install"]
    assert body[1].script is not None and body[1].script.from_heredoc is not None
    assert text[body[1].span.start : body[1].span.end] == "apt-get install"
    (ex,) = package_commands(df.instructions[2])
    assert ex.exec_form and ex.script is None
    assert text[ex.span.start : ex.span.end] == '"apt-get", "install"'
    at = add_option_edit(ex, "--no-install-recommends")
    assert at is not None and at[1] == ', "--no-install-recommends"'
    assert append_edit(df.instructions[2], ex.script, "rm x") is None
    sh = package_commands(df.instructions[3])
    assert [pc.action for pc in sh] == ["update", "install"]
    assert text[sh[1].span.start : sh[1].span.end] == "apt-get install"
    at = add_option_edit(sh[1], "-q")
    assert at is not None and at[1] == " -q"


def test_append_edit() -> None:
    text = "FROM a\nRUN apt-get install -y x \\\n  && echo ok # done\nRUN <<-EOF\n\tapt-get install y\n\tEOF\n"
    df = scan(text)
    pc = package_commands(df.instructions[1])[0]
    at = append_edit(df.instructions[1], pc.script, "rm -rf /l")
    assert at is not None
    new = text[: at[0].start] + at[1] + text[at[0].end :]
    assert "&& echo ok && rm -rf /l # done" in new
    pc2 = package_commands(df.instructions[2])[0]
    at2 = append_edit(df.instructions[2], pc2.script, "rm -rf /l")
    assert at2 is not None
    new2 = text[: at2[0].start] + at2[1] + text[at2[0].end :]
    # in a heredoc too ` && …`: a new last line would hide a failed install (no `set -e`)
    assert "\tapt-get install y && rm -rf /l\n\tEOF" in new2
    # not inside a group or branch: `rm` there would run only on failure
    text3 = 'FROM a\nRUN apt-get install -y x || { echo "failed"; exit 1; }\n'
    pc3 = package_commands(scan(text3).instructions[1])[0]
    assert append_edit(scan(text3).instructions[1], pc3.script, "rm -rf /l") is None


def test_mounts_and_removes() -> None:
    text = ("FROM a\nRUN --mount=type=cache,target=/var/lib/apt/,sharing=locked "
            "apt-get install x && rm -rf /var/lib/apt/lists/* /tmp/* "
            "&& find /var/cache/apt /var/lib/apt -type f -delete\n")
    ins = scan(text).instructions[1]
    assert cache_mounted(ins, "/var/lib/apt/lists")
    assert not cache_mounted(ins, "/var/cache/apt")
    assert removes(raw_commands(ins), "/var/lib/apt/lists")
    assert removes(raw_commands(ins), "/var/cache/apt/archives")
    assert not removes(raw_commands(ins), "/var/cache/apk")


def test_run_instructions_onbuild_and_windows() -> None:
    text = ('FROM a\nONBUILD RUN apt-get install -y x\nRUN pip install y\n'
            'SHELL ["powershell", "-Command"]\nRUN apt-get install z\n')
    an = parse(text)
    got = [i.rest for i in run_instructions(an.dockerfile, "apt", "pip", analysis=an)]
    assert got == ["apt-get install -y x", "pip install y"]


def test_user_at() -> None:
    text = "FROM a AS b\nUSER app:app\nFROM b\nRUN x\nUSER root\nRUN y\n"
    an = parse(text)
    runs = [i for i in an.dockerfile.instructions if i.keyword == "RUN"]
    assert user_at(an, runs[0]) == "app" and user_at(an, runs[1]) == "root"


def test_df114_off_by_default() -> None:
    assert all_rules()["DF114"].meta.enabled_by_default is False
    res = lint_dockerfile_text("FROM python:3.12\nRUN pip install --no-cache-dir flask\n")
    assert not [v for v in res.violations if v.code == "DF114"]
