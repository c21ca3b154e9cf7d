from __future__ import annotations

import pytest

from xinfang.calendar.workcalendar import WorkCalendar


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return WorkCalendar.default()
