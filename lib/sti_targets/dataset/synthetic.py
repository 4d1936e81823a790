"""Synthetic project folders in the schema of the curated data, for benchmarks at scale.

``generate(root, n_regions)`` writes a complete project folder under ``root``:
data/{regions,indicators,documents,observations,targets}.csv, data/sources/*.txt, notebooks/ and
pyproject.toml, so that ``STI_TARGETS_ROOT=root sti-targets check`` and ``render`` run on it.
Everything in it is marked synthetic: region ids ``syn0001``..., names
"合成地区0001 Synthetic region 0001", document titles and source texts saying SYNTHETIC, a
``source_note`` saying SYNTHETIC, and a SYNTHETIC.md file at the root. The regions are spread over
PROVINCES synthetic provinces in turn (region i in "Synthetic province NN", NN = (i - 1) % PROVINCES + 1),
as many as China has, so that a comparison grouped by province has a full page to show. The quotes are real
quotes of the generated source texts, at their real offsets, and hold their values, so the
provenance checks pass. The indicators are the project's real data/indicators.csv.

It never writes into the project's data/ folder, and it only replaces a data folder that it
generated itself. The same arguments give byte-identical files.

    python -m sti_targets.synthetic ROOT --regions 3000 [--targets 50] [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import shutil
import sys
from pathlib import Path

from .. import paths
from .csvfiles import read_text
from .schema import DOCUMENT_KINDS, DOCUMENTS, OBSERVATIONS, REGIONS, TARGETS

PREFIX = "syn"
MARKER = "SYNTHETIC.md"
MAX_REGIONS = 99 * 90  # admin codes 99PPCC: prefecture PP 01-99, county CC 01-90
MAX_TARGETS = 999
PERIOD = (2021, 2025)
TRADITIONAL_EVERY = 5  # every 5th document is in Traditional characters, as Changde's is among the five seeds
CONFLICT_EVERY = 10  # every 10th document states one target twice, disagreeing
PROVINCES = 31  # China's provincial-level divisions: the synthetic regions take turns among as many
PLATFORM_TIERS = (("national", "国家级"), ("provincial", "省级"), ("municipal", "市级"))


def region_id(i: int) -> str:
    return f"{PREFIX}{i:04d}"


def province(i: int) -> str:
    """Synthetic province 01 ... 31, in turn: no name of a real province."""
    return f"Synthetic province {(i - 1) % PROVINCES + 1:02d}"


def _admin_code(i: int) -> str:
    """99PPCC, a code in no real province (GB/T 2260 has none starting 99), unique per region."""
    prefecture, county = divmod(i - 1, 90)
    return f"99{prefecture + 1:02d}{county + 1:02d}"


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _indicators() -> list[dict]:
    """The project's real indicators (all but the one measured as a fraction)."""
    rows = csv.DictReader(io.StringIO(read_text(paths.DATA / "indicators.csv"), newline=""))
    return [row for row in rows if row["unit"] != "fraction"]


def _number(rng: random.Random, unit: str) -> float:
    if unit == "%":
        return rng.choice((round(rng.uniform(1, 99), 1), float(rng.randint(1, 95))))
    if unit in ("亿元", "万元/人"):
        return float(rng.choice((rng.randint(1, 500), rng.randint(10, 5000))))
    return float(rng.choice((rng.randint(1, 30), rng.randint(10, 300), rng.randint(100, 5000))))


def _g(value: float) -> str:
    return f"{value:g}"


