"""Rendering the reports: papermill runs of the notebooks, exported to HTML, with an index.

Guarantees: the data checks run first and nothing is rendered from bad data; an
unknown region writes nothing; every file is written to a temporary name in the
output folder and renamed into place, so a failed or interrupted run never leaves
a half-written file and never destroys the previous report; a region that fails
does not stop the others, and the index marks it. Reports whose inputs (data,
notebook, library, templates, parameters) are unchanged since their last successful
render are kept as they are unless ``force`` is given, so running again renders what
is missing, failed or out of date. Besides the notebooks' pages, every document gets
a source page (sources/<doc_id>.html, see sources.py), under the same guarantees.

Fixed costs are paid once per run or per worker, not per report: the parent validates the data
once and writes the typed tables to a cache that every kernel loads instead of validating again
(``STI_TARGETS_DATASET_CACHE``); each worker keeps one kernel warm and runs each report in a fresh
namespace (``FRESH_NAMESPACE``: what the library imported stays, nothing a report defined does).
Workers and kernels die with the parent; SIGTERM is handled like Ctrl-C. A lock on the output
folder makes a second render into it wait, so the manifest and index keep every render's pages.
Jobs run in a local process pool, or on Dask distributed (``scheduler``: an address, or "local"
for a LocalCluster on 127.0.0.1); either way the parent checks, writes and indexes.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from uuid import uuid4

from .. import paths
from ..atomic import atomic_write
from ..chinese.fonts import cjk_chars, font_face_css
from ..dataset.loaders import DATASET_CACHE, Dataset
from ..errors import DataError, Problem, UnknownRegion, display_path
from .pages import TEMPLATES, Site, index_page, page_title, region_summaries, source_page, workbook_version
from .webfont import embed, page_text

MANIFEST = "manifest.json"
KERNEL_START_ATTEMPTS = 3
LOCAL = "local"  # --scheduler local: a LocalCluster on this machine
PR_SET_PDEATHSIG = 1  # linux/prctl.h
# The first cell of every report: the kernel is reused, its namespace is not (the execution count
# restarts too, so a report's outputs do not depend on what ran before it in the same kernel).
FRESH_NAMESPACE = "get_ipython().reset(new_session=False)\nget_ipython().execution_count = 1"
FRESH_TAG = "sti-fresh-namespace"
# What a worker's kernel imports as soon as it starts, while the parent still checks the data.
WARM_UP = "import sti_targets.analysis.reports\nfrom sti_targets.chinese.fonts import use_cjk_font\nuse_cjk_font()"


@dataclass(frozen=True)
class Job:
    """One page to render: a notebook into one HTML file, or (notebook "") a document's source page."""

    name: str
    notebook: str
    parameters: dict
    html: str
    label: str
    document: str

    @property
    def is_source(self) -> bool:
        return not self.notebook


@dataclass
class Outcome:
    """What became of one job."""

    name: str
    status: str  # ok | failed | kept | interrupted
    seconds: float = 0.0
    error: str = ""
    fingerprint: str = ""
    timings: dict = field(default_factory=dict)


def inputs_digest() -> str:
    """Hash of what every page depends on: data, sources, notebooks, library code, templates,
    and the versions of the workbook and of the table controls (itables' DataTables bundle)."""
    h = hashlib.sha256()
    groups = [
        (paths.DATA, paths.DATA.rglob("*.csv")),
        (paths.DATA, paths.SOURCES.glob("*")),
        (paths.NOTEBOOKS, paths.NOTEBOOKS.glob("*.ipynb")),
        (paths.PACKAGE, paths.PACKAGE.rglob("*.py")),
        (paths.PACKAGE, (p for p in TEMPLATES.rglob("*") if p.is_file())),
    ]
    for root, files in groups:
        for p in sorted(files):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    h.update(f"sti-targets {workbook_version()} itables {metadata.version('itables')}".encode())
    return h.hexdigest()


