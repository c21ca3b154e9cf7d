"""xinfang: offline case manager for petition offices (信访) and mediation committees (人民调解)."""

__version__ = "0.1.0"
