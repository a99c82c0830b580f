"""Believable demo data, generated in code. Re-running it changes nothing."""

from .builder import build_demo_data

__all__ = ["build_demo_data"]
