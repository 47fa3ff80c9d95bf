"""Kiosk devices: which screen a request comes from, and turning a browser into a kiosk."""
