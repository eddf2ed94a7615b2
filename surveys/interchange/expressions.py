"""The small expression languages of XLSForm (``relevant``, ``constraint``) and REDCap (branching
logic), read into a syntax tree and turned into the platform's conditions, and back. Pure.

Only what maps onto a condition of docs/instrument-format.md is understood; anything else raises
``ExpressionError`` with the reason, which the readers turn into a refusal naming the sheet and
the row. No expression is ever evaluated.

XLSForm (an XPath subset)            REDCap                              condition
``${q} = 'a'``                       ``[q] = 'a'``                       ``{question: q, is: a}``
``${q} != 'a'``                      ``[q] <> 'a'``                      ``is_not``
``selected(${q}, 'a') or ...``       ``[q] = 'a' or [q] = 'b'``          ``in`` (single, dropdown)
``not(selected(${q}, 'a') or ...)``  ``[q] <> 'a' and [q] <> 'b'``       ``not_in``
``selected(${q}, 'a')``              ``[q(a)] = '1'``                    ``contains`` (multiple)
``not(selected(${q}, 'a'))``         ``[q(a)] = '0'``                    ``not_contains``
``${n} >= 8``                        ``[n] >= 8``                        ``ge`` (and gt, le, lt, eq, ne)
``${d} >= date('2020-01-01')``       ``[d] >= '2020-01-01'``             ``ge`` on a date
``a and b``, ``a or b``, ``( )``     the same                            ``all``, ``any``
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

# ---------------------------------------------------------------------------------------------
# The syntax tree


class ExpressionError(ValueError):
    """An expression the platform cannot read: the message says why."""


@dataclass(frozen=True)
class Ref:
    """``${q}`` (XLSForm) or ``[q]`` / ``[q(code)]`` (REDCap)."""

    name: str
    choice: str | None = None


@dataclass(frozen=True)
class Dot:
    """``.``: the current question, in an XLSForm constraint."""


@dataclass(frozen=True)
class Lit:
    value: str | int | float
    quoted: bool


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True)
class Cmp:
    left: object
    op: str  # = != < <= > >=
    right: object


@dataclass(frozen=True)
class Bool:
    op: str  # and | or
    items: tuple


@dataclass(frozen=True)
class Group:
    """A parenthesised expression (kept, so that nesting reads back as it was written)."""

    inner: object


# ---------------------------------------------------------------------------------------------
# Reading text into the tree

_XLSFORM_TOKENS = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<refname>[^}\s]+)\s*\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<name>[A-Za-z_][A-Za-z0-9_:.-]*)
      | (?P<punct>[(),.])
    )""",
    re.VERBOSE,
)

