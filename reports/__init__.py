"""Quarterly leadership report."""
