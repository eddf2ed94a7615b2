"""An instrument spec written back in the file's format, and the differences between two specs.

Pure: no database. ``spec_to_data`` is the inverse of ``instrument.parse_instrument`` (parsing
what it returns gives the same spec), which is what lets the live instrument be exported and
loaded again without change. ``spec_differences`` names what differs between two specs, each
difference marked structural when answers depend on it (see ``surveys.structure``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

from .kinds import kind
from .specs import InstrumentSpec, QuestionSpec, Text

# ---------------------------------------------------------------------------------------------
# Spec -> the instrument file's data


def _text(text: Text) -> dict:
    return {"fr": text.fr, "en": text.en} if text.en else {"fr": text.fr}


def _question_data(q: QuestionSpec) -> dict:
    data: dict = {"code": q.code, "kind": q.kind}
    if q.condition:
        data["show_if"] = q.condition.to_data()
    data["text"] = _text(q.text)
    if q.help.fr or q.help.en:
        data["help"] = _text(q.help)
    if not q.required and kind(q.kind).answerable:
        data["required"] = False
    if q.has_comment:
        data["comment"] = True
    return data | kind(q.kind).to_data(q)


def spec_to_data(spec: InstrumentSpec) -> dict:
    """The spec as the mapping an instrument file holds (plain data: dumps to YAML or JSON)."""
    data: dict = {"slug": spec.slug, "version": spec.version, "status": spec.status}
    if spec.opens_at:
        data["opens_at"] = spec.opens_at.isoformat()
    if spec.closes_at:
        data["closes_at"] = spec.closes_at.isoformat()
    data["title"] = _text(spec.title)
    for key in ("introduction", "consent"):
        text = getattr(spec, key)
        if text.fr or text.en:
            data[key] = _text(text)
    for key in ("ethics_approval", "contact"):
        if getattr(spec, key):
            data[key] = getattr(spec, key)
    data["pages"] = []
    for page in spec.pages:
        page_data: dict = {"title": _text(page.title)}
        if page.lead_in.fr or page.lead_in.en:
            page_data["lead_in"] = _text(page.lead_in)
        if page.condition:
            page_data["show_if"] = page.condition.to_data()
        page_data["questions"] = [_question_data(q) for q in page.questions]
        data["pages"].append(page_data)
    if spec.analysis:
        data["analysis"] = spec.analysis
    return data


class _Dumper(yaml.SafeDumper):
    """Texts of several paragraphs as literal blocks (``|``), as a person writes them."""


def _text_representer(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _text_representer)


def spec_to_yaml(spec: InstrumentSpec, header: str = "") -> str:
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.dump(spec_to_data(spec), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return comment + body


# ---------------------------------------------------------------------------------------------
# Differences


@dataclass(frozen=True)
class Difference:
    where: str  # "Q12, text (fr)", "page 3, title (en)", "questions"
    old: str
    new: str
    structural: bool  # answers depend on it: frozen once the survey has answers

    def describe(self, old_name: str = "", new_name: str = "") -> str:
        old = f"{old_name} {self.old}" if old_name else self.old
        new = f"{new_name} {self.new}" if new_name else self.new
        return f"{self.where}: {old} -> {new}"


def _shown(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, tuple | frozenset):
        return ", ".join(value) or "(none)"
    if isinstance(value, str):
        text = " ".join(value.split())
        return repr(text if len(text) <= 70 else text[:67] + "...")
    return str(value)


def _lines(text: str) -> str:
    """Line breaks as a file has them: a browser's form sends them as CR LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bilingual(prefix: str, name: str, text: Text) -> dict:
    return {f"{prefix}{name} (fr)": _lines(text.fr), f"{prefix}{name} (en)": _lines(text.en)}


