"""DC101–DC104 beyond the fixtures: merged projects, editor buffers, the shared pinning
engine."""

from __future__ import annotations

from pathlib import Path

from dockwise.config import settings_from_mapping
from dockwise.images.catalogue import catalogue
from dockwise.images.pinning import pin_reference
from dockwise.lint.engine import lint_compose_text, lint_dockerfile_text
from dockwise.lint.fixes import fix_to_fixpoint
from dockwise.lint.types import Violation


def lint(path: Path, codes: list[str], text: str | None = None,
         open_documents: dict[Path, str] | None = None) -> list[Violation]:
    settings = settings_from_mapping({"select": codes}, "test")
    res = lint_compose_text(text if text is not None else path.read_text(), path, settings,
                            open_documents=open_documents)
    assert not res.internal_errors, res.internal_errors
    return res.violations


def write(tmp: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_dc101_uses_the_df202_pinning_engine(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: python:latest\n"})
    [v] = lint(tmp_path / "compose.yaml", ["DC101"])
    pin = pin_reference("python:latest", catalogue())
    assert pin is not None and v.fix is not None
    assert v.fix.title == pin.title
    df = lint_dockerfile_text("FROM python:latest\n", None,
                              settings_from_mapping({"select": ["DF202"]}, "t")).violations
    assert df[0].fix is not None and df[0].fix.title == pin.title


def test_dc101_reports_the_effective_image_only(tmp_path: Path) -> None:
    write(tmp_path, {
        "compose.yaml": "services:\n  a:\n    image: python:latest\n  b:\n    image: redis\n",
        "compose.override.yaml": "services:\n  a:\n    image: python:3.13\n  b:\n    build: .\n",
    })
    assert lint(tmp_path / "compose.yaml", ["DC101"]) == []  # a: overridden; b: built
    assert lint(tmp_path / "compose.override.yaml", ["DC101"]) == []


def test_dc101_fix_in_default_reaches_fixpoint(tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: 'node:${NODE_TAG:-lts-alpine}'\n"
    write(tmp_path, {"compose.yaml": text})
    path = tmp_path / "compose.yaml"
    res = fix_to_fixpoint(text, lambda t: lint(path, ["DC101"], t), unsafe=True)
    assert res.text.startswith("services:\n  a:\n    image: 'node:${NODE_TAG:-")
    assert "lts" not in res.text and res.remaining == []


def test_dc102_and_dc104_read_the_unsaved_dockerfile(tmp_path: Path) -> None:
    write(tmp_path, {
        "compose.yaml": ("services:\n  a:\n    build:\n      context: .\n      target: prod\n"
                         "      args:\n        VERSION: '1'\n"),
        "Dockerfile": "FROM alpine:3.20 AS prod\nARG VERSION\n",
    })
    path = tmp_path / "compose.yaml"
    assert lint(path, ["DC102", "DC104"]) == []
    buffers = {(tmp_path / "Dockerfile").resolve(): "FROM alpine:3.20 AS production\nARG VERSON\n"}
    found = lint(path, ["DC102", "DC104"], open_documents=buffers)
    assert [v.code for v in found] == ["DC102", "DC104"]
    assert "did you mean `production`" in found[0].message
    assert "did you mean `VERSON`" in found[1].message


def test_dc103_counts_an_unsaved_new_dockerfile(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    build:\n      context: .\n"
                                     "      dockerfile: new.Dockerfile\n"})
    path = tmp_path / "compose.yaml"
    assert [v.code for v in lint(path, ["DC103"])] == ["DC103"]
    buffers = {(tmp_path / "new.Dockerfile").resolve(): "FROM alpine:3.20\n"}
    assert lint(path, ["DC103"], open_documents=buffers) == []


def test_dc102_target_in_override_file(tmp_path: Path) -> None:
    write(tmp_path, {
        "compose.yaml": "services:\n  a:\n    build: ./app\n",
        "compose.override.yaml": "services:\n  a:\n    build:\n      target: debug\n",
        "app/Dockerfile": "FROM alpine:3.20 AS base\nFROM base AS release\n",
    })
    assert lint(tmp_path / "compose.yaml", ["DC102"]) == []
    [v] = lint(tmp_path / "compose.override.yaml", ["DC102"])
    assert v.message.startswith("`target: debug` is not a stage of `Dockerfile`")


def test_dc103_relative_to_project_directory_not_file(tmp_path: Path) -> None:
    # a file outside the file list is checked on its own: its directory is the project's
    write(tmp_path, {"deploy/compose.prod.yaml": "services:\n  a:\n    build: ../app\n",
                     "app/Dockerfile": "FROM alpine:3.20\n"})
    assert lint(tmp_path / "deploy" / "compose.prod.yaml", ["DC103"]) == []
    settings = settings_from_mapping({"select": ["DC103"]}, "t")
    res = lint_compose_text((tmp_path / "deploy" / "compose.prod.yaml").read_text(),
                            tmp_path / "deploy" / "compose.prod.yaml", settings,
                            project_directory=tmp_path)
    assert [v.code for v in res.violations] == ["DC103"]  # ../app from tmp_path


def test_unsaved_or_untitled_compose_file_does_not_crash() -> None:
    settings = settings_from_mapping({"select": ["DC101", "DC102", "DC103", "DC104"]}, "t")
    res = lint_compose_text("services:\n  a:\n    build:\n      context: x\n      target: y\n"
                            "      args: [A]\n    image: python\n    pull_policy: always\n",
                            None, settings)
    assert not res.internal_errors
    assert [v.code for v in res.violations] == ["DC101"]


def test_dc103_extension_file_used_from_the_repository_root(tmp_path: Path) -> None:
    # `docker compose -f docker-compose.yml -f extensions/x/x-compose.yml` from the root
    write(tmp_path, {
        "docker-compose.yml": "services:\n  a:\n    image: alpine:3.20\n",
        "extensions/x/x-compose.yml": "services:\n  x:\n    build:\n      context: extensions/x/\n",
        "extensions/x/Dockerfile": "FROM alpine:3.20\n",
    })
    assert lint(tmp_path / "extensions" / "x" / "x-compose.yml", ["DC103"]) == []
    write(tmp_path, {"extensions/x/x-compose.yml":
                     "services:\n  x:\n    build:\n      context: extensions/y/\n"})
    [v] = lint(tmp_path / "extensions" / "x" / "x-compose.yml", ["DC103"])
    assert "`extensions/y/` does not exist" in v.message