def fingerprint(job: Job, digest: str) -> str:
    """Hash of everything one report depends on: the shared inputs, its notebook and parameters."""
    return hashlib.sha256(json.dumps([digest, job.notebook, job.parameters], sort_keys=True).encode()).hexdigest()


def plan_jobs(region_ids: list[str] | None = None, book=None) -> list[Job]:
    """The source page of every document (first: they are quick), the region reports asked for
    (all regions with a document by default) and the comparison. The comparison links every
    document's source page, so those are always rendered (or kept). ``book``: the Dataset, if
    loaded already."""
    from ..dataset.loaders import load_documents, load_regions
    from ..dataset.vocabulary import region_labels

    regions = book.regions if book is not None else load_regions()
    documents = book.documents if book is not None else load_documents(regions=regions)
    valid = sorted(set(documents["region_id"].astype(str)))
    unknown = [r for r in (region_ids or []) if r not in valid]
    if unknown:
        raise UnknownRegion(f"unknown region {', '.join(map(repr, unknown))}; valid ids are: {', '.join(valid)}")
    names = region_labels(regions)
    titles = documents.groupby(documents["region_id"].astype(str))["title_zh"].agg(" / ".join)
    jobs = [
        Job(
            f"sources/{d.doc_id}",
            "",
            {"doc_id": str(d.doc_id)},
            f"sources/{d.doc_id}.html",
            f"{names[str(d.region_id)]} 原文 source",
            d.title_zh,
        )
        for d in documents.sort_values("doc_id").itertuples(index=False)
    ]
    jobs += [
        Job(r, "region_report.ipynb", {"region_id": r}, f"{r}.html", names[r], titles[r])
        for r in (sorted(set(region_ids)) if region_ids else valid)
    ]
    jobs.append(
        Job(
            "compare",
            "compare_regions.ipynb",
            {},
            "compare.html",
            "地区比较 Comparison of regions",
            f"{len(valid)} documents",
        )
    )
    return jobs


def _timeout(signum, frame):
    raise TimeoutError("the notebook ran past its time limit")


def _kernel_manager_class(work: Path):
    """Kernels on IPC sockets in the job's own folder: no TCP port for parallel starts to race
    for, and the kernel's log goes to work/kernel.log instead of the terminal."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class WorkFolderKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self):
            return "ipc"

        @default("ip")
        def _ip_default(self):
            return str(work / "kernel")

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stdout"] = kw["stderr"] = open(work / "kernel.log", "ab")  # noqa: SIM115 (the kernel owns it)
            kw["env"] = {**kw.get("env", os.environ), paths.NOTEBOOK_FONT_ENV: "off"}  # (each page gets one font)
            # No input history: nothing reads it, and writing it costs a third of each cell's round trip.
            return await super()._async_launch_kernel([*kernel_cmd, "--HistoryManager.enabled=False"], **kw)

    return WorkFolderKernelManager


# This worker's kernel manager ("km") and its folder ("work"), reused across reports; "fresh" until the
# kernel has run a report.
_warm: dict = {}


def _kernel() -> tuple:
    """This worker's kernel manager (its kernel starts when the worker does, or with the first report,
    and stays up) and folder."""
    if "km" not in _warm:
        from multiprocessing.util import Finalize

        work = Path(tempfile.mkdtemp(prefix="sti-kernel-"))
        _warm.update(km=_kernel_manager_class(work)(kernel_name="python3"), work=work, fresh=True)
        Finalize(None, _drop_kernel, exitpriority=10)  # (atexit does not run in pool workers)
    return _warm["km"], _warm["work"]


def _drop_kernel() -> None:
    """Shut this worker's kernel down (after a failure, so the next report gets a new one, and at exit)."""
    from jupyter_core.utils import run_sync

    km, work = _warm.pop("km", None), _warm.pop("work", None)
    _warm.pop("fresh", None)
    if km is not None and km.has_kernel:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 (a dead kernel may fail to shut down: it is gone all the same)
            pass
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)


