"""The 谁主管谁负责 engine: principles chain + 权责清单 rules → `Decision`; importers for units and rules."""
from .engine import (DEFAULT_CHAIN, PRINCIPLE_NAMES, Decision, Principle, RouteChannel, RoutingInput,
                     RuleIndex, compile_rules, normalize_chain, route)
from .importers import (Category, ImportProblem, category_names, litigation_categories, parse_categories,
                        parse_places, parse_rules, parse_units)

__all__ = [
    "DEFAULT_CHAIN", "PRINCIPLE_NAMES", "Decision", "Principle", "RouteChannel", "RoutingInput",
    "RuleIndex", "compile_rules", "normalize_chain", "route",
    "Category", "ImportProblem", "category_names", "litigation_categories", "parse_categories",
    "parse_places", "parse_rules", "parse_units",
]
