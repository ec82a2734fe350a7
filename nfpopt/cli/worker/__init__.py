"""The command line's worker (``nfpopt worker start``): a background process that keeps
nfpopt's libraries imported and runs each ``nfpopt`` call in a fresh fork of itself.

:mod:`.protocol` (paths, identity, messages) and :mod:`.client` (the calling end) are what the
entry point loads on every call, so they stay light; :mod:`.server` and :mod:`.child` run in
the worker; :mod:`.commands` holds ``nfpopt worker start|stop|status``.
"""