def _warm_kernel() -> None:
    """Start this worker's kernel and import the library in it. Best effort: if that fails, the
    first report starts a kernel with its retries (and reports the error if it must)."""
    from jupyter_core.utils import run_sync

    km, _ = _kernel()
    try:
        run_sync(_start_and_import)(km)
    except Exception:  # noqa: BLE001 (see above)
        _drop_kernel()


async def _start_and_import(km) -> None:
    await km.start_kernel(cwd=str(paths.PROJECT_ROOT))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        await kc.execute_interactive(WARM_UP, timeout=120, store_history=False, output_hook=lambda msg: None)
    finally:
        kc.stop_channels()


def _execute(job: Job, timeout: int) -> tuple:
    """papermill run in this worker's warm kernel, in a fresh namespace, retrying a kernel that fails
    to start: the executed notebook (kept in memory, not written), and True if it was the first in its
    kernel (which may have started before it, see _warm_kernel). A failure drops the kernel (it may be
    dead or busy)."""
    import nbformat
    import papermill

    nb = nbformat.read(paths.NOTEBOOKS / job.notebook, as_version=4)
    fresh = nbformat.v4.new_code_cell(FRESH_NAMESPACE, metadata={"tags": [FRESH_TAG]})
    fresh.id = FRESH_TAG
    nb.cells.insert(0, fresh)
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        km, _ = _kernel()
        try:
            executed = papermill.execute_notebook(
                nb,
                None,
                parameters=job.parameters,
                kernel_name=paths.KERNEL,
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=str(paths.PROJECT_ROOT),
                start_timeout=60,
                execution_timeout=timeout,
                km=km,
            )
            return executed, _warm.pop("fresh", False)
        except RuntimeError as exc:  # nbclient: "Kernel died before replying to kernel_info" and the like
            _drop_kernel()
            if "kernel" not in str(exc).lower() or attempt == KERNEL_START_ATTEMPTS:
                raise
            time.sleep(0.5 * attempt)
        except BaseException:
            _drop_kernel()
            raise
    raise AssertionError("unreachable")


@lru_cache(maxsize=1)
def _html_exporter():
    """One exporter per worker process: its templates are loaded once, not once per report."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="sti_report",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES / "pages")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    hidden = {"parameters", "injected-parameters", FRESH_TAG}
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=hidden, enabled=True), enabled=True)
    return exporter


def export_html(nb, job: Job, site: Site) -> str:
    """The executed notebook as HTML without code cells or the parameters cells, with the header
    of every page and the title of this one."""
    nb.metadata["title"] = page_title(job.label)
    body, _ = _html_exporter().from_notebook_node(nb, resources={"sti": site.context(job.name)})
    return body


def render_source(job: Job, site: Site) -> str:
    """A document's source page (without its font: see PageFont)."""
    from .sources import source_view

    book = Dataset.load()  # (from the run's cache, read once per worker)
    doc = book.documents.set_index(book.documents["doc_id"].astype(str), drop=False).loc[job.parameters["doc_id"]]
    region = next(r for r in site.regions if r.region_id == str(doc["region_id"]))
    return source_page(doc, source_view(doc, book.targets), region, site)


def render_one(job: Job, timeout: int, site: Site) -> tuple[Outcome, str | None]:
    """Execute one notebook and export it, or build a source page (runs in a worker process);
    the parent writes the HTML."""
    started = time.perf_counter()
    alarm = threading.current_thread() is threading.main_thread()  # (a Dask worker runs tasks in a thread)
    if alarm:
        signal.signal(signal.SIGALRM, _timeout)
        signal.alarm(timeout)
    try:
        if job.is_source:
            html = render_source(job, site)
            return Outcome(job.name, "ok", time.perf_counter() - started), html
        t0 = time.perf_counter()
        executed, new_kernel = _execute(job, timeout)
        t1 = time.perf_counter()
        html = export_html(executed, job, site)
        timings = {"execute": t1 - t0, "export": time.perf_counter() - t1, "new_kernel": float(new_kernel)}
        return Outcome(job.name, "ok", time.perf_counter() - started, timings=timings), html
    except Exception as exc:  # a failed region is reported, not raised: the others go on
        return Outcome(job.name, "failed", time.perf_counter() - started, error=_summary(exc)), None
    finally:
        if alarm:
            signal.alarm(0)


