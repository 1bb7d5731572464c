"""The archive: what has already been published, and publishing what a run renders.

One place knows the target: a GitHub repository (as one commit or a pull request, through
the Git Data API) or a local directory (`publish: none`). Both answer the same questions
(which files exist, what a past sidecar said) and take the same rendered files.
"""