def _flatten(spec: InstrumentSpec) -> tuple[dict, set[str]]:
    """Every comparable value of the spec under a readable name, and the names that are structural.

    The survey's status and dates are not part of the instrument: the file sets them only when
    the survey is created, the investigator decides afterwards.
    """
    values: dict = {"version": spec.version, "ethics approval": spec.ethics_approval, "contact": spec.contact}
    values |= _bilingual("", "title", spec.title)
    values |= _bilingual("", "introduction", spec.introduction)
    values |= _bilingual("", "consent", spec.consent)
    values["analysis plan"] = json.dumps(spec.analysis, sort_keys=True, ensure_ascii=False)
    structural = {"pages", "questions"}
    values["pages"] = len(spec.pages)
    values["questions"] = tuple(
        f"{q.code} (page {n})" for n, page in enumerate(spec.pages, start=1) for q in page.questions
    )
    for n, page in enumerate(spec.pages, start=1):
        values |= _bilingual(f"page {n}, ", "title", page.title)
        values |= _bilingual(f"page {n}, ", "lead-in", page.lead_in)
        values[f"page {n}, condition"] = _condition(page.condition)
        structural.add(f"page {n}, condition")
    for q in spec.questions:
        p = f"{q.code}, "
        values |= {
            f"{p}kind": q.kind,
            f"{p}condition": _condition(q.condition),
            f"{p}comment box": q.has_comment,
        }
        structural |= {f"{p}kind", f"{p}condition", f"{p}comment box"}
        for name, value in kind(q.kind).structure(q).items():
            # Lists of codes compare as sets (their order is wording: see "order of ...").
            values[p + name] = frozenset(value) if isinstance(value, list) else value
            structural.add(p + name)
        values |= _bilingual(p, "text", q.text) | _bilingual(p, "help", q.help)
        values[f"{p}required"] = q.required
        values[f"{p}order of choices"] = tuple(c.code for c in q.choices)
        values[f"{p}order of statements"] = tuple(s.code for s in q.statements)
        for name, text in kind(q.kind).wording(q).items():
            values |= _bilingual(p, name, text)
    return values, structural


def _condition(condition) -> str | None:
    return json.dumps(condition.to_data(), sort_keys=True, ensure_ascii=False) if condition else None


def spec_differences(old: InstrumentSpec, new: InstrumentSpec) -> list[Difference]:
    """What changes from ``old`` to ``new``, in the order of the instrument.

    A question, page or choice present on one side only is reported once, by the structural
    entry that lists them ("questions", "pages", "Q4, choices"), not field by field.
    """
    old_values, structural = _flatten(old)
    new_values, new_structural = _flatten(new)
    structural |= new_structural
    names = list(old_values) + [name for name in new_values if name not in old_values]
    differences = []
    for name in names:
        if name not in old_values or name not in new_values or old_values[name] == new_values[name]:
            continue
        old_value, new_value = old_values[name], new_values[name]
        if isinstance(old_value, tuple | frozenset) and set(old_value) != set(new_value):
            # A list of codes: what went and what came, not two long lists to compare by eye.
            gone = [v for v in old_value if v not in set(new_value)]
            came = [v for v in new_value if v not in set(old_value)]
            old_value = f"removed {_shown(tuple(gone))}" if gone else "-"
            new_value = f"added {_shown(tuple(came))}" if came else "-"
            differences.append(Difference(name, old_value, new_value, name in structural))
            continue
        if isinstance(old_value, str) and isinstance(new_value, str):
            old_value, new_value = _around_first_difference(old_value, new_value)
        differences.append(Difference(name, _shown(old_value), _shown(new_value), name in structural))
    return differences


def _around_first_difference(old: str, new: str, before: int = 25) -> tuple[str, str]:
    """Two long texts cut to where they start to differ, so that the difference shows."""
    start = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new))
    )
    if start <= before:
        return old, new
    return "..." + old[start - before :], "..." + new[start - before :]


def same_instrument(a: InstrumentSpec, b: InstrumentSpec) -> bool:
    return _flatten(a)[0] == _flatten(b)[0]
