"""Reading an instrument file (YAML, or JSON, which YAML reads too) into a validated spec.

Pure: no database. ``parse_instrument`` either returns a complete ``InstrumentSpec`` or raises
``InstrumentError`` naming the line and the question at fault, so nothing is ever half-loaded.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from . import conditions
from .kinds import KINDS, condition_target, kind
from .specs import (  # noqa: F401 - the specs are read from here too
    ChoiceSpec,
    DateSpec,
    InstrumentSpec,
    NumberSpec,
    PageSpec,
    QuestionSpec,
    ScaleSpec,
    StatementSpec,
    Text,
)

STATUSES = ("draft", "open", "closed")
CODE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_]*[A-Za-z0-9])?$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
COMMON_KEYS = {"code", "kind", "text", "help", "required", "comment", "show_if"}


class InstrumentError(ValueError):
    pass


class _Node(dict):
    """A mapping that remembers the line it started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node):
    mapping = _Node()
    mapping.line = node.start_mark.line + 1
    yield mapping  # as SafeConstructor does, so that anchors and aliases keep working
    mapping.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def parse_instrument(source: str) -> InstrumentSpec:
    try:
        data = yaml.load(source, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark else ""
        raise InstrumentError(f"{where}not valid YAML/JSON: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise InstrumentError(f"not valid YAML/JSON: {exc}") from exc
    return _Parser().survey(data)


def parse_data(data) -> InstrumentSpec:
    """An instrument already read into plain data (JSON, or what ``spec_to_data`` gives)."""
    return _Parser().survey(data)


class _Parser:
    def __init__(self) -> None:
        self.seen: dict[str, QuestionSpec] = {}

    def fail(self, node, message: str, code: str | None = None) -> None:
        where = f"line {node.line}" if isinstance(node, _Node) and node.line else "file"
        if code:
            where += f", question {code}"
        raise InstrumentError(f"{where}: {message}")

    def mapping(self, node, what: str, parent=None) -> _Node:
        if not isinstance(node, dict):
            self.fail(parent, f"{what} must be a mapping")
        return node

    def string(self, node, key: str, required: bool = True, code: str | None = None) -> str:
        value = node.get(key)
        if value is None or value == "":
            if required:
                self.fail(node, f"'{key}' is missing", code)
            return ""
        if not isinstance(value, str):
            self.fail(node, f"'{key}' must be text (quote it: {key}: \"{value}\")", code)
        return value.strip()

    def text(self, node, key: str, required: bool = True, code: str | None = None) -> Text:
        value = node.get(key)
        if value is None:
            if required:
                self.fail(node, f"'{key}' is missing", code)
            return Text("", "")
        if isinstance(value, str):
            return Text(value.strip(), "")
        if not isinstance(value, dict) or set(value) - {"fr", "en"}:
            self.fail(node, f"'{key}' must be a text or a mapping with 'fr' and 'en'", code)
        fr = self.string(value, "fr", required=required, code=code)
        return Text(fr, self.string(value, "en", required=False, code=code))

    def check_code(self, node, value: str, what: str, code: str | None = None) -> None:
        if not CODE_RE.match(value) or "__" in value:
            self.fail(node, f"{what} '{value}' may only hold letters, digits and single '_'", code)

    def flag(self, node, key: str, default: bool, code: str | None = None) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.fail(node, f"'{key}' must be true or false", code)
        return value

    def date(self, node, key: str) -> dt.datetime | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
        if isinstance(value, str):  # JSON has no dates: ISO 8601 text
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        self.fail(node, f"'{key}' must be a date (YYYY-MM-DD) or a date and time")

    def survey(self, data) -> InstrumentSpec:
        if not isinstance(data, dict):
            raise InstrumentError("file: an instrument is a mapping with slug, version, title, pages")
        slug = self.string(data, "slug")
        if not SLUG_RE.match(slug):
            self.fail(data, f"slug '{slug}' may only hold letters, digits, '-' and '_'")
        status = data.get("status", "draft")
        if status not in STATUSES:
            self.fail(data, f"unknown status '{status}' (expected one of {', '.join(STATUSES)})")
        opens_at, closes_at = self.date(data, "opens_at"), self.date(data, "closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.fail(data, "closes_at must come after opens_at")
        version = data.get("version")
        if isinstance(version, int | float) and not isinstance(version, bool):
            version = str(version)  # `version: 2` reads as a number
        if not isinstance(version, str) or not version.strip():
            self.fail(data, "'version' is missing (e.g. version: \"2022.1\")")
        pages = data.get("pages")
        if not isinstance(pages, list) or not pages:
            self.fail(data, "'pages' must be a non-empty list")
        pages = tuple(self.page(page, data) for page in pages)
        spec = InstrumentSpec(
            slug=slug,
            version=version.strip(),
            status=status,
            title=self.text(data, "title"),
            introduction=self.text(data, "introduction", required=False),
            consent=self.text(data, "consent", required=False),
            ethics_approval=self.string(data, "ethics_approval", required=False),
            contact=self.string(data, "contact", required=False),
            opens_at=opens_at,
            closes_at=closes_at,
            pages=pages,
            analysis=self.analysis(data.get("analysis"), data),
        )
        return spec

    def page(self, node, parent) -> PageSpec:
        node = self.mapping(node, "a page", parent)
        questions = node.get("questions")
        if not isinstance(questions, list) or not questions:
            self.fail(node, "a page needs a non-empty list of 'questions'")
        if set(node) - {"title", "lead_in", "questions", "show_if"}:
            unknown = ", ".join(sorted(set(node) - {"title", "lead_in", "questions", "show_if"}))
            self.fail(node, f"a page holds title, lead_in, show_if and questions; not {unknown}")
        # A page's condition refers to questions of earlier pages.
        condition = self.condition(node, None)
        return PageSpec(
            title=self.text(node, "title"),
            lead_in=self.text(node, "lead_in", required=False),
            questions=tuple(self.question(q, node) for q in questions),
            condition=condition,
        )

    def question(self, node, parent) -> QuestionSpec:
        node = self.mapping(node, "a question", parent)
        code = self.string(node, "code")
        self.check_code(node, code, "code", code)
        if code in self.seen:
            self.fail(node, "duplicate code: each question code must be unique", code)
        name = node.get("kind")
        if name not in KINDS:
            self.fail(node, f"unknown kind '{name}' (expected one of {', '.join(KINDS)})", code)
        the_kind = kind(name)
        allowed = COMMON_KEYS | set(the_kind.file_keys)
        extra = set(node) - allowed
        if extra:
            owners = [k for k in KINDS.values() if extra & set(k.file_keys)]
            hint = f" (a key of {', '.join(k.name for k in owners)} questions)" if owners else ""
            self.fail(node, f"a {name} question has no '{sorted(extra)[0]}'{hint}", code)
        question = QuestionSpec(
            code=code,
            kind=name,
            text=self.text(node, "text", code=code),
            help=self.text(node, "help", required=False, code=code),
            required=self.flag(node, "required", the_kind.answerable, code) and the_kind.answerable,
            has_comment=self.flag(node, "comment", False, code),
            condition=self.condition(node, code),
            **the_kind.parse(self, node, code),
        )
        self.seen[code] = question
        return question

    def condition(self, node, code: str | None) -> conditions.Condition | None:
        raw = node.get("show_if")
        if raw is None:
            return None
        try:
            return conditions.parse(raw, self.target)
        except conditions.ConditionError as exc:
            self.fail(raw if isinstance(raw, _Node) else node, str(exc), code)

    def target(self, code: str) -> conditions.Target | None:
        question = self.seen.get(code)
        return spec_target(question) if question else None

    # -- the analysis plan: groupings and outcomes of the subgroup comparisons ---------------

    def label(self, node, key: str = "label") -> dict:
        text = self.text(node, key)
        return {"fr": text.fr, "en": text.en or text.fr}

    def analysis(self, raw, parent) -> dict:
        if raw is None:
            return {}
        raw = self.mapping(raw, "'analysis'", parent)
        if set(raw) - {"groupings", "outcomes", "references"}:
            self.fail(raw, "'analysis' holds 'groupings', 'outcomes' and 'references' only")
        codes: set[str] = set()
        result = {"groupings": [], "outcomes": []}
        for key, parse in (("groupings", self.grouping), ("outcomes", self.outcome)):
            items = raw.get(key) or []
            if not isinstance(items, list):
                self.fail(raw, f"'{key}' must be a list")
            for item in items:
                item = self.mapping(item, f"an item of '{key}'", raw)
                parsed = parse(item)
                if parsed["code"] in codes:
                    self.fail(item, f"analysis code '{parsed['code']}' is used twice")
                codes.add(parsed["code"])
                result[key].append(parsed)
        if raw.get("references") is not None:  # only when given: plans without any stay as they were
            result["references"] = self.references(raw["references"], raw)
        return result

    def _analysed_question(self, node, code: str, role: str) -> QuestionSpec:
        """The question ``code``, whose kind must play ``role`` in an analysis: "category" (one
        choice per answer: single, dropdown) or "score" (a scale)."""
        question = self.seen.get(code)
        if question is None:
            self.fail(node, f"the analysis refers to '{code}', which is not a question")
        if kind(question.kind).analysis_role != role:
            expected = " or ".join(k.name for k in KINDS.values() if k.analysis_role == role)
            self.fail(node, f"{code} is a {question.kind} question; expected {expected}")
        return question

    def grouping(self, node) -> dict:
        code = self.string(node, "code")
        question = self._analysed_question(node, self.string(node, "question"), "category")
        groups = node.get("groups")
        if not isinstance(groups, list) or len(groups) < 2:
            self.fail(node, f"grouping '{code}' needs a list of at least two 'groups'")
        known = set(question_choice_codes(question))
        taken: set[str] = set()
        parsed = []
        for group in groups:
            group = self.mapping(group, "a group", node)
            choices = group.get("choices") or []
            if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                self.fail(group, "'choices' must be a list of choice codes (quote numbers)")
            for choice in choices:
                if choice not in known:
                    self.fail(group, f"{question.code} has no choice '{choice}'")
                if choice in taken:
                    self.fail(group, f"choice '{choice}' is in two groups of '{code}'")
                taken.add(choice)
            otherwise = self.flag(group, "otherwise", False)
            if not choices and not otherwise:
                self.fail(group, "a group needs 'choices' or 'otherwise: true'")
            parsed.append(
                {
                    "code": self.string(group, "code"),
                    "label": self.label(group),
                    "choices": choices,
                    "otherwise": otherwise,
                }
            )
        if sum(g["otherwise"] for g in parsed) > 1:
            self.fail(node, f"only one group of '{code}' can take 'otherwise'")
        return {"code": code, "label": self.label(node), "question": question.code, "groups": parsed}

    def outcome(self, node) -> dict:
        code = self.string(node, "code")
        many = node.get("questions")
        if many is not None and (not isinstance(many, list) or not many):
            self.fail(node, "'questions' must be a non-empty list of question codes")
        codes = many or [self.string(node, "question")]
        positive = self.mapping(node.get("positive"), "'positive'", node) if node.get("positive") else None
        if positive is None or len(positive) != 1 or set(positive) - {"choices", "not_choices", "min_score"}:
            self.fail(node, "'positive' needs one of 'choices', 'not_choices' or 'min_score'")
        ((kind, value),) = positive.items()
        for question_code in codes:
            if kind == "min_score":
                question = self._analysed_question(node, question_code, "score")
                if not isinstance(value, int) or not question.scale.min < value <= question.scale.max:
                    self.fail(node, f"min_score must be a score inside {question_code}'s scale")
            else:
                question = self._analysed_question(node, question_code, "category")
                if not isinstance(value, list) or not set(value) <= set(question_choice_codes(question)):
                    self.fail(node, f"'{kind}' must list choice codes of {question_code}")
        result = {"code": code, "label": self.label(node), "positive": {kind: value}}
        result["questions" if many else "question"] = codes if many else codes[0]
        return result

    def references(self, items, parent) -> list[dict]:
        """Reference margins (national figures the sample is compared to), by source: each
        margin the share of the population in some choices of a single-choice question."""
        if not isinstance(items, list) or not items:
            self.fail(parent, "'references' must be a non-empty list")
        parsed, codes = [], set()
        for item in items:
            item = self.mapping(item, "an item of 'references'", parent)
            if set(item) - {"code", "source", "margins"}:
                self.fail(item, "a reference holds code, source and margins only")
            code = self.string(item, "code")
            self.check_code(item, code, "reference code")
            if code in codes:
                self.fail(item, f"reference code '{code}' is used twice")
            codes.add(code)
            margins = item.get("margins")
            if not isinstance(margins, list) or not margins:
                self.fail(item, f"reference '{code}' needs a non-empty list of 'margins'")
            parsed.append(
                {
                    "code": code,
                    "source": self.label(item, "source"),
                    "margins": [self.margin(self.mapping(m, "a margin", item)) for m in margins],
                }
            )
        return parsed

    def margin(self, node) -> dict:
        if set(node) - {"question", "choices", "share", "label", "note"}:
            self.fail(node, "a margin holds question, choices, share, label and note only")
        question = self._analysed_question(node, self.string(node, "question"), "category")
        choices = node.get("choices")
        known = question_choice_codes(question)
        if not isinstance(choices, list) or not choices or not set(choices) <= set(known):
            self.fail(node, f"'choices' must list choice codes of {question.code} (quote numbers)")
        if len(set(choices)) == len(known):
            self.fail(node, "a margin's choices must leave some of the question's choices out")
        share = node.get("share")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share < 1:
            self.fail(node, "'share' must be a proportion between 0 and 1 (0.46 for 46 %)")
        result = {"question": question.code, "choices": list(choices), "share": float(share)}
        result["label"] = self.label(node)
        if node.get("note") is not None:
            result["note"] = self.label(node, "note")
        return result


def question_choice_codes(question: QuestionSpec) -> list[str]:
    return [c.code for c in question.choices]


def spec_target(question: QuestionSpec) -> conditions.Target:
    """What a condition may ask of ``question``."""
    return condition_target(question.code, question.kind, question_choice_codes(question))
