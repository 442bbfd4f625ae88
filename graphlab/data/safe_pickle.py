"""A restricted unpickler for the Planetoid ``ind.*`` files and LINKX's split ``.npy``: only numpy arrays, scipy
CSR matrices and plain containers may be constructed, so a malicious pickle cannot run code."""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path
from typing import Any, BinaryIO

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


def safe_loads(data: bytes | BinaryIO, origin: str | Path) -> Any:
    """Load a Python 2 pickle (latin1) from ``data`` (bytes, or a binary stream from its current position)
    through the restricted unpickler; refusals and damage are DataErrors naming ``origin``."""
    try:
        return RestrictedUnpickler(io.BytesIO(data) if isinstance(data, bytes) else data, encoding="latin1").load()
    except pickle.UnpicklingError as e:
        raise DataError(f"{origin}: refused to unpickle ({e})") from None
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError, ImportError, OSError,
            struct.error, MemoryError) as e:
        raise DataError(f"{origin}: not a valid pickle ({type(e).__name__}: {e})") from None


def safe_load(path: Path) -> Any:
    """:func:`safe_loads` of the file ``path``."""
    try:
        with path.open("rb") as f:
            return safe_loads(f, path)
    except OSError as e:
        raise DataError(f"cannot read {path}: {e.strerror or e}") from None