_REDCAP_TOKENS = re.compile(
    r"""\s*(?:
        (?P<ref>\[\s*(?P<refname>[A-Za-z0-9_]+)\s*(?:\(\s*(?P<refchoice>[^)\s]+)\s*\))?\s*\])
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><=|>=|<>|!=|=|<|>)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<punct>[(),])
    )""",
    re.VERBOSE,
)


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _tokens(text: str, pattern: re.Pattern) -> list[tuple[str, object]]:
    tokens, position, text = [], 0, text.strip()
    while position < len(text):
        match = pattern.match(text, position)
        if not match or match.end() == position:
            rest = text[position:].strip()
            if rest.startswith("[") and "][" in rest.replace(" ", ""):
                raise ExpressionError("events ([event][field]) belong to longitudinal projects")
            raise ExpressionError(f"cannot read the expression from {rest[:20]!r}")
        position = match.end()
        if match.group("ref"):
            choice = match.groupdict().get("refchoice")
            tokens.append(("ref", Ref(match.group("refname"), choice)))
        elif match.group("string"):
            tokens.append(("lit", Lit(match.group("string")[1:-1], quoted=True)))
        elif match.group("number"):
            tokens.append(("lit", Lit(_number(match.group("number")), quoted=False)))
        elif match.group("op"):
            op = match.group("op")
            tokens.append(("op", "!=" if op == "<>" else op))
        elif match.group("name"):
            word = match.group("name")
            if word.lower() in ("and", "or") and pattern is _REDCAP_TOKENS:
                tokens.append(("bool", word.lower()))
            elif word in ("and", "or"):
                tokens.append(("bool", word))
            else:
                tokens.append(("name", word))
        else:
            tokens.append((match.group("punct"), match.group("punct")))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str | None = None) -> tuple[str, object]:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        if kind and token[0] != kind:
            raise ExpressionError(f"expected '{kind}', found {token[1]!r}")
        self.position += 1
        return token

    def parse(self):
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        node = self.chain("or")
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")
        return node

    def chain(self, op: str):
        lower = (lambda: self.chain("and")) if op == "or" else self.comparison
        items = [lower()]
        while self.peek() == ("bool", op):
            self.take()
            items.append(lower())
        return items[0] if len(items) == 1 else Bool(op, tuple(items))

    def comparison(self):
        left = self.operand()
        token = self.peek()
        if token and token[0] == "op":
            self.take()
            return Cmp(left, token[1], self.operand())
        return left

    def operand(self):
        kind, value = self.take()
        if kind in ("ref", "lit"):
            return value
        if kind == ".":
            return Dot()
        if kind == "(":
            inner = self.chain("or")
            self.take(")")
            return Group(inner)
        if kind == "name":
            if self.peek() == ("(", "("):
                self.take()
                args = []
                if self.peek() != (")", ")"):
                    args.append(self.chain("or"))
                    while self.peek() == (",", ","):
                        self.take()
                        args.append(self.chain("or"))
                self.take(")")
                return Call(value, tuple(args))
            raise ExpressionError(f"'{value}' is not something the platform can read")
        raise ExpressionError(f"unexpected {value!r}")


def parse_xlsform(text: str):
    return _Parser(_tokens(text, _XLSFORM_TOKENS)).parse()


def parse_redcap(text: str):
    return _Parser(_tokens(text, _REDCAP_TOKENS)).parse()


# ---------------------------------------------------------------------------------------------
# The tree as a condition

