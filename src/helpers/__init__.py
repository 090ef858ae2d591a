"""Helpers for the book "Vision 2026 i tal": data, analysis and charts.

Data flows one way: live sources / harvest -> data/snapshot -> analysis -> page.
"""
