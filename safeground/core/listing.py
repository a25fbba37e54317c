"""List pages of records: filters, free-text search, sorting, paging and CSV export, written once.

A list page is a `RecordList` (what to select, its filter form, its columns and CSV fields) handed to
`render_list()`, which answers three ways from the same query string:

* a full page (no JavaScript needed: the filter form is a plain GET form, headers and pages are links);
* the results part only, for htmx requests aimed at `#list-results` (the form and links carry
  `hx-get` + `hx-push-url`, so the address bar always holds a URL that reproduces the view);
* `?format=csv`: every matching row in the same order, streamed, UTF-8 with a byte order mark so
  that Excel opens Khmer and Azerbaijani text correctly.

Sorting only accepts the keys of sortable columns (anything else falls back to the default order),
so a query string can never order by an arbitrary field. Every order ends with the record code,
which makes pages stable. The querysets come from the apps, already joined and annotated so a page
costs a fixed number of queries whatever its length.

`core` imports no app: choices that come from other apps' tables (provinces, organisations) are
built by the app from querysets it passes to the helpers here.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import F, Func, IntegerField, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

PER_PAGE = 50
CSV_CHUNK = 2000  # rows fetched per round trip while streaming an export
RESULTS_ID = "list-results"  # the element htmx swaps
FILTER_FORM_ID = "list-filters"
#: Cells starting with these are read as formulas by spreadsheets: such text is prefixed with "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# ------------------------------------------------------------------------------------------ columns


@dataclass(frozen=True)
class Column:
    """One column of the table. `sort`: the ORM fields or annotations it orders by (empty: not sortable)."""

    key: str
    label: str
    sort: tuple[str, ...] = ()
    numeric: bool = False


@dataclass(frozen=True)
class CsvField:
    """One column of the CSV export: a stable snake_case header and how to read it from a row."""

    header: str
    value: Callable[[Any], Any]


def attr(path: str) -> Callable[[Any], Any]:
    """A reader of a dotted attribute path ("province.code") that gives None past a missing link."""
    parts = path.split(".")

    def read(row):
        value = row
        for part in parts:
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    return read


# -------------------------------------------------------------------------------------------- forms


def optional_choice(label, choices) -> forms.ChoiceField:
    """A select whose first option, "All", filters nothing. `choices` may be a function that loads them
    (from another app's table): the form calls it once per request. Labels are translated when the
    page is drawn (the models mark them with gettext_noop), so the reader's language applies."""
    load = choices if callable(choices) else lambda: choices
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=lambda: [("", gettext("All")), *_translated(load())],
    )


def _translated(choices) -> list:
    """Choice labels in the reader's language; groups ((label, [(value, label), …])) kept as groups."""
    return [
        (k, _translated(v)) if isinstance(v, list | tuple) else (k, gettext(v) if isinstance(v, str) else v)
        for k, v in choices
    ]


class ListFilterForm(forms.Form):
    """Search text and a date range; subclasses add their choice fields and say how each filters.

    `lookups` maps a field name to an ORM lookup ("status", "province__code") or to a function of the
    cleaned value giving a Q. `date_range` is the date field the range applies to, or a function of
    (from, to) giving a Q (activities: the period overlaps the range). Invalid fields are left out of
    the filter and shown with their error; the rest still apply.
    """

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    level_names: dict[str, str]  # set by RecordList.select
    lookups: ClassVar[dict[str, str | Callable[[Any], Q]]] = {}
    date_range: ClassVar[str | Callable[[dt.date | None, dt.date | None], Q]] = ""
    date_label: ClassVar[str] = ""
    search_fields: ClassVar[tuple[str, ...]] = ("code",)
    search_help: ClassVar[str] = ""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.choices = list(field.choices)  # load choices from tables once, not per use
        if self.search_help:
            self.fields["q"].help_text = self.search_help
            self.fields["q"].widget.attrs["placeholder"] = self.search_help
        if self.date_label:
            self.fields["date_from"].label = _("%(what)s from") % {"what": self.date_label}
            self.fields["date_to"].label = _("%(what)s to") % {"what": self.date_label}

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start: the dates are ignored."))
            data.pop("date_from", None)
        return data

    def apply(self, qs: QuerySet) -> QuerySet:
        self.is_valid()  # fills cleaned_data with the valid fields; the others are skipped
        data = self.cleaned_data
        for name, lookup in self.lookups.items():
            value = data.get(name)
            if value in (None, "", [], ()):
                continue
            qs = qs.filter(lookup(value) if callable(lookup) else Q(**{lookup: value}))
        start, end = data.get("date_from"), data.get("date_to")
        if (start or end) and self.date_range:
            if callable(self.date_range):
                qs = qs.filter(self.date_range(start, end))
            else:
                if start:
                    qs = qs.filter(**{f"{self.date_range}__gte": start})
                if end:
                    qs = qs.filter(**{f"{self.date_range}__lte": end})
        for term in (data.get("q") or "").split():
            match = Q()
            for name in self.search_fields:
                match |= Q(**{f"{name}__folded_contains": term})  # accents and case ignored
            qs = qs.filter(match)
        return qs

    @property
    def filter_count(self) -> int:
        """How many fields other than the search text hold a value (the filter panel opens when any does)."""
        return sum(1 for name in self.fields if name != "q" and self.data.get(name))

    def filter_fields(self):
        return [field for field in self if field.name != "q"]