class PageFont:
    """The CJK web fonts of one run's pages, subset in a background thread: one from the text the
    notebook pages and the index can show, one for every source page, from that and the text of
    every document (each source page shows a whole document, most of whose characters no other page
    has: one subset for all of them, not one per document). A page with a character outside its
    font's set gets a subset of its own."""

    def __init__(self, pool: ThreadPoolExecutor, book):
        self.chars = cjk_chars(page_text(book.targets))
        self._source_chars = pool.submit(self._with_documents, list(book.documents["file"]))
        self._source_css = pool.submit(lambda: font_face_css(self._source_chars.result()))
        self._css = pool.submit(font_face_css, self.chars)

    def _with_documents(self, files: list) -> set[str]:
        from ..chinese.script import to_simplified
        from ..dataset.provenance import read_source

        documents = "".join(read_source(str(f)) for f in files)
        return self.chars | cjk_chars(documents) | cjk_chars(to_simplified(documents))

    def apply(self, html: str, source: bool = False) -> str:
        chars, css = (self._source_chars.result(), self._source_css) if source else (self.chars, self._css)
        extra = cjk_chars(html) - chars
        return embed(html, font_face_css(chars | extra) if extra else css.result())


def _summary(exc: BaseException) -> str:
    """One readable line for a failure (the notebook's own exception, where papermill has one)."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


def _init_worker(cache: str) -> None:
    """Workers die with the parent (even after its kill -9), leave Ctrl-C to it, and on its
    SIGTERM remove their folder and exit at once; their kernels (ipykernel polls its parent)
    follow them. Unwinding instead would leave asyncio printing the dying kernel's errors.
    A worker starts while the parent checks the data: it imports what running a notebook needs
    and starts its kernel, whose reports will read the tables from ``cache`` (written once the
    data has passed its checks, before any report is submitted)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before prctl
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_worker)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    os.environ[DATASET_CACHE] = cache
    _skip_iri_grammar()
    _warm_kernel()


def _skip_iri_grammar() -> None:
    """nbformat validates notebooks with jsonschema, which on import builds the grammar of one optional
    format checker, for IRIs (rfc3987-syntax, pulled in by jupyter-events): 1.2 s of a worker's start
    for a check no notebook schema uses. Blocking that one import makes jsonschema skip the checker, as
    it does wherever the package is not installed."""
    sys.modules.setdefault("rfc3987_syntax", None)


def _exit_worker(signum, frame):
    km = _warm.get("km")
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:  # the kernel, even one still starting (it leads its own process group)
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    work = _warm.get("work")
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    os._exit(128 + signum)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""

    signum = signal.SIGTERM


