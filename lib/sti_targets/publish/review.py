"""The review workbench: the ipywidgets view of a Review (analysis/review.py), shown by
notebooks/review.ipynb and served by ``sti-targets review DOC_ID`` (dashboard.py's Voilà server).

Keys: a JS-free approach. The "keys" box reacts to one typed letter (a accept, r reject, s skip,
n next, p previous) and clears itself; ipyevents is not used. Every text from the data goes through
``html.escape``. The page names no path: the document comes from the server's command line."""

from __future__ import annotations

import os
from html import escape

import ipywidgets as w

from ..analysis.review import Review, ReviewError
from ..dataset.vocabulary import CATEGORIES, COMPARATORS, PLATFORM_LEVELS, TARGET_TYPES
from .explorer import font_css

TEXT_FIELDS = ("value", "value_high", "unit", "target_year", "baseline_value", "baseline_year", "conflict")
CHOICE_FIELDS = {  # "" first: a field extraction left empty stays visibly empty, and the commit names it
    "category": ("", *CATEGORIES),
    "target_type": ("", *TARGET_TYPES),
    "level": ("", *PLATFORM_LEVELS),
    "comparator": ("", *COMPARATORS),
}
KEYS = {"a": "accept", "r": "reject", "s": "skip", "n": "next", "p": "previous"}
CSS = """<style>
.sti-ctx { font-size: 15px; line-height: 1.7; padding: 6px 10px; background: #fafafa; border-left: 4px solid #4a7; }
.sti-ctx mark { background: #fff3a8; } .sti-ctx b { background: #ffb347; padding: 0 2px; }
.sti-nb { font-size: 12px; color: #555; } .sti-nb .cur { font-weight: bold; color: #000; }
.sti-progress { font-size: 14px; font-weight: bold; }
</style>"""


def review_from_environment() -> Review | None:
    """The review the server was started for (STI_REVIEW_DOC), or None."""
    doc_id = os.environ.get("STI_REVIEW_DOC")
    return Review(doc_id) if doc_id else None