def total(queryset: QuerySet, function: str = "COUNT", field: str = "pk", output_field=None, default=0):
    """A correlated subquery: COUNT/SUM of `field` over `queryset` (already filtered on an OuterRef).

    The aggregate is a plain SQL function without GROUP BY, so the subquery is one row whatever the
    filter (ORs across joins included); no rows gives `default`.
    """
    output_field = output_field or IntegerField()
    inner = queryset.order_by().annotate(_total=Func(F(field), function=function, output_field=output_field))
    return Coalesce(Subquery(inner.values("_total")[:1]), Value(default), output_field=output_field)


def organisation_choices(organisations: QuerySet) -> list[tuple[str, str]]:
    """Organisations as select options: value = acronym, label = "acronym · name"."""
    rows = organisations.order_by("acronym").values_list("acronym", "name")
    return [(acronym, f"{acronym} · {name}") for acronym, name in rows]


def area_choices(areas: QuerySet, names: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Admin areas as select options grouped by country (`names`: ISO3 → the country's name):
    value = code, label = "name (code)"."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for area in areas.only("country", "code", "name").order_by("country", "code"):
        groups.setdefault(area.country, []).append((area.code, f"{area.name} ({area.code})"))
    return [(str(names.get(country, country)), options) for country, options in groups.items()]


# ------------------------------------------------------------------------------------------ the list


@dataclass
class RecordList:
    """Everything one list page needs; see the module docstring."""

    name: str  # CSV file name stem, e.g. "hazards"
    title: str
    queryset: Callable[[], QuerySet]
    form: type[ListFilterForm]
    columns: list[Column]
    csv_fields: list[CsvField]
    template: str  # the full page; extends core/list_page.html
    rows_template: str  # the <tr> rows of one page
    count_text: Callable[[int], str]  # "%(n)s hazards" in the right plural form, from ngettext
    default_sort: str = "code"
    per_page: int = PER_PAGE
    # {level: label} of a country's admin levels (its programme's names: Departamento, Rayon): with
    # one country filtered, the province/district/commune filters and columns take its names.
    level_labels: Callable[[str], dict[int, str]] | None = None

    def ordering(self, requested: str | None) -> tuple[str, list]:
        """The sort key actually used (unknown or unsortable keys fall back) and its ORDER BY terms."""
        sortable = {c.key: c.sort for c in self.columns if c.sort}
        key = (requested or "").strip()
        descending = key.startswith("-")
        if key.lstrip("-") not in sortable:
            key = self.default_sort
            descending = key.startswith("-")
        fields = sortable.get(key.lstrip("-"), ("code",))
        terms = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields]
        if "code" not in fields:
            terms.append(F("code").asc())
        return key, terms

    def select(self, request: HttpRequest) -> tuple[ListFilterForm, str, QuerySet]:
        """The bound filter form, the sort key in use and the filtered, ordered queryset."""
        form = self.form(request.GET)
        form.level_names = _level_names(request, self, form)  # before the fields are bound
        sort, order = self.ordering(request.GET.get("sort"))
        return form, sort, form.apply(self.queryset()).order_by(*order)


#: Fields and columns named after an admin level, and the level.
LEVEL_KEYS = {"province": 1, "district": 2, "commune": 3}


def _level_names(request: HttpRequest, spec: RecordList, form: ListFilterForm) -> dict[str, str]:
    """{"province": "Departamento", …} for the one country filtered, applied to the form's fields."""
    country = request.GET.get("country", "")
    if not (spec.level_labels and country and "country" in form.fields):
        return {}
    labels = spec.level_labels(country)
    names = {key: labels[level] for key, level in LEVEL_KEYS.items() if level in labels}
    for key, name in names.items():
        if key in form.fields:
            form.fields[key].label = name
    return names


def render_list(request: HttpRequest, spec: RecordList, extra: dict | None = None) -> HttpResponse:
    """Answer a list page request: full page, htmx results part, or CSV export (see the module docstring)."""
    form, sort, qs = spec.select(request)
    level_names = form.level_names
    if request.GET.get("format") == "csv":
        return csv_response(spec, qs)
    page = Paginator(qs, spec.per_page).get_page(request.GET.get("page"))
    # The view's parameters without empty fields, with the sort actually used (omitted when default).
    params = {k: v for k, v in request.GET.items() if k not in ("page", "format", "sort") and v != ""}
    if sort != spec.default_sort:
        params["sort"] = sort
    total = page.paginator.count
    context = {
        "count_text": spec.count_text(total) % {"n": number_format(total, 0, force_grouping=True)},
        "spec": spec,
        "form": form,
        "page": page,
        "rows": page.object_list,
        "sort": sort,
        "headers": _headers(spec, request.path, params, sort, level_names),
        "pages": page_links(page, request.path, params),
        "csv_url": f"{request.path}?{urlencode({**params, 'format': 'csv'})}",
        "list_url": request.path,
        "filtered": any(k != "sort" for k in params),
        "results_id": RESULTS_ID,
        "form_id": FILTER_FORM_ID,
        "rows_template": spec.rows_template,
        **(extra or {}),
    }
    partial = (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == RESULTS_ID
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
    response = render(request, "core/_list_results.html" if partial else spec.template, context)
    if partial:  # htmx puts this in the address bar: the form's empty fields left out
        query = urlencode({**params, "page": page.number} if page.number > 1 else params)
        response["HX-Push-Url"] = f"{request.path}?{query}" if query else request.path
    patch_vary_headers(response, ["HX-Request", "HX-Target"])  # the part and the page share a URL
    return response


def _headers(spec: RecordList, path: str, params: dict, sort: str, names: dict | None = None) -> list[dict]:
    current, descending = sort.lstrip("-"), sort.startswith("-")
    out = []
    for column in spec.columns:
        header = {
            "label": (names or {}).get(column.key, column.label),
            "numeric": column.numeric,
            "url": None,
            "aria_sort": None,
            "arrow": "",
        }
        if column.sort:
            active = column.key == current
            # A first click sorts numbers and dates largest first, text A→Z; a second click reverses.
            if active:
                next_key = column.key if descending else f"-{column.key}"
                header["aria_sort"] = "descending" if descending else "ascending"
                header["arrow"] = "▼" if descending else "▲"
            else:
                next_key = f"-{column.key}" if column.numeric else column.key
            header["url"] = f"{path}?{urlencode({**params, 'sort': next_key})}"
        out.append(header)
    return out


def page_links(page, path: str, params: dict, param: str = "page") -> dict:
    """Links to the pages around `page` (previous, next, an elided range) keeping the other query
    `params`; `param` names the page's own parameter (two lists on one page need two)."""

    def url(number: int) -> str:
        query = urlencode({**params, param: number} if number > 1 else params)
        return f"{path}?{query}" if query else path

    paginator = page.paginator
    numbers = []
    for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        numbers.append({"number": n, "url": url(n) if isinstance(n, int) else None, "current": n == page.number})
    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
        "numbers": numbers if paginator.num_pages > 1 else [],
    }


# -------------------------------------------------------------------------------------------- CSV


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value  # keep spreadsheets from running it as a formula
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_rows(fields: list[CsvField], rows: Iterable) -> Iterator[str]:
    """The CSV text, line by line: byte order mark, header row, one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([f.header for f in fields])
    for row in rows:
        yield writer.writerow([_cell(f.value(row)) for f in fields])


def csv_response(spec: RecordList, qs: QuerySet) -> StreamingHttpResponse:
    """Every row of the filtered, sorted queryset as a streamed CSV download."""
    stamp = dt.date.today().isoformat()
    response = StreamingHttpResponse(
        csv_rows(spec.csv_fields, qs.iterator(chunk_size=CSV_CHUNK)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="safeground-{spec.name}-{stamp}.csv"'
    return response
