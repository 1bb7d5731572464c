"""Summarize: activity to per-repository summaries and an overall summary."""