def _terminate(signum, frame):
    raise Terminated()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop running workers now (Ctrl-C): cancel what has not started, terminate what has."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def check_writable(output: Path) -> None:
    """Create the output folder if needed and prove a file can be written in it."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise DataError(
            [Problem(display_path(output), f"cannot be written: {exc.strerror or exc}; choose another --output")]
        ) from None


def read_manifest(output: Path) -> dict:
    try:
        return json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class PoolEngine:
    """Jobs in a process pool on this machine."""

    def __init__(self, jobs: int, cache: Path):
        self.where = f"with {jobs} jobs"
        self.pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(str(cache),))
        self.pool.submit(int)  # (forks every worker now: they warm up while the data is checked)

    def submit(self, job: Job, timeout: int, site: Site, digest: str):
        return self.pool.submit(render_one, job, timeout, site)

    def wait(self, pending: set) -> tuple[set, set]:
        return wait(pending, return_when=FIRST_COMPLETED)

    def stop(self) -> None:
        _stop(self.pool)

    def close(self) -> None:
        self.pool.shutdown()


class DaskEngine:
    """Jobs on Dask distributed: a scheduler's address, or LOCAL for a LocalCluster on 127.0.0.1
    with ``jobs`` single-threaded workers. Each worker must have the same inputs (digest)."""

    def __init__(self, scheduler: str, jobs: int, digest: str):
        import dask
        from distributed import Client, LocalCluster

        dask.config.set({"distributed.scheduler.allowed-failures": 0, "logging.distributed": "error"})
        logging.getLogger("distributed").setLevel(logging.ERROR)
        self.cluster, self.submitted, self.closed = None, [], False
        self.where = f"on Dask ({scheduler})"
        try:
            if scheduler == LOCAL:
                previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # its processes inherit: Ctrl-C is ours
                try:
                    self.cluster = LocalCluster(
                        n_workers=jobs, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
                    )
                finally:
                    signal.signal(signal.SIGINT, previous)
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout=30)
            wrong = {w: d for w, d in self.client.run(worker_digest).items() if d != digest}
        except BaseException as exc:
            self.close(timeout=10)
            if isinstance(exc, OSError):
                raise DataError([Problem(scheduler, f"no Dask scheduler answers there: {exc}")]) from None
            raise
        if wrong:
            self.close()
            raise DataError(
                [
                    Problem(w, f"refused: its inputs' digest {d[:12]} differs from this render's {digest[:12]}")
                    for w, d in sorted(wrong.items())
                ]
            )

    def submit(self, job: Job, timeout: int, site: Site, digest: str):
        future = self.client.submit(render_remote, job, timeout, site, digest, key=f"render-{job.name}-{uuid4().hex}")
        self.submitted.append(future)
        return future

    def wait(self, pending: set) -> tuple[set, set]:
        from distributed import wait as dask_wait

        done = dask_wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done.done), set(done.not_done)

    def stop(self) -> None:
        """Cancel the cluster's tasks; a LocalCluster's workers are killed, not waited for (a task
        that runs a notebook does not stop when cancelled). Again after a stop: nothing left to stop."""
        if self.closed:
            return
        self.client.cancel(self.submitted, force=True)
        if self.cluster is not None:
            for nanny in list(self.cluster.workers.values()):
                process = getattr(getattr(nanny, "process", None), "process", None)
                if process is not None and process.pid:
                    os.kill(process.pid, signal.SIGKILL)
        self.close(timeout=10)

    def close(self, timeout: float | None = None) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            if hasattr(self, "client"):
                self.client.close(timeout=timeout)
        except Exception:  # noqa: BLE001 (a cluster stopped by force may time out closing: its work is done)
            if timeout is None:
                raise
        finally:
            if self.cluster is not None:
                self.cluster.close(timeout=timeout)


@lru_cache(maxsize=1)
def worker_digest() -> str:
    """The inputs' digest where this worker runs (computed once per worker process)."""
    return inputs_digest()


def render_remote(job: Job, timeout: int, site: Site, digest: str) -> tuple[Outcome, str | None]:
    """render_one on a Dask worker: refused unless its inputs are the parent's; its kernels read
    the tables from a cache the worker writes once."""
    own = worker_digest()
    if own != digest:
        raise RuntimeError(
            f"worker on {socket.gethostname()} refused: its inputs' digest {own[:12]} differs from {digest[:12]}"
        )
    if not os.environ.get(DATASET_CACHE):
        cache = Path(tempfile.mkdtemp(prefix="sti-dataset-")) / f"dataset-{own[:16]}.pickle"
        Dataset.load().save(cache)
        os.environ[DATASET_CACHE] = str(cache)
    return render_one(job, timeout, site)


class OutputLock:
    """An exclusive lock on the output folder for one render: a second render into it waits."""

    def __init__(self, output: Path, log):
        self.fd = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for the other render into {display_path(output)} to finish")
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        os.close(self.fd)  # (closing the last descriptor releases the lock)


