"""``sti-targets add``: a new document registered in one step.

Everything is validated before anything is written: the source must be UTF-8 text (stored as-is,
never converted: a GB18030 file is refused with the iconv command that converts it), the options
must make valid rows of documents.csv (and of regions.csv for a new region), and the whole data
folder with those rows must pass every check (staging.check_staged). Then the source is copied to
data/sources/<region>_<period>_<kind>.txt read-only (0444), the rows are appended, and extraction's
candidates are written to the review file data/review/<doc_id>.csv (analysis/review.py), all with
atomic renames and put back if one write fails.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import display_path
from .csvfiles import read_table
from .schema import DOCUMENTS, FIRST_YEAR, ID_PATTERN, LAST_YEAR, REGIONS
from .staging import append_csv, check_staged, write_all
from .vocabulary import DOCUMENT_KINDS, REGION_LEVELS, SCRIPTS

PERIOD = re.compile(r"^([0-9]{4})(?:-([0-9]{4}))?$")
HAN = re.compile(r"[\u4e00-\u9fff]")
TRADITIONAL_SHARE = 0.05  # of Han characters OpenCC's t2s changes: 0 in the Simplified seeds, 0.34 in Changde's
SOURCE_MODE = 0o444
REGION_FIELDS = ("name_zh", "name_en", "level", "admin_code")  # required for a new region


class RegisterError(ValueError):
    """Options that cannot register the document; nothing was written."""


@dataclass
class NewRegion:
    """The options of a region not yet in regions.csv (parent_id optional; province defaults to the
    parent's, or to the English name of a province)."""

    name_zh: str | None = None
    name_en: str | None = None
    level: str | None = None
    parent_id: str | None = None
    admin_code: str | None = None
    province: str | None = None

    def given(self) -> bool:
        return any(getattr(self, f) for f in ("name_zh", "name_en", "level", "parent_id", "admin_code", "province"))


@dataclass
class NewDocument:
    file: Path
    region_id: str
    title_zh: str
    title_en: str
    issuer: str
    issued: str
    period: str
    kind: str
    doc_id: str | None = None
    script: str | None = None  # detected when None
    source_note: str = ""
    source_url: str = ""
    retrieved: str = ""
    region: NewRegion = field(default_factory=NewRegion)


@dataclass(frozen=True)
class Registered:
    doc_id: str
    source: Path
    review: Path
    candidates: int
    new_region: bool


def parse_period(period: str) -> tuple[int, int]:
    """'2023-2025' -> (2023, 2025); '2023' -> (2023, 2023); RegisterError otherwise."""
    m = PERIOD.match((period or "").strip().replace("–", "-").replace("—", "-"))
    if not m:
        raise RegisterError(f"--period {period!r} is not a period: write YYYY or YYYY-YYYY (e.g. 2023-2025)")
    start, end = int(m.group(1)), int(m.group(2) or m.group(1))
    if not (FIRST_YEAR <= start <= end <= LAST_YEAR):
        raise RegisterError(
            f"--period {period!r} is not a period: years from {FIRST_YEAR} to {LAST_YEAR}, first before last"
        )
    return start, end


def read_source_text(file: Path) -> str:
    """The source's text: it must be a UTF-8 text file, stored as it is."""
    if not file.is_file():
        raise RegisterError(f"{display_path(file)}: no such file")
    data = file.read_bytes()
    if not data.strip():
        raise RegisterError(f"{display_path(file)}: the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
            hint = "it looks like GB18030/GBK"
        except UnicodeDecodeError:
            hint = "it is not text in a Chinese encoding either"
        raise RegisterError(
            f"{display_path(file)}: not UTF-8 text (byte {exc.start}; {hint}). Sources are stored as-is and must "
            f"be UTF-8: convert it with  iconv -f GB18030 -t UTF-8 {file} > {file.stem}.utf8.txt"
        ) from None
    if "\x00" in text or not HAN.search(text):
        raise RegisterError(f"{display_path(file)}: not the plain text of a Chinese plan (no Chinese characters)")
    return text


def detect_script(text: str) -> str:
    """zh-Hant when OpenCC's Traditional-to-Simplified conversion changes more than 5 % of the Han
    characters (a Simplified text round-trips unchanged), else zh-Hans."""
    from ..chinese.script import to_simplified

    han = HAN.findall(text)
    simplified = to_simplified(text)
    changed = sum(1 for a, b in zip(text, simplified, strict=False) if a != b and HAN.match(a))
    return "zh-Hant" if han and changed / len(han) > TRADITIONAL_SHARE else "zh-Hans"


def kind_slug(kind: str) -> str:
    """'five-year plan' -> 'five_year_plan'."""
    return re.sub(r"[^a-z0-9]+", "_", kind.lower()).strip("_")


def source_name(region_id: str, start: int, end: int, kind: str) -> str:
    """<region>_<period>_<kind>.txt, as the seed sources are named (ruijin_2021-2025_five_year_plan.txt)."""
    period = str(start) if start == end else f"{start}-{end}"
    return f"{region_id}_{period}_{kind_slug(kind)}.txt"


def register_document(doc: NewDocument, data_dir: Path | None = None) -> Registered:
    """Validate everything, then write the source, the rows and the review file; RegisterError (and
    nothing written) when an option is wrong."""
    from ..analysis.review import new_review, review_path, write_review_bytes
    from ..extract import extract_targets

    data = Path(data_dir) if data_dir is not None else paths.DATA
    region_cols, doc_cols = [f.name for f in REGIONS], [f.name for f in DOCUMENTS]
    regions = read_table(data / "regions.csv", region_cols)
    documents = read_table(data / "documents.csv", doc_cols)
    errors: list[str] = []

    region_id = (doc.region_id or "").strip()
    if not re.match(ID_PATTERN, region_id):
        raise RegisterError(f"--region {region_id!r} is not an id: lower-case letters, digits and _, a letter first")
    start, end = parse_period(doc.period)
    if doc.kind not in DOCUMENT_KINDS:
        errors.append(f"--kind {doc.kind!r} is not a kind of plan; valid: {', '.join(DOCUMENT_KINDS)}")
    text = read_source_text(Path(doc.file))
    script = doc.script or detect_script(text)
    if script not in SCRIPTS:
        errors.append(f"--script {script!r} is not valid; valid: {', '.join(SCRIPTS)}")
    doc_id = doc.doc_id or (f"{region_id}_{start}" if start == end else f"{region_id}_{start}_{end}")
    if not re.match(ID_PATTERN, doc_id):
        errors.append(f"--doc-id {doc_id!r} is not an id: lower-case letters, digits and _, a letter first")
    if doc_id in set(documents["doc_id"]):
        errors.append(f"--doc-id {doc_id!r} already exists in {display_path(data / 'documents.csv')}; choose another")
    review = review_path(doc_id, data)
    if review.exists():
        errors.append(f"{display_path(review)} already exists: a review of {doc_id!r} is under way")
    for name, value in (("--title-zh", doc.title_zh), ("--title-en", doc.title_en), ("--issuer", doc.issuer)):
        if not (value or "").strip():
            errors.append(f"{name} is required")
    name = source_name(region_id, start, end, doc.kind if doc.kind in DOCUMENT_KINDS else "plan")
    source = data / "sources" / name
    if source.exists():
        errors.append(f"{display_path(source)} already exists; give another --kind or --period, or remove it")
    sha = hashlib.sha256(Path(doc.file).read_bytes()).hexdigest()
    if sha in set(documents["sha256"]):
        errors.append(f"{display_path(doc.file)} is already registered (its sha256 is in documents.csv)")

    new_region = region_id not in set(regions["region_id"])
    region_row = None
    if new_region:
        region_row = _region_row(region_id, doc.region, regions, errors)
    elif doc.region.given():
        errors.append(f"--region {region_id!r} is already in regions.csv: leave out the new-region options")
    if errors:
        raise RegisterError("; ".join(errors))

    doc_row = {
        "doc_id": doc_id,
        "region_id": region_id,
        "title_zh": doc.title_zh.strip(),
        "title_en": doc.title_en.strip(),
        "issuer": doc.issuer.strip(),
        "issued": doc.issued.strip(),
        "period_start": start,
        "period_end": end,
        "kind": doc.kind,
        "script": script,
        "file": f"sources/{name}",
        "sha256": sha,
        "source_note": doc.source_note,
        "source_url": doc.source_url,
        "retrieved": doc.retrieved,
    }
    changes = {
        "documents.csv": append_csv((data / "documents.csv").read_bytes(), [[doc_row[c] for c in doc_cols]]),
        f"sources/{name}": Path(doc.file).read_bytes(),
    }
    if region_row is not None:
        changes["regions.csv"] = append_csv((data / "regions.csv").read_bytes(), [[region_row[c] for c in region_cols]])
    problems = check_staged(data, changes)
    if problems:
        raise RegisterError("; ".join(str(p) for p in problems[:10]))

    frame = new_review(extract_targets(text, region=region_id, doc_id=doc_id))
    writes = {
        data / rel: (content, SOURCE_MODE if rel.startswith("sources/") else 0o644) for rel, content in changes.items()
    }
    writes[review] = (write_review_bytes(frame), 0o644)
    write_all(writes)
    return Registered(doc_id, source, review, len(frame), new_region)


def _region_row(region_id: str, region: NewRegion, regions, errors: list[str]) -> dict | None:
    missing = [f"--{f.replace('_', '-')}" for f in REGION_FIELDS if not (getattr(region, f) or "").strip()]
    if missing:
        errors.append(f"region {region_id!r} is new: give {', '.join(missing)} (or add it to regions.csv first)")
        return None
    if region.level not in REGION_LEVELS:
        errors.append(f"--level {region.level!r} is not valid; valid: {', '.join(REGION_LEVELS)}")
    if not re.fullmatch(r"[0-9]{6}", region.admin_code.strip()):
        errors.append(f"--admin-code {region.admin_code!r} is not a GB/T 2260 code: six digits")
    elif region.admin_code.strip() in set(regions["admin_code"]):
        errors.append(f"--admin-code {region.admin_code!r} is already the code of another region in regions.csv")
    parent = None
    if region.parent_id:
        match = regions[regions["region_id"] == region.parent_id]
        if match.empty:
            known = ", ".join(sorted(regions["region_id"]))
            errors.append(f"--parent {region.parent_id!r} is not a region in regions.csv; known: {known}")
        else:
            parent = match.iloc[0]
    province = region.province or (parent["province"] if parent is not None else None)
    if not province and region.level == "province":
        province = region.name_en.removesuffix(" Province").strip()
    if not province:
        errors.append("--province is required for a region with no parent in regions.csv")
    return {
        "region_id": region_id,
        "name_zh": region.name_zh.strip(),
        "name_en": region.name_en.strip(),
        "level": region.level,
        "parent_id": region.parent_id or "",
        "parent_name_zh": parent["name_zh"] if parent is not None else "",
        "parent_name_en": parent["name_en"] if parent is not None else "",
        "province": province or "",
        "admin_code": region.admin_code.strip(),
    }
