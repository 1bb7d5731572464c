"""Deliver: tell the workflow and the people what was published (the action's outputs and
job summary; channels.py: Apprise notifications, GitHub issues and discussions)."""
