"""Synthetic participants for trying and measuring the dashboard at any size.

Answers are drawn from the distributions the paper reports (Bendayan et al. 2024), with its
subgroup effects (GPs and physicians of underserved areas seek opinions more often), and about a
third of participants stop part-way, as in the study (989 of 1,451 complete). Every response goes
through the same services as the respondent views.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .models import Survey
from .selectors import survey_layout
from .services import page_save, response_start
from .values import AnswerValue

# Shares reported by the paper where it gives them, plausible ones elsewhere.
SINGLE = {
    "Q1": {"female": 0.83, "male": 0.16, "other": 0.01},
    "Q2": {"under_30": 0.12, "30_40": 0.638, "41_50": 0.16, "51_60": 0.06, "over_60": 0.022},
    "Q4": {
        "independent": 0.596,
        "hospital": 0.169,
        "academic_hospital": 0.053,
        "resident": 0.051,
        "mixed": 0.08,
        "salaried_other": 0.04,
        "other": 0.011,
    },
    "Q5": {"urban": 0.585, "semi_rural": 0.303, "rural": 0.112},
    "Q6": {"yes": 0.289, "no": 0.711},
    "Q7": {"several_daily": 0.70, "daily": 0.207, "several_weekly": 0.06, "weekly": 0.02, "less": 0.013},
    "Q8": {"lt_1y": 0.15, "1_2y": 0.25, "2_3y": 0.25, "gt_3y": 0.35},
    "Q10": {"frequently": 0.086, "occasionally": 0.368, "rarely": 0.343, "never": 0.203},
    "Q19": {"yes": 0.41, "no": 0.59},
}
GP_SHARE = 0.651
SOUGHT_SPLIT = {"frequently": 0.051, "occasionally": 0.394, "rarely": 0.555}  # among those who sought
SCORE_8_PLUS = {
    "Q11": 0.747,
    "Q12": 0.70,
    "Q13": 0.817,
    "Q14": 0.55,
    "Q15": 0.60,
    "Q16": 0.68,
    "Q17": 0.857,
    "Q18": 0.72,
    "Q23": 0.748,
    "Q24": 0.547,
    "Q25": 0.66,
}
MULTIPLE = {
    "Q20": {
        "free_teleexpertise": 0.35,
        "paid_teleexpertise": 0.25,
        "other_social_groups": 0.40,
        "messaging_groups": 0.45,
        "hospital_hotline": 0.30,
        "other": 0.05,
    },
    "Q21": {
        "speed_of_responses": 0.875,
        "available_anytime": 0.82,
        "diversity_of_specialties": 0.70,
        "number_of_members": 0.45,
        "free_of_charge": 0.60,
        "friendly_atmosphere": 0.55,
        "shared_documents": 0.65,
        "other": 0.03,
    },
    "Q22": {
        "contradictory_responses": 0.512,
        "no_legal_framework": 0.35,
        "confidentiality_risk": 0.30,
        "unverified_information": 0.40,
        "too_many_posts": 0.25,
        "judgemental_comments": 0.20,
        "other": 0.04,
    },
    "Q26": {
        "read_on_group": 0.80,
        "save_for_later": 0.60,
        "use_in_consultation": 0.45,
        "share_with_colleagues": 0.30,
        "share_with_patients": 0.20,
        "do_not_use": 0.03,
        "other": 0.02,
    },
}
OTHER_TEXTS = ["Médecine du travail", "Gériatrie", "Médecine du sport", "Addictologie", "Soins palliatifs"]
COMMENTS = [
    "Un groupe indispensable à ma pratique quotidienne.",
    "Attention aux informations non sourcées.",
    "Merci aux administrateurs pour leur travail.",
    "J'aimerais plus de fiches pratiques.",
]
STOP_AFTER = {1: 0.35, 2: 0.20, 3: 0.15, 4: 0.15, 5: 0.15}  # last page submitted by those who stop
PARTIAL_SHARE = 0.318  # 1 - 989 / 1451


class Sampler:
    def __init__(self, survey: Survey, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.layout = survey_layout(survey)
        self.specialties = [
            c.code for c in self.layout.by_code["Q3"].choices.all() if c.code != "general_practice"
        ]

    def pick(self, shares: dict[str, float]) -> str:
        codes = list(shares)
        weights = np.array([shares[c] for c in codes])
        return codes[self.rng.choice(len(codes), p=weights / weights.sum())]

    def score(self, share_8_plus: float) -> int:
        band = self.rng.random()
        if band < share_8_plus:
            return int(self.rng.choice([8, 9, 10], p=[0.4, 0.3, 0.3]))
        if band < share_8_plus + (1 - share_8_plus) * 0.7:
            return int(self.rng.integers(5, 8))
        return int(self.rng.integers(0, 5))

    def ticks(self, shares: dict[str, float]) -> tuple[str, ...]:
        chosen = tuple(code for code, share in shares.items() if self.rng.random() < share)
        return chosen or (max(shares, key=shares.get),)

    def answers(self) -> dict[str, AnswerValue]:
        """One participant's answers to every question (skip logic applies when saving)."""
        a: dict[str, AnswerValue] = {}
        for code, shares in SINGLE.items():
            a[code] = AnswerValue(choice=self.pick(shares))
        gp = self.rng.random() < GP_SHARE
        q3 = "general_practice" if gp else str(self.rng.choice(self.specialties))
        a["Q3"] = AnswerValue(
            choice=q3, other_text=str(self.rng.choice(OTHER_TEXTS)) if q3 == "other" else ""
        )
        if a["Q4"].choice == "other":
            a["Q4"] = AnswerValue(choice="other", other_text="Médecin remplaçant")
        sought = (0.70 if gp else 0.523) + (0.04 if a["Q6"].choice == "yes" else -0.02)
        q9 = self.pick(SOUGHT_SPLIT) if self.rng.random() < sought else "never"
        comment = str(self.rng.choice(COMMENTS)) if self.rng.random() < 0.05 else ""
        a["Q9"] = AnswerValue(choice=q9, comment=comment)
        boost = 0.05 if gp else 0.0
        for code, share in SCORE_8_PLUS.items():
            a[code] = AnswerValue(score=self.score(min(share + boost, 0.95)))
        for code, shares in MULTIPLE.items():
            chosen = self.ticks(shares)
            a[code] = AnswerValue(choices=chosen, other_text="Autre" if "other" in chosen else "")
        if self.rng.random() < 0.1:
            a["Q27"] = AnswerValue(text=str(self.rng.choice(COMMENTS)))
        return a


