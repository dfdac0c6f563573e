"""Writing files so that a crash never leaves half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, payload: bytes) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over
    ``path``: a crash leaves either the old file or the new one, never half."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent or ".", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def check_writable(path: Path, what: str) -> None:
    """Refuse (:class:`ValueError` saying why) a path :func:`write_atomic` could not
    write later, by doing what it will do: create a temporary file beside it.
    ``what`` names the option the path came from (``--state``)."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise ValueError(f"{path} is a folder; {what} needs the path of a file")
    if not folder.is_dir():
        raise ValueError(
            f"{path}: the folder {folder} does not exist; create it or choose another {what}"
        )
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(temp)
    except OSError as error:
        raise ValueError(
            f"{path}: cannot write in the folder {folder} ({error.strerror or error}); "
            f"choose another {what}"
        ) from None
