"""One question's answer as plain values: what a form gives and what a response holds."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerValue:
    choice: str | None = None  # single choice: the choice code
    choices: tuple[str, ...] = ()  # multiple choice: the codes chosen, in questionnaire order
    score: int | None = None
    text: str = ""
    other_text: str = ""
    comment: str = ""

    @property
    def chosen(self) -> tuple[str, ...]:
        """The choice codes chosen, whatever the kind: what skip logic looks at."""
        return (self.choice,) if self.choice else self.choices

    @property
    def is_empty(self) -> bool:
        return not (self.choice or self.choices or self.score is not None or self.text.strip())
