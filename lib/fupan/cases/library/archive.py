"""``fupan archive``: a prepared case moved into the library in one step (see the package)."""

from __future__ import annotations

import os
import secrets
import shutil
import time
from pathlib import Path

from ...errors import ArchiveConflictError
from . import fs  # fs._exchange looked up at call time (tests replace it)
from .base import _OLD, _TMP, DEFAULT_LIBRARY, MINUTES, WRITE_ORDER, Archived
from .fs import _fsync_dir, _locked, _write_file, recover
from .index import _stored_index, build_index, write_index
from .stage import _Staged, prepare

# --------------------------------------------------------------------------- archive


def check_conflict(library: Path | str, case_id: str, *, force: bool = False) -> None:
    """Raise ArchiveConflictError if ``case_id`` is in the library and ``force`` is off."""
    folder = Path(library) / case_id
    if folder.exists() and not force:
        raise ArchiveConflictError(
            f"案例库中已有案例 {case_id}（{folder}），未做任何修改。如确需替换，请加 --force（旧案例在新案例就位后才删除）。\n"
            f"The case library already holds {case_id} ({folder}); nothing was changed. To replace it, add "
            f"--force (the old case is removed only once the new one is in place)."
        )


def archive(
    run_dir: Path | str,
    library: Path | str = DEFAULT_LIBRARY,
    *,
    force: bool = False,
    provenance: str | None = None,
    card: Path | str | None = None,
) -> Archived:
    """File the finished run in ``run_dir`` (``reports/<id>``) as ``library/<id>/``, atomically.

    ``provenance`` (real | synthetic) is needed when the card does not state it; ``card`` names
    the campaign.yaml to keep (it must parse to the card in the record; by default the one the
    run's notebook was executed for is used when unchanged, else the record's card is written).
    An existing case is replaced only with ``force``. See the module docstring for the steps.
    """
    t0 = time.perf_counter()
    library = Path(library)
    staged = prepare(run_dir, provenance=provenance, card=card)
    check_conflict(library, staged.case_id, force=force)
    m = staged.meta
    with _locked(library):
        recover(library)
        target = library / staged.case_id
        check_conflict(library, staged.case_id, force=force)
        if _same_files(target, staged):
            if _stored_index(library, build_index(library)) is None:
                write_index(library)
            return Archived(
                staged.case_id,
                target,
                m["provenance"],
                m["definitions_version"],
                m["library_version"],
                False,
                True,
                staged.card_source,
                time.perf_counter() - t0,
                staged.edited_card,
                MINUTES in staged.files,
            )
        tmp = library / f"{_TMP}{staged.case_id}-{secrets.token_hex(4)}"
        os.mkdir(tmp)
        for name in (n for n in WRITE_ORDER if n in staged.files):
            _write_file(tmp / name, staged.files[name])
        _fsync_dir(tmp)
        replaced = target.exists()
        if not replaced:
            os.rename(tmp, target)
        elif fs._exchange(tmp, target):  # tmp now holds the old case
            _fsync_dir(library)
            shutil.rmtree(tmp)
        else:
            old = library / f"{_OLD}{staged.case_id}-{secrets.token_hex(4)}"
            os.rename(target, old)
            os.rename(tmp, target)
            _fsync_dir(library)
            shutil.rmtree(old)
        _fsync_dir(library)
        write_index(library)
    return Archived(
        staged.case_id,
        target,
        m["provenance"],
        m["definitions_version"],
        m["library_version"],
        replaced,
        False,
        staged.card_source,
        time.perf_counter() - t0,
        staged.edited_card,
        MINUTES in staged.files,
    )


def _same_files(target: Path, staged: _Staged) -> bool:
    """Does the library already hold exactly these files for this case?"""
    try:
        return all((target / name).read_bytes() == data for name, data in staged.files.items())
    except OSError:
        return False
