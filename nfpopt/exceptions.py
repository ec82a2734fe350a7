"""The exceptions nfpopt raises.

Every error a user can trigger subclasses :class:`NfpoptError` *and* the builtin it resembles,
so callers may catch either ``nfpopt.NfpoptError`` or e.g. ``ValueError``.
"""

from __future__ import annotations


class NfpoptError(Exception):
    """Base class of every error raised on purpose by nfpopt."""


class InputDataError(NfpoptError, ValueError):
    """A table, file or value given by the user is malformed or physically impossible.

    The message names the file, row and column where known, shows the value and says the fix.
    """


class DomainError(InputDataError):
    """A recipe lies outside the physical domain the process emulator models."""


class CampaignDefinitionError(InputDataError):
    """A campaign definition (TOML) is invalid: the message names the key, the value and the fix."""


class PriorModelError(CampaignDefinitionError):
    """A campaign's named prior model (``[prior]``) cannot be imported, called or trusted: the
    message names the campaign file, the key and the fix."""


class StoreError(NfpoptError, RuntimeError):
    """The campaign database cannot do what was asked (missing campaign, wrong status, ...)."""


class UnsupportedError(NfpoptError, NotImplementedError):
    """A valid request that this version of nfpopt does not support."""


class WorkerError(NfpoptError, RuntimeError):
    """The command line's worker (``nfpopt worker``) cannot be started, reached or trusted: the
    message names the folder, file or process and says the fix."""


class NfpoptWarning(UserWarning):
    """Base class of the warnings nfpopt gives: something was done, but looks wrong."""


class SuspiciousValueWarning(NfpoptWarning):
    """A value was accepted but looks like a slip, e.g. a temperature in K where °C was meant."""
