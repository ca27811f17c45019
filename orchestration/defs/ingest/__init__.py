"""Raw-table assets, their checks, the inbox sensor and the daily schedule."""
