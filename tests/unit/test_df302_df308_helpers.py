"""Helpers of DF302 (secret names), DF308 (modes), DF401 (exec detection), DF403."""

from __future__ import annotations

import pytest

from dockwise.dockerfile.analysis import parse
from dockwise.dockerfile.shell import run_scripts, tokenize
from dockwise.lint.rules.dockerfile.df302_secret_in_env_or_arg import (
    credential_match,
    is_secret_name,
    name_tokens,
)
from dockwise.lint.rules.dockerfile.df308_world_writable import world_writable
from dockwise.lint.rules.dockerfile.df401_shell_form_cmd import ends_with_exec
from dockwise.lint.rules.dockerfile.df403_missing_pipefail import first_pipe, shell_kind
from dockwise.text import Span


def test_name_tokens_camel_case() -> None:
    assert name_tokens("APIKey") == ["api", "key"]
    assert name_tokens("githubToken") == ["github", "token"]
    assert name_tokens("AWS_SECRET_ACCESS_KEY") == ["aws", "secret", "access", "key"]


@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "apiKey", "API_KEY", "DB_PASSWORD", "AUTH",
                                  "npmAuthToken", "aws-access-key", "CREDENTIALS", "MY_PWORD"])
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["AUTHOR", "OAUTH_SCOPE", "TOKENIZERS_PARALLELISM",
                                  "PASSWORD_FILE", "SECRETS_DIR", "TOKEN_URL", "PUBLIC_KEY",
                                  "KEYBOARD", "AUTH_USER", "PASSWORD_MIN_LENGTH", "SSH_KEY_PATH"])
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


def test_credential_formats() -> None:
    assert credential_match("AKIAIOSFODNN7EXAMPLE")
    assert credential_match("x ghp_abcdefghijklmnopqrstuvwxyz0123456789")
    assert credential_match("-----BEGIN RSA PRIVATE KEY-----")
    assert not credential_match("AKIA-short")
    assert not credential_match("-----BEGIN PUBLIC KEY-----")


@pytest.mark.parametrize(("mode", "bad"), [
    ("777", True), ("0777", True), ("666", True), ("775", False), ("1777", False),
    ("2777", True), ("a+w", True), ("o+w", True), ("ugo+rwx,go-x", True), ("+w", False),
    ("u+w,g+w", False), ("a+rx", False), ("o-w", False), ("o=rw", True),
])
def test_world_writable(mode: str, bad: bool) -> None:
    assert world_writable(mode) is bad


def _cmds(text: str) -> list:  # type: ignore[type-arg]
    return tokenize(text, lambda a, b: Span(a, b))


def test_ends_with_exec() -> None:
    assert ends_with_exec(_cmds("exec gunicorn app"))
    assert ends_with_exec(_cmds("./migrate && exec ./serve"))
    assert not ends_with_exec(_cmds("./serve"))
    assert not ends_with_exec(_cmds("exec a | b"))


def test_first_pipe_skips_case_patterns_and_or() -> None:
    an = parse("FROM alpine:3.20\nRUN case $a in x|y) ;; esac; a || b; c | d\n")
    ins = an.dockerfile.instructions[1]
    (script,) = run_scripts(ins)
    span = first_pipe(script)
    assert span is not None
    assert an.dockerfile.text[span.start - 2 : span.end + 2] == "c | d"


def test_shell_kind_by_family() -> None:
    for base, kind in [("alpine:3.20", "ok"), ("python:3.12-slim", "dash"),
                       ("registry.example.com/x:1", "unknown"), ("redhat/ubi9:9.4", "ok")]:
        an = parse(f"FROM {base}\nRUN a | b\n")
        ins = an.dockerfile.instructions[1]
        assert shell_kind(an, ins, run_scripts(ins)[0]) == kind, base
