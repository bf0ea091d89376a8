"""Customers booking, moving and cancelling appointments, and asking about the business,
by text, call or API. The chain is chain.CustomerAgent; the calendar rules are in
availability.py; a booking's changes in lifecycle.py; the tick's part in upkeep.py."""
