"""The campaign report: a self-contained HTML page with PNG figures, for reading after each batch.

``write_report(campaign, directory)`` draws it; ``nfpopt report`` is the command. The figure
functions in :mod:`nfpopt.report.figures` also serve the notebooks.
"""

from nfpopt.report.build import write_report
from nfpopt.report.content import ReportContent, gather

__all__ = ["ReportContent", "gather", "write_report"]
