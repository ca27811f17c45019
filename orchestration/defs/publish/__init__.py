"""Publishing: serving warehouse, Superset sync, quarterly report assets."""
