"""Places, their bodies and the focal bodies of a comparison.

A *place* is a government (a province, prefecture, county or special zone) together with its
departments: the unit a comparison of two cities is made of.  :func:`bodies` gives every body
of a panel with its place, a short name for figures and the years it reported;
:func:`places` one row per place; :func:`focus` the places a notebook compares — named by the
user (``GOVSTATS_FOCUS``: ids or names, separated by ``;`` or ``,``) or, by default, the places
with the most reports.  :func:`too_little` is how a notebook says a figure has too little data
instead of failing.

>>> import govstats
>>> from govstats.analysis import places
>>> panel = govstats.load_panel()                                    # doctest: +SKIP
>>> places.focus(panel)                                              # doctest: +SKIP
['cn-350128-ptsyq', 'cn-350300']
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import GovstatsError

__all__ = ["FOCUS_ENV", "Study", "bodies", "focus", "in_place", "places", "study", "too_little",
           "year_ranges"]

#: Environment variable holding the focal bodies of the notebooks (ids or names, ``;``/``,``).
FOCUS_ENV = "GOVSTATS_FOCUS"
# what follows the area's name in a government's own name (莆田市|人民政府)
_GOVERNMENT_SUFFIX = re.compile(r"(人民政府|管理委员会|管委会|行政公署)?(办公厅|办公室)?$")


def _place_name(pid: str, names: pd.Series) -> str:
    """The name of a place: the panel's, else the registry's, else the GB/T 2260 division's."""
    if pid in names.index:
        return str(names[pid])
    from ..panel.registry import records

    rec = records().get(pid)
    if rec is not None:
        return rec.name
    from ..parse.jurisdiction import divisions

    m = re.fullmatch(r"cn-([0-9]{6})", pid)
    div = divisions().get(m.group(1)) if m else None
    return div.name if div is not None else pid


def _area(place_name: str) -> str:
    """The area part of a government's name: 莆田市人民政府 → 莆田市."""
    return _GOVERNMENT_SUFFIX.sub("", place_name) or place_name


def _short(name: str, place_name: str) -> str:
    """A department's name without its place's area (莆田市审计局 → 审计局); a government's own
    office keeps its full name (上海市人民政府办公厅)."""
    rest = name.removeprefix(_area(place_name))
    return rest if rest and not _GOVERNMENT_SUFFIX.fullmatch(rest) else name


def bodies(panel: pd.DataFrame) -> pd.DataFrame:
    """Every body of ``panel`` (the long panel or its reports), indexed by ``jurisdiction_id``:
    ``name`` (the latest), ``level``, ``parent_id``, ``place`` (the id of its government: the
    body itself unless it is a department), ``place_name``, ``short`` (the name without the
    place's area, for figures: 莆田市审计局 → 审计局), ``reports``, ``years`` (sorted),
    ``first``, ``last`` and ``scopes`` (the scopes its reports state)."""
    need = {"jurisdiction_id", "jurisdiction", "level", "year", "report_id"}
    missing = need - set(panel.columns)
    if missing:
        raise GovstatsError(f"bodies(): the frame lacks {sorted(missing)}; pass load_panel()")
    cols = [c for c in ("jurisdiction_id", "jurisdiction", "level", "parent_id", "scope",
                        "year", "report_id") if c in panel.columns]
    rep = panel[cols].drop_duplicates("report_id").copy()
    for c in rep.columns:
        if isinstance(rep[c].dtype, pd.CategoricalDtype):
            rep[c] = rep[c].astype(object)
    rep = rep[rep["jurisdiction_id"].notna()].sort_values(["jurisdiction_id", "year"])
    if "parent_id" not in rep.columns:
        rep["parent_id"] = None
    if "scope" not in rep.columns:
        rep["scope"] = "unknown"
    g = rep.groupby("jurisdiction_id", sort=True)
    out = pd.DataFrame({
        "name": g["jurisdiction"].last(),
        "level": g["level"].last(),
        "parent_id": g["parent_id"].last(),
        "reports": g.size(),
        "years": g["year"].agg(lambda s: sorted({int(y) for y in s.dropna()})),
        "first": g["year"].min(),
        "last": g["year"].max(),
        "scopes": g["scope"].agg(lambda s: ", ".join(sorted({str(x) for x in s.dropna()}))),
    })
    is_dept = ((out["level"] == "department") & out["parent_id"].notna()).to_numpy(bool)
    out["place"] = [str(par) if dept else str(jid)
                    for jid, par, dept in zip(out.index, out["parent_id"], is_dept, strict=True)]
    names = out["name"]
    out["place_name"] = [_place_name(p, names) for p in out["place"]]
    out["short"] = [_short(n, pn) if dept else n
                    for n, pn, dept in zip(out["name"], out["place_name"], is_dept, strict=True)]
    out.index.name = "jurisdiction_id"
    return out


