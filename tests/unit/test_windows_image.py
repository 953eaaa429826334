"""Which image references are Windows containers (rules that do not apply to Windows skip
them: DC306 read-only root, the POSIX-shell rules)."""

from __future__ import annotations

import pytest

from dockwise.dockerfile.analysis import windows_image

WINDOWS = [
    "mcr.microsoft.com/windows/servercore:ltsc2022",
    "mcr.microsoft.com/windows/nanoserver:ltsc2022",
    "mcr.microsoft.com/windows/server:ltsc2022",
    "mcr.microsoft.com/windows:20H2",
    "mcr.microsoft.com/windows/servercore@sha256:" + "0" * 64,
    "mcr.microsoft.com/dotnet/framework/runtime:4.8",
    "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022",
    "mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022",
    "mcr.microsoft.com/nanoserver-insider:10.0.17744.1001",
    "python:3.12-windowsservercore-ltsc2022",
    "golang:1.22-nanoserver-ltsc2022",
    "microsoft/nanoserver",
    "microsoft/windowsservercore:latest",
    "stefanscherer/mongo-windows:3.4.1-nano",
]
LINUX = [
    "dockurr/windows:4.00",  # a Linux container that runs a Windows VM
    "mcr.microsoft.com/dotnet/aspnet:8.0",
    "node:20",
    "localhost:5000/app:1",
]


@pytest.mark.parametrize("ref", WINDOWS)
def test_windows_images(ref: str) -> None:
    assert windows_image(ref)


@pytest.mark.parametrize("ref", LINUX)
def test_linux_images(ref: str) -> None:
    assert not windows_image(ref)