def _target(rng: random.Random, indicator: dict) -> dict:
    """One target of an indicator and the verbatim clause stating it (Simplified)."""
    name, unit, category = indicator["name_zh"], indicator["unit"], indicator["category"]
    year = rng.choice((2023, 2025, 2025))
    row = {
        "indicator_id": indicator["indicator_id"],
        "category": category,
        "unit": unit,
        "target_year": year,
        "level": "",
        "value_high": "",
        "baseline_value": "",
        "baseline_year": "",
        "is_stretch": rng.random() < 0.4,
        "comparator": "=",
    }
    value = _number(rng, unit)
    tier = ""
    if category == "platforms" and rng.random() < 0.5:
        row["level"], tier = rng.choice(PLATFORM_TIERS)
    draw = rng.random()
    if unit == "%":
        if draw < 0.2:
            row["target_type"] = "growth_rate"
            quote = f"{name}年均增长{_g(value)}%以上"
            row["comparator"] = ">="
        elif draw < 0.45:
            row["target_type"] = "share"
            base = round(value * rng.uniform(0.5, 0.95), 1)
            row["baseline_value"], row["baseline_year"] = base, 2020
            quote = f"{name}由2020年的{_g(base)}%提高到{_g(value)}%"
        elif draw < 0.55:
            row["target_type"] = "share"
            row["comparator"] = "~"
            quote = f"{name}达到{_g(value)}%左右"
        else:
            row["target_type"] = "share"
            quote = f"{name}达到{_g(value)}%"
    else:
        if draw < 0.06:
            row["target_type"], value = "breakthrough", 1.0
            row["comparator"] = ">="
            quote = f"{tier}{name}实现零的突破"
        elif draw < 0.40:
            row["target_type"] = "increment"
            row["comparator"] = ">=" if rng.random() < 0.5 else "="
            quote = f"新增{tier}{name}{_g(value)}{unit}" + ("以上" if row["comparator"] == ">=" else "")
        elif draw < 0.50:
            row["target_type"] = "increment"
            high = value + rng.randint(1, 10)
            row["value_high"] = high
            quote = f"新增{tier}{name}{_g(value)}-{_g(high)}{unit}"
        elif draw < 0.65:
            row["target_type"] = "annual"
            row["comparator"] = ">="
            quote = f"每年{name}不少于{_g(value)}{unit}"
        elif draw < 0.72:
            row["target_type"] = "cumulative"
            quote = f"累计{name}{_g(value)}{unit}"
        elif draw < 0.75:
            row["target_type"] = "maintain"
            row["comparator"] = ">="
            quote = f"{name}保持在{_g(value)}{unit}以上"
        else:
            row["target_type"] = "level"
            if rng.random() < 0.3:
                base = float(max(1, int(value * rng.uniform(0.4, 0.9))))
                row["baseline_value"], row["baseline_year"] = base, 2020
                quote = f"{tier}{name}由2020年的{_g(base)}{unit}增加到{_g(value)}{unit}"
            else:
                quote = f"{tier}{name}达到{_g(value)}{unit}"
    row["value"] = value
    row["quote"] = quote
    return row


def _region_files(i: int, n_targets: int, indicators: list[dict], rng: random.Random, seed: int, t2s):
    """The regions.csv, documents.csv and targets.csv rows of region i, and its source text."""
    rid = region_id(i)
    number = f"{i:04d}"
    prefecture = (i - 1) // 90 + 1
    region = {
        "region_id": rid,
        "name_zh": f"合成地区{number}",
        "name_en": f"Synthetic region {number}",
        "level": "county",
        "parent_id": "",
        "parent_name_zh": f"合成地市{prefecture:02d}",
        "parent_name_en": f"Synthetic prefecture {prefecture:02d}",
        "province": province(i),
        "admin_code": _admin_code(i),
    }
    traditional = i % TRADITIONAL_EVERY == 0
    convert = t2s.convert if traditional else (lambda s: s)
    chosen = rng.sample(indicators, min(n_targets, len(indicators)))
    chosen += [rng.choice(indicators) for _ in range(n_targets - len(chosen))]
    rows = [_target(rng, ind) for ind in chosen]
    if i % CONFLICT_EVERY == 0 and n_targets >= 2:
        # The last target restated with another value: two rows sharing a conflict id.
        first = dict(rows[-2])
        second = dict(first, value=first["value"] + 1, value_high="", baseline_value="", baseline_year="")
        second["target_type"] = "share" if first["unit"] == "%" else "level"
        second["quote"] = f"{chosen[-2]['name_zh']}达到{_g(second['value'])}{first['unit']}"
        first["conflict"] = second["conflict"] = f"{rid}_c1"
        first["note"] = second["note"] = "SYNTHETIC conflict: the document states this target twice, differently"
        rows[-2:] = [first, second]
    title_zh = f"合成地区{number}科技创新发展规划(2021—2025年)(合成数据 SYNTHETIC)"
    parts = [
        "合成数据 SYNTHETIC DATA\n",
        f"This file was generated by sti_targets.synthetic (seed {seed}). It is not a real document.\n",
        convert(f"{title_zh}\n\n一、主要目标\n"),
    ]
    offset = sum(len(p) for p in parts)
    observations = []
    for k, row in enumerate(rows, start=1):
        lead = convert(f"({k}) 到{row['target_year']}年，" + ("力争" if row["is_stretch"] else ""))
        quote = convert(row["quote"])
        tail = convert("。\n")
        row["quote"], row["quote_start"] = quote, offset + len(lead)
        if row["baseline_value"] != "":  # the baseline is an observation, quoted from the target's clause
            said = f"{row['baseline_year']}年的{_g(row['baseline_value'])}"
            observation_id = f"{rid}-o{len(observations) + 1:03d}"
            row["baseline_observation"] = observation_id
            observations.append(
                {
                    "observation_id": observation_id,
                    "doc_id": f"{rid}_2021_2025",
                    "region_id": rid,
                    "indicator_id": row["indicator_id"],
                    "level": row["level"],
                    "year": row["baseline_year"],
                    "value": _g(row["baseline_value"]),
                    "unit": row["unit"],
                    "quote": said,
                    "quote_start": row["quote_start"] + quote.index(said),
                    "note": "SYNTHETIC: the baseline its target's clause states",
                }
            )
        parts += [lead, quote, tail]
        offset += len(lead) + len(quote) + len(tail)
    parts.append(convert("二、保障措施\n加强组织领导，强化监测评估。(合成数据 SYNTHETIC)\n"))
    text = "".join(parts).encode("utf-8")
    doc_id = f"{rid}_2021_2025"
    file = f"sources/{rid}_2021-2025_synthetic_plan.txt"
    document = {
        "doc_id": doc_id,
        "region_id": rid,
        "title_zh": title_zh,
        "title_en": f"SYNTHETIC science and technology plan of Synthetic region {number} (2021-2025)",
        "issuer": f"合成地区{number}科学技术局 (SYNTHETIC issuer)",
        "issued": f"2021-{(i % 12) + 1:02d}",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "kind": DOCUMENT_KINDS[i % len(DOCUMENT_KINDS)],
        "script": "zh-Hant" if traditional else "zh-Hans",
        "file": file,
        "sha256": hashlib.sha256(text).hexdigest(),
        "source_note": f"SYNTHETIC: generated by sti_targets.synthetic (seed {seed}); not a real document.",
    }
    for k, row in enumerate(rows, start=1):
        row.update(target_id=f"{rid}-{k:03d}", doc_id=doc_id, region_id=rid)
        row["is_stretch"] = "true" if row["is_stretch"] else "false"
        for column in ("value", "value_high", "baseline_value"):
            if row[column] != "":
                row[column] = _g(row[column])
    return region, document, rows, observations, file, text


