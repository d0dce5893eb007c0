"""tracker: the stances of the parties to a negotiation, issue by issue, over time."""

__version__ = "0.1.0"
