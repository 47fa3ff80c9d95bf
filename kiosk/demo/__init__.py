"""Synthetic demo data for `make run`: the demo hospital's kiosks, departments and patients."""