def seed_responses(
    survey: Survey, n: int, seed: int = 1, start: dt.date | None = None, days: int = 45, progress=None
) -> int:
    """Add ``n`` participants; return how many completed."""
    sampler = Sampler(survey, seed)
    layout = sampler.layout
    start = start or dt.date(2022, 6, 1)
    pages = [p.position for p in layout.pages]
    complete = 0
    for i in range(n):
        day = start + dt.timedelta(days=int(sampler.rng.integers(0, days)))
        moment = dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(
            minutes=int(sampler.rng.integers(0, 14 * 60))
        )
        language = "en" if sampler.rng.random() < 0.05 else "fr"
        response, _ = response_start(survey=survey, language=language, now=moment)
        answers = sampler.answers()
        stop = int(sampler.pick(STOP_AFTER)) if sampler.rng.random() < PARTIAL_SHARE else None
        position = pages[0]
        while position is not None:
            on_page = {
                q.code: answers[q.code]
                for q in layout.questions_on(layout.page(position))
                if q.code in answers
            }
            result = page_save(
                response=response,
                page_position=position,
                values=on_page,
                language=language,
                layout=layout,
                now=moment + dt.timedelta(minutes=2 * position),
            )
            if stop is not None and position >= stop:
                break
            position = result.next_page
        else:
            complete += 1
        if progress and (i + 1) % 1000 == 0:
            progress(i + 1)
    return complete
