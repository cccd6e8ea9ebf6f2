"""Shared test set-up: import the package from this checkout, a fast hypothesis profile, and
a clean engine state (grad mode on, seed 0) for every test."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # tests/parity.py

import tinygrad_edu  # noqa: E402

try:
    from hypothesis import settings
except ImportError:  # hypothesis is a dev extra; its tests skip themselves without it
    pass
else:
    settings.register_profile("tinygrad_edu", max_examples=40, deadline=None,
                              derandomize=True, print_blob=True)
    settings.load_profile("tinygrad_edu")


@pytest.fixture(autouse=True)
def _clean_engine_state():
    """Each test starts with grad mode on and the default generator seeded with 0."""
    tinygrad_edu.set_grad_enabled(True)
    tinygrad_edu.manual_seed(0)
    yield
    tinygrad_edu.set_grad_enabled(True)
