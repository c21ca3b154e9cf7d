"""登记, kept importable from here: the form lives in the `register` package (form, petitioners, matter,
attachments, panels)."""
from .register.form import DEBOUNCE_MS, RegisterForm
from .register.petitioners import PetitionerRow
from .widgets import file_size_text

__all__ = ["DEBOUNCE_MS", "PetitionerRow", "RegisterForm", "file_size_text"]
