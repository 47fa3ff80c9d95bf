"""Floorplan versions for facility staff: publishing, rollback, diff, import and export."""
