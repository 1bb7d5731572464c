"""Deliver: tell the workflow and the people what was published (runner outputs, the job
summary; notifications and feeds come here too)."""
