"""The package's own error types: each is a user-facing problem reported as one line (exit code 2)."""

from __future__ import annotations


class GraphlabError(Exception):
    """Bad input or missing resources; the CLI prints ``graphlab: error: <message>`` and exits 2."""

    exit_code = 2


class ConfigError(GraphlabError):
    """A config file, key, value or override that cannot be used."""


class DataError(GraphlabError):
    """A dataset that is missing, corrupt or malformed (the message names the file and the fix)."""


class TrainingError(GraphlabError):
    """A run that cannot go on, e.g. a NaN/inf loss."""
