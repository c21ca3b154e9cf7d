from __future__ import annotations

import pytest

from .report_samples import make_case, make_deadlines


@pytest.fixture
def case():
    return make_case()


@pytest.fixture
def deadlines():
    return make_deadlines()