CHOICE_KINDS = ("single", "dropdown")
VALUE_KINDS = ("scale", "number", "date")
OPERATORS = {"=": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
FLIPPED = {"=": "=", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Target:
    """What a condition needs to know of the question it names."""

    code: str
    kind: str
    choices: tuple[str, ...] = ()


def _target(ref: Ref, targets) -> Target:
    target = targets(ref.name)
    if target is None:
        raise ExpressionError(f"it refers to '{ref.name}', which is not an earlier question")
    return target


def _choice(target: Target, literal) -> str:
    if not isinstance(literal, Lit):
        raise ExpressionError(f"{target.code} is compared with something that is not a choice code")
    code = str(literal.value)
    if code not in target.choices:
        raise ExpressionError(f"{target.code} has no choice '{code}'")
    return code


def _value(target: Target, literal, *, dated: bool):
    """A number, or a date as YYYY-MM-DD (``date('...')`` in XLSForm, a quoted date in REDCap)."""
    if target.kind == "date":
        text = None
        if isinstance(literal, Call) and literal.name == "date" and len(literal.args) == 1:
            inner = literal.args[0]
            text = inner.value if isinstance(inner, Lit) and inner.quoted else None
        elif isinstance(literal, Lit) and literal.quoted and not dated:
            text = literal.value
        if not isinstance(text, str) or not DATE_RE.match(text):
            how = "date('YYYY-MM-DD')" if dated else "'YYYY-MM-DD'"
            raise ExpressionError(f"{target.code} is a date: compare it with {how}")
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ExpressionError(f"'{text}' is not a date") from None
        return text
    if isinstance(literal, Lit):
        if not literal.quoted:
            return literal.value
        try:
            return _number(literal.value)
        except ArithmeticError:
            pass
    raise ExpressionError(f"{target.code} is a {target.kind} question: compare it with a number")


def _comparison(node: Cmp, targets, *, dated: bool) -> dict:
    left, op, right = node.left, node.op, node.right
    if not isinstance(left, Ref) and isinstance(right, Ref):
        left, op, right = right, FLIPPED[op], left
    if not isinstance(left, Ref):
        call = next((side for side in (node.left, node.right) if isinstance(side, Call)), None)
        if call is not None and call.name != "date":
            raise ExpressionError(f"the function '{call.name}()' is not supported")
        raise ExpressionError("a comparison must name a question")
    target = _target(left, targets)
    if left.choice is not None:  # REDCap's [q(code)]: a checkbox
        if target.kind != "multiple":
            raise ExpressionError(
                f"[{left.name}({left.choice})] names a choice of a question that is not a checkbox"
            )
        choice = _choice(target, Lit(left.choice, True))
        ticked = str(right.value) if isinstance(right, Lit) else None
        if op not in ("=", "!=") or ticked not in ("0", "1"):
            raise ExpressionError("a checkbox choice is compared with '1' (ticked) or '0' (not ticked)")
        holds = (ticked == "1") == (op == "=")
        return {"question": target.code, "contains" if holds else "not_contains": choice}
    if target.kind in CHOICE_KINDS:
        if op not in ("=", "!="):
            raise ExpressionError(f"{target.code} is a choice question: use = or != with a choice code")
        return {"question": target.code, "is" if op == "=" else "is_not": _choice(target, right)}
    if target.kind in VALUE_KINDS:
        return {"question": target.code, OPERATORS[op]: _value(target, right, dated=dated)}
    if target.kind == "multiple":
        how = "selected(${q}, 'code')" if dated else "[q(code)] = '1'"
        raise ExpressionError(f"{target.code} has several answers: test one choice with {how}")
    raise ExpressionError(f"{target.code} is a {target.kind} question: no condition can depend on it")


def _selected(node, targets) -> tuple[Target, str] | None:
    if not (isinstance(node, Call) and node.name == "selected"):
        return None
    if len(node.args) != 2 or not isinstance(node.args[0], Ref):
        raise ExpressionError("selected() takes a question and a choice code: selected(${q}, 'code')")
    target = _target(node.args[0], targets)
    if target.kind not in (*CHOICE_KINDS, "multiple"):
        raise ExpressionError(
            f"selected() needs a choice question; {target.code} is a {target.kind} question"
        )
    return target, _choice(target, node.args[1])


def _same_single_selections(node, targets) -> tuple[str, list[str]] | None:
    """``selected(${q}, 'a') or selected(${q}, 'b')`` on one single/dropdown question."""
    items = node.items if isinstance(node, Bool) and node.op == "or" else (node,)
    found = [_selected(item, targets) for item in items]
    if not all(found) or len({t.code for t, _ in found}) != 1 or found[0][0].kind not in CHOICE_KINDS:
        return None
    return found[0][0].code, [choice for _, choice in found]


def xlsform_condition(node, targets) -> dict:
    """An XLSForm ``relevant`` (parsed) as a condition; ``targets(name)`` gives an earlier question."""
    if isinstance(node, Group):
        return xlsform_condition(node.inner, targets)
    if isinstance(node, Bool):
        same = _same_single_selections(node, targets) if node.op == "or" else None
        if same:
            return {"question": same[0], "in": same[1]}
        return {"all" if node.op == "and" else "any": [xlsform_condition(i, targets) for i in node.items]}
    if isinstance(node, Cmp):
        return _comparison(node, targets, dated=True)
    if isinstance(node, Call) and node.name == "selected":
        target, choice = _selected(node, targets)
        key = "contains" if target.kind == "multiple" else "in"
        return {"question": target.code, key: choice if key == "contains" else [choice]}
    if isinstance(node, Call) and node.name == "not":
        inner = node.args[0] if len(node.args) == 1 else None
        while isinstance(inner, Group):
            inner = inner.inner
        one = _selected(inner, targets) if inner is not None else None
        if one and one[0].kind == "multiple":
            return {"question": one[0].code, "not_contains": one[1]}
        same = _same_single_selections(inner, targets) if inner is not None else None
        if same:
            return {"question": same[0], "not_in": same[1]}
        raise ExpressionError("not() is read only around selected(): not(selected(${q}, 'code'))")
    if isinstance(node, Call):
        raise ExpressionError(f"the function '{node.name}()' is not supported")
    raise ExpressionError("this is not a condition on an earlier answer")


def redcap_condition(node, targets) -> dict:
    """REDCap branching logic (parsed) as a condition."""
    if isinstance(node, Group):
        return redcap_condition(node.inner, targets)
    if isinstance(node, Bool):
        converted = [redcap_condition(i, targets) for i in node.items]
        wanted = "is" if node.op == "or" else "is_not"
        codes = {c.get("question") for c in converted}
        if len(codes) == 1 and all(set(c) == {"question", wanted} for c in converted):
            # [q] = 'a' or [q] = 'b': one of these choices (and its negation)
            return {
                "question": codes.pop(),
                "in" if wanted == "is" else "not_in": [c[wanted] for c in converted],
            }
        return {"all" if node.op == "and" else "any": converted}
    if isinstance(node, Cmp):
        return _comparison(node, targets, dated=False)
    if isinstance(node, Call):
        raise ExpressionError(f"the function '{node.name}()' is not supported")
    raise ExpressionError("this is not a condition on an earlier answer")


# ---------------------------------------------------------------------------------------------
# A condition as text


def number_text(value) -> str:
    if isinstance(value, bool):
        raise ExpressionError("a condition's value cannot be true or false")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    raise ExpressionError(f"not a number: {value!r}")


def _date_or_number(value, dated: bool) -> str:
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, str):
        if not DATE_RE.match(value):
            raise ExpressionError(f"not a date (YYYY-MM-DD) nor a number: {value!r}")
        return f"date('{value}')" if dated else f"'{value}'"
    return number_text(value)


def _quote(code) -> str:
    code = str(code)
    if "'" in code:
        raise ExpressionError(f"a choice code cannot hold a quote: {code!r}")
    return f"'{code}'"


def xlsform_relevant(condition: dict) -> str:
    """The condition as an XLSForm ``relevant`` (``xlsform_condition`` reads it back unchanged)."""
    for combination, joiner in (("all", " and "), ("any", " or ")):
        if combination in condition:
            parts = []
            for item in condition[combination]:
                text = xlsform_relevant(item)
                several = isinstance(item.get("in"), list) and len(item["in"]) > 1
                if "all" in item or "any" in item or ("in" in item and (combination == "any" or several)):
                    text = f"({text})"
                parts.append(text)
            return joiner.join(parts)
    ref = "${" + condition["question"] + "}"
    ((op, value),) = ((k, v) for k, v in condition.items() if k != "question")
    if op == "is":
        return f"{ref} = {_quote(value)}"
    if op == "is_not":
        return f"{ref} != {_quote(value)}"
    if op in ("in", "not_in"):
        chosen = " or ".join(f"selected({ref}, {_quote(v)})" for v in value)
        return chosen if op == "in" else f"not({chosen})"
    if op == "contains":
        return f"selected({ref}, {_quote(value)})"
    if op == "not_contains":
        return f"not(selected({ref}, {_quote(value)}))"
    symbol = {v: k for k, v in OPERATORS.items()}[op]
    return f"{ref} {symbol} {_date_or_number(value, dated=True)}"


def redcap_logic(condition: dict, name) -> str:
    """The condition as REDCap branching logic; ``name(code)`` gives a question's variable name."""
    for combination, joiner in (("all", " and "), ("any", " or ")):
        if combination in condition:
            parts = []
            for item in condition[combination]:
                text = redcap_logic(item, name)
                chained = (
                    any(k in item for k in ("all", "any"))
                    or len(item.get("in") or item.get("not_in") or ()) > 1
                )
                parts.append(f"({text})" if chained else text)
            return joiner.join(parts)
    ref = f"[{name(condition['question'])}]"
    ((op, value),) = ((k, v) for k, v in condition.items() if k != "question")
    if op in ("is", "is_not"):
        return f"{ref} {'=' if op == 'is' else '<>'} {_quote(value)}"
    if op == "in":
        return " or ".join(f"{ref} = {_quote(v)}" for v in value)
    if op == "not_in":
        return " and ".join(f"{ref} <> {_quote(v)}" for v in value)
    if op in ("contains", "not_contains"):
        return f"[{name(condition['question'])}({value})] = '{1 if op == 'contains' else 0}'"
    symbol = {v: k for k, v in OPERATORS.items()}[op]
    return f"{ref} {'<>' if symbol == '!=' else symbol} {_date_or_number(value, dated=False)}"
