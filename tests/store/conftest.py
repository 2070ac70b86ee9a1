"""Fixtures for store tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from storehelp import generate_corpus


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    return generate_corpus(tmp_path_factory.mktemp("store") / "corpus", n=200)
