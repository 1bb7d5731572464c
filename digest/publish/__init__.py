"""Publish: put the rendered files where the user wants them."""
