"""设置 pages for 谁主管谁负责, kept importable from here: the pages live in the `routing` package
(units_page, unit_dialog, rules_page, trial_page, chain_page)."""
from .routing.chain_page import PRINCIPLE_HELP, ChainPage
from .routing.rules_page import RulesPage
from .routing.trial_page import TrialPage
from .routing.unit_dialog import UnitDialog
from .routing.units_page import UnitsPage

__all__ = ["ChainPage", "PRINCIPLE_HELP", "RulesPage", "TrialPage", "UnitDialog", "UnitsPage"]