def places(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per place, most reports first: ``name``, ``government_reports`` (the
    government's own), ``departments`` (bodies), ``department_reports``, ``reports`` (all),
    ``first``, ``last``."""
    b = bodies(panel)
    # the place's own government: the body that is its place and not a department (a
    # department no division places is its own place, without a government)
    is_gov = (b.index == b["place"]) & (b["level"] != "department")
    g = b.groupby("place")
    out = pd.DataFrame({
        "name": g["place_name"].first(),
        "government_reports": b[is_gov].groupby("place")["reports"].sum(),
        "departments": b[~is_gov].groupby("place").size(),
        "department_reports": b[~is_gov].groupby("place")["reports"].sum(),
        "reports": g["reports"].sum(),
        "first": g["first"].min(),
        "last": g["last"].max(),
    })
    for c in ("government_reports", "departments", "department_reports"):
        out[c] = out[c].fillna(0).astype(int)
    out.index.name = "place"
    return out.sort_values(["reports", "government_reports"], ascending=False, kind="stable")


def _split(spec: str | Sequence[str]) -> list[str]:
    if isinstance(spec, str):
        return [s.strip() for s in re.split(r"[;,，；]", spec) if s.strip()]
    return [str(s).strip() for s in spec if str(s).strip()]


def focus(panel: pd.DataFrame, spec: str | Sequence[str] | None = None, n: int = 2
          ) -> list[str]:
    """The places to compare: ``spec`` (ids or names of bodies; a department stands for its
    place), else ``$GOVSTATS_FOCUS``, else ``n`` places: those whose government has a report
    of its own first, by number of reports, then the others (unresolved bodies last).  Each
    id once, in the order given.  An unknown body raises with the closest ids and names."""
    from ..panel.views import body_id

    if spec is None:
        spec = os.environ.get(FOCUS_ENV) or None
    b = bodies(panel)
    if spec is not None:
        out: list[str] = []
        for item in _split(spec):
            jid = body_id(panel, item)
            out.append(str(b.loc[jid, "place"]))
        return list(dict.fromkeys(out))
    p = places(panel)
    rank = p.assign(
        _gov=(p["government_reports"] == 0).astype(int),  # a government's own reports first
        _unresolved=p.index.str.startswith("cn-000000").astype(int),
    ).sort_values(["_gov", "reports", "_unresolved"], ascending=[True, False, True],
                  kind="stable")
    return [str(i) for i in rank.head(n).index]


def in_place(index: pd.Index | pd.MultiIndex | Iterable[str], panel_bodies: pd.DataFrame
             ) -> pd.Series:
    """The place of each ``jurisdiction_id`` in ``index`` (a frame's index from ``wide`` or
    an iterable of ids), as a Series aligned with it (None for a body not in
    ``panel_bodies``)."""
    if isinstance(index, pd.MultiIndex):
        ids = index.get_level_values("jurisdiction_id")
    elif isinstance(index, pd.Index):
        ids = index
    else:
        ids = pd.Index(list(index))
    place = panel_bodies["place"]
    return pd.Series([place.get(j) for j in ids], index=index if isinstance(index, pd.Index)
                     else ids, dtype=object)


def too_little(what: str, have: int, need: int, unit: str = "") -> bool:
    """True (and says so, once, on stdout) when ``have`` < ``need``: a notebook's way of
    skipping a figure or a model on a panel with too little data instead of failing."""
    if have >= need:
        return False
    unit = f" {unit}" if unit else ""
    print(f"too little data for {what}: {have}{unit} (needs at least {need}); skipped")
    return True


def year_ranges(years: Iterable[int]) -> str:
    """Years as runs: [2011, 2012, 2013, 2016] → "2011–2013, 2016"."""
    ys = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


@dataclass
class Study:
    """What a notebook works on: the panel, its wide view by indicator with each row's
    ``body`` (short name), ``place`` and ``place_name`` and ``focal`` (the focal place's name,
    None for other places), every body (:func:`bodies`), the focal places and the folder."""

    panel: pd.DataFrame
    wide: pd.DataFrame
    bodies: pd.DataFrame
    focus: list[str]
    data: Path

    @property
    def focus_names(self) -> list[str]:
        """The focal places' names, in the order of :attr:`focus`."""
        return [self.place_name(p) for p in self.focus]

    def place_name(self, place: str) -> str:
        b = self.bodies
        hit = b.loc[b["place"] == place, "place_name"]
        return str(hit.iloc[0]) if len(hit) else place

    def governments(self) -> pd.DataFrame:
        """Rows of :attr:`wide` of the focal places' governments (their own reports)."""
        ids = self.wide.index.get_level_values("jurisdiction_id")
        return self.wide[ids.isin(self.focus)]

    def departments(self) -> pd.DataFrame:
        """Rows of :attr:`wide` of the focal places' departments."""
        ids = self.wide.index.get_level_values("jurisdiction_id")
        return self.wide[self.wide["focal"].notna() & ~ids.isin(self.focus)]

    def describe(self) -> str:
        """One paragraph on what the panel holds and what is compared, from the data."""
        b, p = self.bodies, places(self.panel)
        lines = [f"panel {self.data}: {self.panel['report_id'].nunique()} reports with a "
                 f"statistics table, {len(b)} bodies in {len(p)} places, years "
                 f"{int(b['first'].min())}–{int(b['last'].max())}",
                 f"  values: {layer_text(self.panel, 'en')}"]
        for pid in self.focus:
            row = p.loc[pid]
            lines.append(f"  focal place {row['name']} ({pid}): {row['government_reports']} "
                         f"report(s) of the government, {row['departments']} department(s) "
                         f"with {row['department_reports']} report(s), "
                         f"{int(row['first'])}–{int(row['last'])}")
        return "\n".join(lines)


def layer_text(panel: pd.DataFrame, lang: str = "en") -> str:
    """Which values ``panel`` holds, in words: the printed ones only, or those and the cells
    settled across years (the resolved layer of :func:`govstats.load_panel`)."""
    n = int((panel["layer"] == "resolved").sum()) if "layer" in panel.columns else 0
    if panel.attrs.get("govstats_layer") != "resolved" and not n:
        return {"en": "as printed", "zh": "按报告印出的数值"}[lang]
    return {"en": f"as printed, and {n} settled across years (resolved.csv)",
            "zh": f"按报告印出的数值，另有 {n} 个由跨年度恒等式核定（resolved.csv）"}[lang]


def study(data: str | Path | None = None, focus_spec: str | Sequence[str] | None = None,
          n: int = 2, layer: str = "printed") -> Study:
    """Load the panel (``data``: a folder written by ``govstats build``; None:
    ``$GOVSTATS_DATA``, else the bundled panel; ``layer``: ``printed`` or ``resolved``, see
    :func:`govstats.load_panel`) and set up the comparison of :func:`focus` (``focus_spec``,
    else ``$GOVSTATS_FOCUS``, else the ``n`` places with the most reports)."""
    from ..panel.load import data_dir, load_panel
    from ..panel.views import wide

    folder = data_dir(data)
    panel = load_panel(folder, layer=layer)
    b = bodies(panel)
    chosen = focus(panel, focus_spec, n)
    w = wide(panel, by="indicator")
    ids = w.index.get_level_values("jurisdiction_id")
    w["body"] = [b.loc[j, "short"] for j in ids]
    w["place"] = [b.loc[j, "place"] for j in ids]
    w["place_name"] = [b.loc[j, "place_name"] for j in ids]
    names = {pid: str(b.loc[b["place"] == pid, "place_name"].iloc[0]) for pid in chosen}
    w["focal"] = [names.get(pl) for pl in w["place"]]
    return Study(panel, w, b, chosen, folder)
