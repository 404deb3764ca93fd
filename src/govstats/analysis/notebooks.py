"""Execute the research notebooks (``notebooks/*.py``, jupytext percent format).

The notebooks are plain Python files with ``# %%`` cells; :func:`run_notebooks` reads each one
with jupytext, executes it with nbclient in a fresh kernel running *this* interpreter (so the
kernel sees the same installed ``govstats``, whatever kernels a machine has registered), with
the notebooks' folder as working directory and ``GOVSTATS_FIGURES`` set to the figure folder.
A failing cell raises :class:`NotebookError` naming the notebook and the cell.

Every notebook takes two parameters from the environment of its kernel: the panel
(``GOVSTATS_DATA``, a folder written by ``govstats build``; default the bundled panel) and
the places it compares (``GOVSTATS_FOCUS``, ids or names separated by ``;``; default the two
places with the most reports).  ``run_notebooks(data=..., focus=...)`` sets them.

>>> from govstats.notebooks import run_notebooks
>>> run_notebooks(["02"], figures_dir="/tmp/figs")           # doctest: +SKIP
[PosixPath('/tmp/figs/requests_new_trends.pdf'), ...]

Command line: ``govstats notebooks [--figures DIR] [--out DIR] [NAME...]``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import GovstatsError

__all__ = [
    "DATA_ENV",
    "FIGURES_ENV",
    "FOCUS_ENV",
    "NotebookError",
    "default_figures_dir",
    "find_notebooks",
    "notebooks_dir",
    "repo_root",
    "run_notebooks",
]

#: Environment variable the notebooks read for their figure folder.
FIGURES_ENV = "GOVSTATS_FIGURES"
#: Environment variable of the panel folder (read by :func:`govstats.load_panel`).
DATA_ENV = "GOVSTATS_DATA"
#: Environment variable of the focal places (see :func:`govstats.analysis.places.focus`).
FOCUS_ENV = "GOVSTATS_FOCUS"
#: Regex of matplotlib's missing-glyph warning ("Glyph 32416 (…) missing from font(s) …",
#: older versions "… missing from current font").
GLYPH_WARNING = r"Glyph .*missing from"
_KERNEL_NAME = "govstats-python3"
_STRICT_CELL = (
    "# injected by govstats.notebooks.run_notebooks(strict_warnings=True)\n"
    "import warnings\n"
    f"warnings.filterwarnings('error', message={GLYPH_WARNING!r})"
)


class NotebookError(GovstatsError):
    """A notebook could not be found, read or executed."""


def repo_root(start: str | Path | None = None) -> Path | None:
    """The repository holding the notebooks: the first of ``start`` (default: the working
    directory) and its parents, then the folder two levels above the installed package, that
    has both ``pyproject.toml`` and ``notebooks/``; ``None`` when there is none (an installed
    wheel used elsewhere)."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    candidates = [here, *here.parents, Path(__file__).resolve().parents[3]]
    for c in candidates:
        if (c / "pyproject.toml").is_file() and (c / "notebooks").is_dir():
            return c
    return None


def notebooks_dir(start: str | Path | None = None) -> Path:
    """The ``notebooks/`` folder of :func:`repo_root`; raises :class:`NotebookError`."""
    root = repo_root(start)
    if root is None:
        raise NotebookError(
            "no notebooks/ folder found (run from the govstats repository, or pass paths)")
    return root / "notebooks"


def default_figures_dir(start: str | Path | None = None) -> Path:
    """Where the notebooks write figures: ``$GOVSTATS_FIGURES`` if set, else the repository's
    ``figures/`` (see :func:`repo_root`), else ``./figures``."""
    env = os.environ.get(FIGURES_ENV)
    if env:
        return Path(env)
    root = repo_root(start)
    return (root if root is not None else Path.cwd()) / "figures"


def find_notebooks(names: Sequence[str] | None = None,
                   folder: str | Path | None = None) -> list[Path]:
    """Percent files to run, in order.  ``names`` are paths to ``.py`` files, or names in
    ``folder`` (default :func:`notebooks_dir`) given in full (``02_requests_disclosure_trends``,
    with or without ``.py``) or by a unique prefix (``02``).  ``None``: every ``NN_*.py``."""
    paths: list[Path] = []
    if names:
        for name in names:
            p = Path(name)
            if p.suffix == ".py" and p.is_file():
                paths.append(p.resolve())
                continue
            base = Path(folder) if folder is not None else notebooks_dir()
            stem = p.name.removesuffix(".py")
            hits = sorted(f for f in base.glob("*.py") if f.stem == stem) or sorted(
                f for f in base.glob("*.py") if f.stem.startswith(stem))
            if len(hits) != 1:
                found = ", ".join(f.stem for f in hits) or "none"
                raise NotebookError(f"notebook {name!r}: {len(hits)} match in {base} ({found})")
            paths.append(hits[0].resolve())
        return paths
    base = Path(folder) if folder is not None else notebooks_dir()
    paths = sorted(f.resolve() for f in base.glob("[0-9][0-9]_*.py"))
    if not paths:
        raise NotebookError(f"no notebooks (NN_*.py) in {base}")
    return paths


