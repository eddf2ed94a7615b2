"""Skip logic and navigation, pure: which questions and pages a respondent sees, where they go next.

Conditions only ever refer to earlier questions (the instrument loader refuses anything else), so
one pass in questionnaire order settles visibility: a question whose controlling question is
hidden or unanswered is hidden too. A page's condition is part of each of its questions' rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .conditions import Condition
from .values import AnswerValue


@dataclass(frozen=True)
class Rule:
    code: str
    page: int
    required: bool
    condition: Condition | None = None  # the question's and its page's, together
    answerable: bool = True  # False for a note: shown, never answered
    parts: tuple[str, ...] = ()  # a grid's statements: answered when each of them is


def visible_codes(rules: Iterable[Rule], answers: Mapping[str, AnswerValue]) -> set[str]:
    """The codes of the questions shown, given the answers so far."""
    visible: set[str] = set()
    for rule in rules:
        if rule.condition is None or rule.condition.holds(answers, visible):
            visible.add(rule.code)
    return visible


class Navigator:
    """Where a respondent may go, from the rules, their answers and the furthest page submitted."""

    def __init__(
        self,
        rules: list[Rule],
        answers: Mapping[str, AnswerValue],
        furthest_page: int,
        visible: set[str] | None = None,
    ) -> None:
        self.rules = rules
        self.answers = answers
        self.visible = visible_codes(rules, answers) if visible is None else visible
        parts = {rule.code: set(rule.parts) for rule in rules if rule.parts}
        self.answered = {
            code for code, answer in answers.items() if code not in parts or parts[code] <= set(answer.rows)
        }
        self.furthest_page = furthest_page
        self.pages = sorted({r.page for r in rules})
        self.visible_pages = [p for p in self.pages if any(self._shown_on(p))]

    def _shown_on(self, page: int) -> list[Rule]:
        return [r for r in self.rules if r.page == page and r.code in self.visible]

    def is_unfinished(self, page: int) -> bool:
        """Never submitted, or a required question shown on it has no answer."""
        if page > self.furthest_page:
            return True
        return any(r.required and r.answerable and r.code not in self.answered for r in self._shown_on(page))

    @property
    def resume_page(self) -> int | None:
        """The first page still to do; ``None`` when every shown page is done."""
        return next((p for p in self.visible_pages if self.is_unfinished(p)), None)

    def can_open(self, page: int) -> bool:
        resume = self.resume_page
        return page in self.visible_pages and (resume is None or page <= resume)

    def next_page(self, after: int) -> int | None:
        """Where to go once ``after`` is saved: the next shown page, unless an earlier one is
        unfinished (after going back and changing an answer that reveals questions)."""
        resume = next((p for p in self.visible_pages if p != after and self.is_unfinished(p)), None)
        following = next((p for p in self.visible_pages if p > after), None)
        if resume is not None and (following is None or resume < following):
            return resume
        return following

    def previous_page(self, before: int) -> int | None:
        return next((p for p in reversed(self.visible_pages) if p < before), None)

    def _undecided(self) -> set[str]:
        """Questions that may still be shown: a question their condition names is shown (or may
        be) and not answered yet."""
        open_codes: set[str] = set()
        for rule in self.rules:
            if rule.condition is None or rule.code in self.visible:
                continue
            if any(
                code not in self.answers and (code in self.visible or code in open_codes)
                for code in rule.condition.questions()
            ):
                open_codes.add(rule.code)
        return open_codes

    def _counted_pages(self) -> list[int]:
        """The pages shown and those that may still be."""
        counted = self.visible | self._undecided()
        return [p for p in self.pages if any(r.page == p and r.code in counted for r in self.rules)]

    def progress(self, page: int) -> tuple[int, int]:
        """(this page's number, how many pages there are) counting the pages shown and those
        that may still be, so the total does not jump when Q9 is answered."""
        pages = self._counted_pages()
        index = pages.index(page) + 1 if page in pages else 0
        return index, len(pages)

    def is_last(self, page: int) -> bool:
        """No page after this one is shown or may still be (its button says "Finish")."""
        return not any(p > page for p in self._counted_pages())
