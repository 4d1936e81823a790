"""Chinese text: script conversion, numerals, and the project's own CJK font."""