def _kernel_manager(spec_root: Path):  # type: ignore[no-untyped-def]
    """A kernel manager for a kernel spec that runs ``sys.executable -m ipykernel_launcher``
    (written to ``spec_root``), independent of the kernels registered on the machine."""
    if importlib.util.find_spec("ipykernel") is None:
        raise NotebookError(
            "ipykernel is not installed in this environment: pip install 'govstats[notebooks]'")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = spec_root / _KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        # a batch kernel on this machine: its start-up notices (the loopback TCP warning of
        # recent ipykernel) are not the notebook's output; errors still show
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "Python 3 (govstats)",
        "language": "python",
    }), encoding="utf-8")
    ksm = KernelSpecManager(kernel_dirs=[str(spec_root)], ensure_native_kernel=False)
    return KernelManager(kernel_name=_KERNEL_NAME, kernel_spec_manager=ksm)


def _kernel_pythonpath(current: str) -> str:
    """``PYTHONPATH`` for a kernel whose working directory differs from ours: this package's
    parent folder first (the kernel imports the same ``govstats`` as the caller), then the
    caller's entries made absolute."""
    own = str(Path(__file__).resolve().parents[2])  # the folder holding govstats/
    entries = [own] + [str(Path(e).resolve()) for e in current.split(os.pathsep) if e]
    return os.pathsep.join(dict.fromkeys(entries))


def _failed_cell(nb) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """(1-based cell number, first source line) of the first cell with an error output."""
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error"
                                            for o in cell.get("outputs", [])):
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return k + 1, first
    return 0, ""


def _snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir() if p.is_file()}


def run_notebooks(names: Sequence[str] | None = None, figures_dir: str | Path | None = None,
                  timeout: int = 600, out_dir: str | Path | None = None,
                  strict_warnings: bool = False,
                  folder: str | Path | None = None, data: str | Path | None = None,
                  focus: str | None = None) -> list[Path]:
    """Execute notebooks top to bottom; returns the figure files they wrote (sorted).

    ``names``: see :func:`find_notebooks` (default: all four).  ``figures_dir``: the figure
    folder passed to the kernels as ``$GOVSTATS_FIGURES`` (default
    :func:`default_figures_dir`).  ``timeout``: seconds per cell.  ``out_dir``: also write
    each executed notebook as ``out_dir/NAME.ipynb`` (also when it fails, to show the error).
    ``strict_warnings``: run a first cell that turns matplotlib's missing-glyph warning into
    an error (the cell is not kept in the written notebook).  The working directory of each
    kernel is the notebook's folder.  ``data``: the panel folder the notebooks analyse (else
    ``$GOVSTATS_DATA``, else the bundled panel; a relative path is taken from the current
    directory, not the notebooks').  ``focus``: the places they compare (else
    ``$GOVSTATS_FOCUS``, else the two places with the most reports).

    Raises :class:`NotebookError` naming the notebook and the failing cell.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    paths = find_notebooks(names, folder)
    figures = Path(figures_dir) if figures_dir is not None else default_figures_dir()
    figures = figures.resolve()
    figures.mkdir(parents=True, exist_ok=True)
    out = Path(out_dir).resolve() if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env[FIGURES_ENV] = str(figures)
    if data is not None:
        env[DATA_ENV] = str(data)
    if env.get(DATA_ENV):
        from ..panel.load import data_dir

        try:  # checked here, and absolute: the kernels run in the notebooks' folder
            env[DATA_ENV] = str(data_dir(Path(env[DATA_ENV]).resolve()).resolve())
        except GovstatsError as exc:
            raise NotebookError(f"panel for the notebooks: {exc}") from exc
    if focus is not None:
        env[FOCUS_ENV] = focus
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONPATH"] = _kernel_pythonpath(env.get("PYTHONPATH", ""))
    before = _snapshot(figures)
    with tempfile.TemporaryDirectory(prefix="govstats-kernel-") as spec_root:
        for path in paths:
            try:
                nb = jupytext.read(path)
            except Exception as exc:
                raise NotebookError(f"{path.name}: cannot read as a jupytext notebook: {exc}"
                                    ) from exc
            if strict_warnings:
                nb.cells.insert(0, nbformat.v4.new_code_cell(_STRICT_CELL))
            client = NotebookClient(
                nb, km=_kernel_manager(Path(spec_root)), timeout=timeout,
                resources={"metadata": {"path": str(path.parent)}})
            error: Exception | None = None
            try:
                client.execute(cleanup_kc=True, env=env)
            except (CellExecutionError, CellTimeoutError) as exc:
                error = exc
            except RuntimeError as exc:  # the kernel did not start or answer
                raise NotebookError(f"{path.name}: the kernel failed: {exc}") from exc
            finally:
                if strict_warnings:
                    del nb.cells[0]
                if out is not None:
                    nbformat.write(nb, out / f"{path.stem}.ipynb")
            if error is not None:
                number, first = _failed_cell(nb)
                where = f"cell {number} ({first!r})" if number else "a cell"
                if isinstance(error, CellTimeoutError):
                    raise NotebookError(f"{path.name}: {where} timed out after {timeout} s"
                                        ) from error
                ename = getattr(error, "ename", type(error).__name__)
                evalue = getattr(error, "evalue", str(error))
                raise NotebookError(f"{path.name}: {where} failed: {ename}: {evalue}"
                                    ) from error
    after = _snapshot(figures)
    return sorted(p for p, st in after.items() if before.get(p) != st)
