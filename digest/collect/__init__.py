"""Collect: GitHub activity for every repository in the window."""
