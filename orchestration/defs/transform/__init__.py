"""dbt assets."""
