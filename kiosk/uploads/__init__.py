"""What patients hand over as files: card photos and signatures, sanitised, encrypted at rest
and purged after the retention period."""
