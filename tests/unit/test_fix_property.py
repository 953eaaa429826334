"""Property: `--fix` (all rules, unsafe included) never breaks a file that parsed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dockwise.config import Settings
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.fixes import fix_to_fixpoint
from dockwise.lint.types import Severity, Violation

LINES = st.sampled_from([
    "FROM python:3.12 AS Build", "FROM python:latest", "from alpine:3.20 as base", "FROM build",
    "MAINTAINER Jane <j@example.com>", "ENV APP_HOME /app", "ENV A=1 B=$A", "LABEL version 1.0",
    "EXPOSE 80/TCP 443", "EXPOSE 8080:80", "RUN apt-get update \\", "", "  && apt-get install -y curl",
    "CMD ['python', 'app.py']", "CMD python app.py", "ENTRYPOINT [\"sh\", \"-c\", \"$X\"]",
    "HEALTHCHECK CMD [\"curl -f http://localhost/\"]", "WORKDIR app", "ARG TAG", "FROM --platform=$TARGETPLATFORM debian:12",
    "COPY --link . /app", "RUN <<EOF", "echo hi", "EOF", "COPY --from=Build /a /b", "# comment",
    "CMD [\"echo\", \"$HOME\"]", "USER root", "run echo lower",
])


def errors(text: str) -> int:
    return sum(1 for v in lint_dockerfile_text(text).violations
               if v.code == "DF001" and v.severity is Severity.ERROR)


@given(st.lists(LINES, min_size=1, max_size=25))
@settings(max_examples=150, deadline=None)
def test_fix_output_reparses(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    s = Settings(select=["ALL"])

    def lint(t: str) -> list[Violation]:
        res = lint_dockerfile_text(t, None, s)
        assert not res.internal_errors, res.internal_errors
        return res.violations

    before = errors(text)
    res = fix_to_fixpoint(text, lint, unsafe=True)
    assert errors(res.text) <= before, res.text
