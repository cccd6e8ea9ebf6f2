"""A ``Substitution``: one element of ∂L/∂x written as the arithmetic that gives it, a sum of
terms, each a product of named numbers (viz/chain.py builds them; its siblings
chain_more.py and chain_norms.py for the operations with their own shape of rule)."""
import numpy as np

from .formatting import number

TERMS_SHOWN = 4   # terms written out; longer sums show the first ones, "…" and the last
TERMS = {"en": "   ({n} terms)", "zh": "（共 {n} 项）"}   # how many there are, then


class Substitution:
    """∂L/∂x[k] = Σ over terms of the product of their factors, each factor (label, value)."""

    def __init__(self, target, rule, terms, notes=()):
        self.target, self.rule, self.notes = target, rule, list(notes)
        self.terms = [[(label, float(v)) for label, v in t] for t in terms]

    @property
    def value(self):
        return float(sum(np.prod([v for _, v in t]) for t in self.terms))

    def numbers(self):
        """The arithmetic: '1.83 × 0.6225 × 0.3775', or a sum of such products."""
        if not self.terms:
            return "0"
        parts = [_product(t) for t in self.terms]
        if len(parts) > TERMS_SHOWN + 1:
            parts = parts[:TERMS_SHOWN - 1] + ["…", parts[-1]]
        text = parts[0]
        for part in parts[1:]:   # a − b rather than a + −b
            text += f" − {part[1:]}" if part.startswith("-") else f" + {part}"
        return text

    def text(self, lang="en"):
        """The whole line; lang='zh' counts the terms in Chinese."""
        count = (TERMS.get(lang, TERMS["en"]).format(n=len(self.terms))
                 if len(self.terms) > TERMS_SHOWN + 1 else "")
        numbers, result = self.numbers(), num(self.value)
        if numbers == result or not self.terms:   # nothing to compute: g as it is, or 0
            return f"{self.target} = {self.rule} = {result}"
        return f"{self.target} = {self.rule} = {numbers} = {result}{count}"

    def lines(self, lang="en"):
        return [self.text(lang)] + [f"   {note}" for note in self.notes]


def num(v):
    """A number as the frames (and the graph) write it: 4 significant digits."""
    return number(v)


def signed(v):
    """A number to follow an operator: negatives in parentheses, '(-0.5)'."""
    text = num(v)
    return f"({text})" if text.startswith("-") else text


def _product(term):
    if not term:
        return "1"
    shown = [num(v) for _, v in term]
    return " × ".join(shown[:1] + [f"({s})" if s.startswith("-") else s for s in shown[1:]])


def index_text(k, shape):
    """Flat index 5 of shape (2, 3) -> '[1,2]'; a scalar -> ''."""
    if not shape:
        return ""
    return "[" + ",".join(str(int(i)) for i in np.unravel_index(k, shape)) + "]"


def position_text(position):
    """(1, 2) -> '[1,2]'; () -> ''."""
    return "[" + ",".join(str(int(i)) for i in position) + "]" if len(position) else ""
