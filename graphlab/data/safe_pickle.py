"""A restricted unpickler for the Planetoid ``ind.*`` files: only numpy arrays, scipy CSR matrices and
plain containers may be constructed, so a malicious pickle cannot run code."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from graphlab.errors import DataError

_ALLOWED = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("scipy.sparse.csr", "csr_matrix"),
    ("scipy.sparse._csr", "csr_matrix"),
    ("collections", "defaultdict"),
    ("__builtin__", "list"),
    ("builtins", "list"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """Refuses every global outside the numpy/scipy/container allow-list."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"global '{module}.{name}' is not allowed")
        if module.startswith("scipy.sparse"):
            import scipy.sparse

            return scipy.sparse.csr_matrix
        return super().find_class(module, name)


def safe_load(path: Path) -> Any:
    """Load a Python 2 pickle (latin1) through the restricted unpickler; refusals are DataErrors."""
    try:
        with path.open("rb") as f:
            return RestrictedUnpickler(f, encoding="latin1").load()
    except pickle.UnpicklingError as e:
        raise DataError(f"{path}: refused to unpickle ({e})") from None
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError, ImportError) as e:
        raise DataError(f"{path}: not a valid pickle ({type(e).__name__}: {e})") from None