def render_reports(
    region_ids: list[str] | None = None,
    output: Path | str | None = None,
    jobs: int | None = None,
    timeout: int = 600,
    force: bool = False,
    log=print,
    scheduler: str | None = None,
) -> list[Outcome]:
    """Render the reports; returns one Outcome per report (see the module docstring)."""
    from ..dataset.checks import check_and_load

    output = Path(output) if output is not None else paths.REPORTS
    jobs = jobs or os.cpu_count()
    digest = inputs_digest()
    run = Path(tempfile.mkdtemp(prefix="sti-render-"))
    cache = run / f"dataset-{digest[:16]}.pickle"
    main = threading.current_thread() is threading.main_thread()
    previous_term = signal.signal(signal.SIGTERM, _terminate) if main else None
    previous_cache = os.environ.get(DATASET_CACHE)
    lock = engine = None
    try:
        engine = None if scheduler else PoolEngine(jobs, cache)  # (its workers warm up during the checks)
        problems, book = check_and_load()
        if problems:
            raise DataError(problems)
        planned = plan_jobs(region_ids, book)
        check_writable(output)
        check_writable(output / "sources")
        lock = OutputLock(output, log)
        book.save(cache)
        os.environ[DATASET_CACHE] = str(cache)  # (for Dask's local workers; the pool's have it already)
        engine = engine or DaskEngine(scheduler, jobs, digest)
        outcomes = _render(planned, output, engine, timeout, force, log, book, digest)
    except BaseException:
        if engine is not None:
            engine.stop()  # (a pool's workers started before the checks: they go, whatever failed)
        raise
    else:
        engine.close()
        return outcomes
    finally:
        if previous_cache is None:
            os.environ.pop(DATASET_CACHE, None)
        else:
            os.environ[DATASET_CACHE] = previous_cache
        shutil.rmtree(run, ignore_errors=True)
        if lock is not None:
            lock.release()
        if main:
            signal.signal(signal.SIGTERM, previous_term)


def _render(planned, output, engine, timeout, force, log, book, digest) -> list[Outcome]:
    """render_reports under the output's lock, with the data checked and cached, on ``engine``."""
    manifest = read_manifest(output)  # (read under the lock: a render that ran meanwhile is kept)
    outcomes: dict[str, Outcome] = {}
    todo = []
    site = Site.of(book.regions, book.documents, digest)
    summaries = region_summaries(book.regions, book.documents, book.targets, site)
    for job in planned:
        fp = fingerprint(job, digest)
        previous = manifest.get(job.name, {})
        if (
            not force
            and previous.get("status") in ("ok", "kept")
            and previous.get("fingerprint") == fp
            and (output / job.html).is_file()
        ):
            outcomes[job.name] = Outcome(job.name, "kept", fingerprint=fp)
        else:
            todo.append((job, fp))
    todo.sort(key=lambda item: item[0].name != "compare")  # the longest job first, not alone at the end
    if not todo:
        engine.stop()  # (the pool's workers and kernels started for nothing: they go now)
    log(
        f"rendering {len(todo)} of {len(planned)} reports into {display_path(output)} "
        f"{engine.where} ({len(planned) - len(todo)} up to date)"
    )
    done = 0
    with ThreadPoolExecutor(max_workers=1) as font_pool:
        font = PageFont(font_pool, book)
        try:
            futures = {engine.submit(job, timeout, site, digest): (job, fp) for job, fp in todo}
            pending = set(futures)
            while pending:
                finished, pending = engine.wait(pending)
                for future in finished:
                    job, fp = futures[future]
                    outcome = _save(future, job, fp, output, font)
                    outcomes[job.name] = outcome
                    done += 1
                    detail = f"  {outcome.error}" if outcome.error else ""
                    kernel = "  (new kernel)" if outcome.timings.get("new_kernel") else ""
                    log(
                        f"[{done}/{len(todo)}] {job.name:<12} {outcome.status:<6} {outcome.seconds:6.1f} s"
                        f"{kernel}{detail}"
                    )
        except KeyboardInterrupt:
            engine.stop()
            for job, _ in todo:
                outcomes.setdefault(job.name, Outcome(job.name, "interrupted", error="render interrupted"))
            raise
        finally:
            write_index(planned, outcomes, output, manifest, font, site, summaries)
    return [outcomes[j.name] for j in planned]


