"""The front desk's queue as plain functions: today's list, the actions on tickets, check-in at
the desk and the cheap "has anything changed?" value for polling screens.

Nothing here reads a Flask request: the acting staff member arrives as a plain id, so the staff
screens stay thin and every rule is tested without a browser. Functions need an application
context (the database session, the facility's time zone).
"""
