"""cartotech: a sourced, self-hostable observatory of regional tech ecosystems."""

__version__ = "0.1.0"