def _save(future, job: Job, fp: str, output: Path, font: PageFont) -> Outcome:
    """Write a finished job's page (with its font) into place; a worker that died is a failure."""
    try:
        outcome, html = future.result()
    except Exception as exc:  # the worker process itself died (killed, out of memory), or was refused
        return Outcome(job.name, "failed", error=_summary(exc), fingerprint=fp)
    outcome.fingerprint = fp
    if html is not None:
        try:
            atomic_write(output / job.html, font.apply(html, source=job.is_source))
        except OSError as exc:
            outcome.status, outcome.error = "failed", f"could not write {job.html}: {exc.strerror or exc}"
    return outcome


def write_index(
    planned: list[Job],
    outcomes: dict[str, Outcome],
    output: Path,
    manifest: dict,
    font: PageFont,
    site: Site,
    summaries: list,
) -> None:
    """index.html and manifest.json, both atomically; a page not rendered keeps its last state."""
    for job in planned:
        o = outcomes.get(job.name)
        if o is None:
            continue
        entry = {"status": o.status, "html": job.html, "label": job.label, "document": job.document, "error": o.error}
        if o.status in ("ok", "kept"):
            entry["fingerprint"] = o.fingerprint
        elif job.name in manifest and manifest[job.name].get("fingerprint"):
            entry["fingerprint"] = ""  # force a render next time
        manifest[job.name] = entry
    try:
        atomic_write(output / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        atomic_write(output / "index.html", font.apply(index_html(manifest, output, site, summaries)))
    except OSError as exc:
        print(f"could not write the index in {display_path(output)}: {exc}", file=sys.stderr)


STATUS_TEXT = {
    "ok": "rendered",
    "kept": "up to date",
    "failed": "FAILED",
    "interrupted": "INTERRUPTED",
}


def page_order(name: str) -> tuple:
    """Region reports, then the comparison, then the source pages."""
    return (name.startswith("sources/"), name == "compare", name)


def index_html(manifest: dict, output: Path, site: Site, summaries: list) -> str:
    """The landing page, with one row per page of the manifest: its state and a link if it exists."""
    reports = []
    for name in sorted(manifest, key=page_order):
        e = manifest[name]
        exists = (output / e["html"]).is_file()
        status = STATUS_TEXT.get(e["status"], e["status"])
        bad = e["status"] in ("failed", "interrupted")
        if bad:
            status += " — previous report kept" if exists else " — no report"
        reports.append(
            {
                "name": name,
                "html": e["html"],
                "label": e["label"],
                "document": e["document"],
                "exists": exists,
                "status_text": status,
                "cls": "bad" if bad else "good",
                "error": e.get("error", ""),
            }
        )
    return index_page(reports, summaries, site)


def summarize(outcomes: list[Outcome]) -> str:
    """One line for the reports, one for the source pages, and one per failure."""
    failed = [o for o in outcomes if o.status in ("failed", "interrupted")]
    lines = []
    for head, group in (
        ("summary", [o for o in outcomes if not o.name.startswith("sources/")]),
        ("source pages", [o for o in outcomes if o.name.startswith("sources/")]),
    ):
        counts = {s: sum(o.status == s for o in group) for s in ("ok", "kept", "failed", "interrupted")}
        text = ", ".join(f"{n} {STATUS_TEXT[s]}" for s, n in counts.items() if n)
        if text:
            lines.append(f"{head}: {text}")
    return "\n".join(lines + [f"  {o.name}: {o.error}" for o in failed])
