"""The day's schedule from the hospital's systems: entries, the store that applies them, the
CSV and FHIR importers, `flask schedule import` and the staff upload page."""
