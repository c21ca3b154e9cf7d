"""Use cases: the only API of the front ends."""
from .workspace import Acted, Preview, Registered, Workspace  # noqa: F401
from ..storage.store import ListFilter  # noqa: F401  (front ends build filters)
