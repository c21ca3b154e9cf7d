"""Statutory calendar: work/rest days, deadline rules and due-date arithmetic (pure layer: stdlib + domain)."""
from .deadlines import DueDate, compute_due, due_date, due_state
from .policies import DEFAULT_PROFILE, PROFILES, DeadlinePolicy, Profile, get_profile, profile_from_dict, profile_to_dict
from .workcalendar import WorkCalendar, format_holiday_csv, parse_holiday_csv

__all__ = [
    "DEFAULT_PROFILE", "PROFILES", "DeadlinePolicy", "DueDate", "Profile", "WorkCalendar", "compute_due",
    "due_date", "due_state", "format_holiday_csv", "get_profile", "parse_holiday_csv", "profile_from_dict",
    "profile_to_dict",
]
