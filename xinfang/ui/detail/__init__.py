"""One case on screen: the CaseDetail widget (widget.py) and its sections."""
