"""Extraction of facts from press articles.

Numeric extractors: pure functions over an article's text that return frozen records
with the exact ``text``, its ``start``/``end`` character offsets and the normalised
value — money amounts, counts of things and calendar dates, in French and English.
"""

from cartotech.extract.amounts import Amount, find_amounts
from cartotech.extract.counts import Count, find_counts
from cartotech.extract.dates import DateMention, find_dates
from cartotech.extract.numbers import NumberSpan, find_numbers

__all__ = [
    "Amount",
    "Count",
    "DateMention",
    "NumberSpan",
    "find_amounts",
    "find_counts",
    "find_dates",
    "find_numbers",
]
