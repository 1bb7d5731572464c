"""Render: the Digest to Markdown report, JSON sidecar and index."""
