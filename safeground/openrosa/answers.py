"""A form's answers by question name, whatever they came from: an instance's XML tree (groups nested,
repeats as repeated elements) or an ODK Central CSV row (groups joined with '-' in column names,
repeats in their own CSV files). The mapping to the workbench reads only this."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Answers:
    """Question name → text (groups flattened: names are unique in a form), repeat name → its entries."""

    values: dict[str, str] = field(default_factory=dict)
    repeats: dict[str, list[Answers]] = field(default_factory=dict)

    def get(self, name: str) -> str:
        value = self.values.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def many(self, name: str) -> list[Answers]:
        return self.repeats.get(name, [])

    def files(self) -> set[str]:
        """Every answer here and in the repeats (a photo question's answer is its file name)."""
        out = {v for v in self.values.values() if isinstance(v, str) and v}
        for entries in self.repeats.values():
            for entry in entries:
                out |= entry.files()
        return out


def from_tree(tree: dict, repeats: set[str] | frozenset[str] = frozenset()) -> Answers:
    """Flatten an instance's tree: `repeats` names the repeat groups (one entry parses as a dict, not a
    list, so the form must say which groups repeat); any element that occurs twice is a repeat too."""
    out = Answers()
    for name, value in tree.items():
        if name in repeats or isinstance(value, list):
            entries = value if isinstance(value, list) else [value]
            out.repeats[name] = [from_tree(e, repeats) if isinstance(e, dict) else Answers() for e in entries]
        elif isinstance(value, dict):
            inner = from_tree(value, repeats)
            out.values.update(inner.values)
            out.repeats.update(inner.repeats)
        else:
            out.values[name] = value
    return out