def _check_root(root: Path) -> Path:
    root = Path(root).resolve()
    project, data = paths.PROJECT_ROOT.resolve(), paths.DATA.resolve()
    if root == project or root == data or data in root.parents:
        raise ValueError(f"refusing to write synthetic data into the project's own data: {root}")
    regions = root / "data" / "regions.csv"
    if regions.exists() and not (root / MARKER).is_file():
        raise ValueError(
            f"{root / 'data'} holds data that was not generated by sti_targets.synthetic; not replacing it"
        )
    return root


def generate(root: Path | str, n_regions: int, targets_per_region: int = 50, seed: int = 0) -> Path:
    """Write a synthetic project folder under ``root`` (see the module docstring); returns root."""
    if not 1 <= n_regions <= MAX_REGIONS:
        raise ValueError(f"n_regions must be 1..{MAX_REGIONS}")
    if not 1 <= targets_per_region <= MAX_TARGETS:
        raise ValueError(f"targets_per_region must be 1..{MAX_TARGETS}")
    root = _check_root(Path(root))
    import opencc

    t2s = opencc.OpenCC("s2t")
    rng = random.Random(seed)
    indicators = _indicators()
    regions, documents, targets, observations, sources = [], [], [], [], {}
    for i in range(1, n_regions + 1):
        region, document, rows, said, file, text = _region_files(i, targets_per_region, indicators, rng, seed, t2s)
        regions.append(region)
        documents.append(document)
        targets += rows
        observations += said
        sources[file] = text
    data = root / "data"
    if data.exists():
        shutil.rmtree(data)
    (data / "sources").mkdir(parents=True)
    (root / MARKER).write_text(
        "# SYNTHETIC project folder\n\nGenerated by `sti_targets.synthetic` "
        f"(regions={n_regions}, targets_per_region={targets_per_region}, seed={seed}).\n"
        "Nothing in it is real data: regions, documents, source texts and targets are made up "
        "for benchmarks. Only data/indicators.csv is the project's real dictionary of measures.\n",
        encoding="utf-8",
    )
    (data / "regions.csv").write_bytes(_csv(regions, [f.name for f in REGIONS]))
    shutil.copyfile(paths.DATA / "indicators.csv", data / "indicators.csv")
    (data / "documents.csv").write_bytes(_csv(documents, [f.name for f in DOCUMENTS]))
    (data / "observations.csv").write_bytes(_csv(observations, [f.name for f in OBSERVATIONS]))
    (data / "targets.csv").write_bytes(_csv(targets, [f.name for f in TARGETS]))
    for file, text in sources.items():
        (data / file).write_bytes(text)
    if (root / "notebooks").exists():
        shutil.rmtree(root / "notebooks")
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copyfile(paths.PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sti_targets.synthetic", description="Write a SYNTHETIC project folder for benchmarks."
    )
    parser.add_argument("root", help="folder to write (never the project itself)")
    parser.add_argument("--regions", type=int, required=True, help=f"number of regions (1-{MAX_REGIONS})")
    parser.add_argument("--targets", type=int, default=50, help="targets per region (default: 50)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    try:
        root = generate(Path(args.root), args.regions, args.targets, args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.regions} synthetic regions x {args.targets} targets into {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
