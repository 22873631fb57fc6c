"""Fixtures for the end-to-end tests; the helpers live in support.py."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from support import Scaler, generate_stubs


@pytest.fixture(scope="session")
def es(tmp_path_factory) -> types.SimpleNamespace:
    """`es.pb2` / `es.grpc`: Python modules generated from KEDA's externalscaler.proto."""
    return generate_stubs(tmp_path_factory.mktemp("stubs"))


def pytest_collection_finish(session) -> None:
    """A cold build of the image's rootfs (test_image_rootfs.py) waits on the network, not
    the CPU: start it now, so it overlaps the release build and the tests before it."""
    if any(item.path.name == "test_image_rootfs.py" for item in session.items):
        from image_support import start_rootfs_build

        start_rootfs_build()


@pytest.fixture(scope="session")
def release_binary() -> Path:
    """The release binary built as the Dockerfile builds it (image_support.py), once per session."""
    from image_support import build_release_binary

    return build_release_binary()


@pytest.fixture
def scaler_factory(tmp_path):
    """`make(**kwargs)` -> a started Scaler (`start=False` only writes its files).

    Every Scaler made here is killed at teardown.
    """
    made: list[Scaler] = []

    def make(*, start: bool = True, name: str | None = None, **kwargs) -> Scaler:
        s = Scaler(tmp_path / (name or f"scaler{len(made)}"), **kwargs)
        made.append(s)
        if start:
            s.start()
        return s

    yield make
    for s in made:
        s.close()


@pytest.fixture(scope="module")
def module_scaler_factory(tmp_path_factory):
    """Like scaler_factory, for servers shared by the read-only tests of one module."""
    made: list[Scaler] = []

    def make(*, start: bool = True, **kwargs) -> Scaler:
        s = Scaler(tmp_path_factory.mktemp("shared-scaler"), **kwargs)
        made.append(s)
        if start:
            s.start()
        return s

    yield make
    for s in made:
        s.close()
