"""Plateward: a privacy-by-design data platform for Automated License Plate Reader programs."""

__version__ = "0.1.0"