class ReviewView:
    def __init__(self, review: Review):
        self.review = review
        self.current = review.next_open() or review.ids()[0]
        self.progress = w.HTML()
        self.picker = w.Dropdown(description="候选 candidate", layout=w.Layout(width="520px"))
        self.context = w.HTML()
        self.neighbours = w.HTML()
        self.fields = {name: w.Text(description=name) for name in TEXT_FIELDS}
        self.fields.update({name: w.Dropdown(description=name, options=opts) for name, opts in CHOICE_FIELDS.items()})
        self.fields["is_stretch"] = w.Checkbox(description="is_stretch 力争")
        self.fields["note"] = w.Textarea(description="note", layout=w.Layout(width="600px"))
        self.fields["indicator_id"] = w.Text(description="indicator_id")
        self.search = w.Text(description="指标 search", placeholder="中文 or English")
        self.matches = w.Select(rows=5, layout=w.Layout(width="600px"))
        self.new_ind = {c: w.Text(description=c) for c in ("name_zh", "name_en", "unit", "definition")}
        self.new_cat = w.Dropdown(description="category", options=CATEGORIES)
        self.propose = w.Button(description="Propose new indicator 新指标")
        self.buttons = {
            name: w.Button(description=f"{label} ({key})")
            for key, name, label in (
                ("a", "accept", "Accept 接受"),
                ("r", "reject", "Reject 拒绝"),
                ("s", "skip", "Skip 跳过"),
                ("p", "previous", "Previous"),
                ("n", "next", "Next"),
            )
        }
        self.keys = w.Text(description="keys 快捷键", placeholder="a r s n p", layout=w.Layout(width="260px"))
        self.other = w.Dropdown(description="other 其他")
        self.restates = w.Button(description="Restates it 重复")
        self.conflicts = w.Button(description="Conflicts with it 冲突")
        self.missed = w.Text(
            description="missed 遗漏", placeholder="paste the verbatim quote", layout=w.Layout(width="600px")
        )
        self.add = w.Button(description="Add missed target 添加")
        self.commit = w.Button(description="Commit 提交", button_style="primary")
        self.status = w.HTML()
        self._wire()
        self.show(self.current)
        self.box = w.VBox(
            [
                w.HTML(font_css(review.source) + CSS),
                w.HTML(f"<h3>{escape(review.document['title_zh'])} · {escape(review.doc_id)}</h3>"),
                self.progress,
                w.HBox([self.picker, self.keys]),
                self.context,
                self.neighbours,
                w.HBox(list(self.buttons.values())),
                self.status,
                w.HBox([self._column("value", "value_high", "unit", "target_year"),
                        self._column("category", "target_type", "level", "comparator"),
                        self._column("baseline_value", "baseline_year", "conflict", "is_stretch")]),
                self.fields["note"],
                w.HBox([self.fields["indicator_id"], self.search]),
                self.matches,
                w.HBox([w.VBox([self.new_ind["name_zh"], self.new_ind["name_en"]]),
                        w.VBox([self.new_ind["unit"], self.new_ind["definition"]]),
                        w.VBox([self.new_cat, self.propose])]),
                w.HBox([self.other, self.restates, self.conflicts]),
                w.HBox([self.missed, self.add]),
                self.commit,
            ]
        )  # fmt: skip

    def _column(self, *names: str) -> w.VBox:
        return w.VBox([self.fields[n] for n in names])

    # --- wiring ------------------------------------------------------------------------------------
    def _wire(self) -> None:
        for name, button in self.buttons.items():
            button.on_click(lambda _b, name=name: self.act(name))
        self.picker.observe(lambda ch: ch["new"] and ch["new"] != self.current and self.show(ch["new"]), "value")
        self.keys.observe(self._key, "value")
        self.search.observe(lambda ch: self._search(ch["new"]), "value")
        self.matches.observe(lambda ch: ch["new"] and setattr(self.fields["indicator_id"], "value", ch["new"]), "value")
        self.propose.on_click(lambda _b: self._guard(self._propose))
        self.restates.on_click(lambda _b: self._guard(self._restates))
        self.conflicts.on_click(lambda _b: self._guard(self._conflicts))
        self.add.on_click(lambda _b: self._guard(self._add))
        self.commit.on_click(lambda _b: self._guard(self._commit))

    def _key(self, change) -> None:
        text = change["new"]
        if not text:
            return
        self.keys.value = ""
        action = KEYS.get(text[-1].lower())
        if action:
            self.act(action)
        else:
            self.say(f"unknown key {text[-1]!r}: a accept, r reject, s skip, n next, p previous", error=True)

    def _guard(self, action) -> None:
        try:
            action()
        except ReviewError as exc:
            self.say(str(exc), error=True)

    def say(self, message: str, error: bool = False) -> None:
        colour = "#b00" if error else "#070"
        self.status.value = f'<span class="sti-status" style="color:{colour}">{escape(message)}</span>'

    # --- actions -----------------------------------------------------------------------------------
    def edits(self) -> dict[str, str]:
        out = {name: widget.value for name, widget in self.fields.items() if name != "is_stretch"}
        out["is_stretch"] = "true" if self.fields["is_stretch"].value else "false"
        return out

    def act(self, action: str) -> None:
        ids = self.review.ids()
        i = ids.index(self.current)
        if action in ("next", "previous"):
            self.show(ids[(i + (1 if action == "next" else -1)) % len(ids)])
            return
        try:
            self.review.decide(self.current, action, self.edits())
        except ReviewError as exc:
            self.say(str(exc), error=True)
            return
        done = self.current
        self.show(self.review.next_open(done) or done)
        self.say(f"{done}: {action} (saved)")

    def _search(self, query: str) -> None:
        found = self.review.search_indicators(query) if query.strip() else []
        self.matches.options = [
            (f"{i['indicator_id']} · {i['name_zh']} · {i['name_en']}{' (proposed)' if i.get('proposed') else ''}",
             i["indicator_id"])
            for i in found
        ]  # fmt: skip

    def _propose(self) -> None:
        fields = {c: box.value for c, box in self.new_ind.items()}
        fields.update(indicator_id=self.fields["indicator_id"].value, category=self.new_cat.value)
        ind = self.review.propose_indicator(fields)
        self.fields["category"].value = self.new_cat.value
        self.say(f"proposed indicator {ind}; it is added to indicators.csv with the commit that uses it")

    def _restates(self) -> None:
        other = self.other.value
        self.review.mark_restatement(self.current, other)
        done = self.current
        self.show(self.review.next_open(done) or done)
        self.say(f"{done} restates {other}: it goes into {other}'s note on commit")

    def _conflicts(self) -> None:
        conflict = self.review.mark_conflict(self.current, self.other.value)
        self.show(self.current)
        self.say(f"{self.current} and {self.other.value} share conflict id {conflict}")

    def _add(self) -> None:
        cid = self.review.add_missed(self.missed.value)
        self.missed.value = ""
        self.show(cid)
        self.say(f"added {cid}: check its fields, then accept")

    def _commit(self) -> None:
        result = self.review.commit()
        self.show(self.current)
        self.say(result.message, error=not result.ok)

    # --- showing -----------------------------------------------------------------------------------
    def show(self, candidate: str) -> None:
        self.current = candidate
        review, row = self.review, self.review.row(candidate)
        reviewed, total = review.progress()
        self.progress.value = (
            f'<span class="sti-progress">{reviewed} of {total} reviewed · 已审 {reviewed}/{total}</span>'
        )
        labels = [(self._label(cid), cid) for cid in review.ids()]
        self.picker.options = labels
        self.picker.value = candidate
        self.other.options = [(label, cid) for label, cid in labels if cid != candidate]
        self.other.value = next((cid for cid in review.neighbours(candidate, 1) if cid != candidate), None)
        before, head, number, tail, after = review.context(candidate)
        self.context.value = (
            f'<div class="sti-ctx">{escape(before)}<mark>{escape(head)}<b>{escape(number)}</b>{escape(tail)}</mark>'
            f"{escape(after)}</div>"
        )
        items = []
        for cid in review.neighbours(candidate):
            r = review.row(cid)
            cls = ' class="cur"' if cid == candidate else ""
            items.append(f"<li{cls}>{escape(cid)} [{escape(r['decision'] or 'open')}] {escape(r['quote'])}</li>")
        self.neighbours.value = f'<ul class="sti-nb">{"".join(items)}</ul>'
        for name, widget in self.fields.items():
            if name == "is_stretch":
                widget.value = row["is_stretch"] == "true"
            elif isinstance(widget, w.Dropdown):
                widget.value = row[name] if row[name] in widget.options else widget.options[0]
            else:
                widget.value = row.get(name, "")
        locked = bool(row["target_id"])
        for button in (*self.buttons.values(), self.restates, self.conflicts):
            if button not in (self.buttons["next"], self.buttons["previous"]):
                button.disabled = locked

    def _label(self, cid: str) -> str:
        r = self.review.row(cid)
        mark = {"accept": "✓", "reject": "✗", "skip": "…", "restates": "="}.get(r["decision"], "·")
        committed = f" → {r['target_id']}" if r["target_id"] else ""
        return f"{mark} {cid} {r['quote'][:30]}{committed}"


NO_DOCUMENT = "No document to review: serve this page with `sti-targets review DOC_ID` (after `sti-targets add`)."


def review_widget():
    """The workbench for the served document, or None when the server named none."""
    review = review_from_environment()
    return None if review is None else ReviewView(review).box
