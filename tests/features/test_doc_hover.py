from __future__ import annotations

from dockwise.features.doc_hover import compose_doc_hover, dockerfile_doc_hover


def test_instruction_and_flag_docs() -> None:
    text = "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install -r r.txt\n"
    h = dockerfile_doc_hover(text, text.index("RUN") + 1)
    assert h is not None and h.markdown.startswith("**RUN**")
    assert text[h.span.start:h.span.end] == "RUN"
    assert "**" not in h.plain
    f = dockerfile_doc_hover(text, text.index("--mount") + 3)
    assert f is not None and "--mount" in f.markdown
    t = dockerfile_doc_hover(text, text.index("cache,") + 1)
    assert t is not None and "persistent cache" in t.markdown
    tgt = dockerfile_doc_hover(text, text.index("target=") + 1)
    assert tgt is not None and "Mount path" in tgt.markdown
    assert dockerfile_doc_hover(text, text.index("pip")) is None


def test_onbuild_inner_instruction() -> None:
    text = "FROM alpine\nONBUILD COPY . /app\n"
    h = dockerfile_doc_hover(text, text.index("COPY") + 1)
    assert h is not None and h.markdown.startswith("**COPY**")


def test_compose_key_docs() -> None:
    text = "services:\n  web:\n    image: nginx\n    restart: always\n    deploy:\n      resources: {}\n"
    h = compose_doc_hover(text, text.index("restart") + 2)
    assert h is not None and "Restart policy" in h.markdown
    assert text[h.span.start:h.span.end] == "restart"
    r = compose_doc_hover(text, text.index("resources") + 2)
    assert r is not None and "services.web.deploy.resources" in r.markdown
    assert compose_doc_hover(text, text.index("nginx") + 1) is None


def test_compose_key_docs_unparsable() -> None:
    text = "services:\n  web:\n    image: [nginx\n    healthcheck:\n"
    h = compose_doc_hover(text, text.index("healthcheck") + 3)
    assert h is not None and "healthcheck" in h.markdown.lower()
