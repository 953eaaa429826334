from __future__ import annotations

import pytest

from dockwise.config import ConfigError, settings_from_mapping
from dockwise.images.registry import config_from_settings


def test_registry_settings_reach_the_client() -> None:
    s = settings_from_mapping({"registry-platform": "linux/arm64",
                               "insecureRegistries": ["registry.lan:5000"],
                               "registry-cache-dir": "/tmp/dw-cache"}, "test")
    cfg = config_from_settings(s)
    assert cfg.platform == "linux/arm64"
    assert "registry.lan:5000" in cfg.insecure_registries
    assert str(cfg.cache_dir) == "/tmp/dw-cache"


def test_bad_platform_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="registry-platform"):
        settings_from_mapping({"registry-platform": "amd64"}, "test")
