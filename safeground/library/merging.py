"""Every write of a library merge: receive another programme's library, a person's decision per model, apply.

Three steps, so that nothing enters the library before a person has looked at it:

1. `receive` reads and checks the file (library.exchange), keeps it as received (`LibraryImport.archive`)
   and proposes, per incoming model, a candidate here found by name (ordnance.naming.key: 'PMN2' ==
   'PMN-2') or by alias (their name against our aliases, their aliases against our names and aliases).
2. `decide` records what the person chose for one model: merge (into the candidate or another model),
   create, or skip.
3. `apply` refuses while a decision is missing, then in one transaction: a merge fills only our empty
   fields (ours are never overwritten), adds their name and aliases as our aliases, their similar links,
   and their images not attached already (same SHA-256); a create adds the model through
   ordnance.services. Two incoming models resolved to one model are both merged into it, so a merge adds
   no duplicate; re-applying the same file adds nothing.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.attachments import queries as attachment_queries
from safeground.attachments import services as attachment_services
from safeground.core.errors import ValidationFailed
from safeground.library import exchange
from safeground.library.models import LibraryImport, LibraryMatch
from safeground.ordnance import naming
from safeground.ordnance import services as ordnance_services
from safeground.ordnance.models import OrdnanceAlias, OrdnanceModel

DECISIONS = ("merge", "create", "skip")


class Index:
    """Our models by the key of their names and aliases (the same rule as the ordnance search)."""

    def __init__(self) -> None:
        self.by_name: dict[str, OrdnanceModel] = {}
        self.by_alias: dict[str, OrdnanceModel] = {}
        for model in OrdnanceModel.objects.all():
            self.by_name.setdefault(naming.key(model.name), model)
        for alias in OrdnanceAlias.objects.select_related("model"):
            self.by_alias.setdefault(alias.folded or naming.key(alias.name), alias.model)

    def add(self, model: OrdnanceModel, aliases: list) -> None:
        self.by_name.setdefault(naming.key(model.name), model)
        for name, _lang in aliases:
            self.by_alias.setdefault(naming.key(name), model)

    def owner(self, name: str) -> OrdnanceModel | None:
        """The model here that already has this name or alias (by key), if any."""
        k = naming.key(name)
        return (self.by_name.get(k) or self.by_alias.get(k)) if k else None

    def find(self, name: str, aliases: list) -> tuple[OrdnanceModel | None, str]:
        """The candidate for an incoming model and how it was found: 'name', 'alias' or 'none'."""
        k = naming.key(name)
        if k and k in self.by_name:
            return self.by_name[k], "name"
        if k and k in self.by_alias:
            return self.by_alias[k], "alias"
        for alias_name, _lang in aliases:
            a = naming.key(alias_name)
            if a and (a in self.by_name or a in self.by_alias):
                return self.by_name.get(a) or self.by_alias[a], "alias"
        return None, "none"


def receive(
    data: bytes | str | Path, *, source: str = "", programme: str = "", partner: str = "", user=None
) -> LibraryImport:
    """Read a library file (bytes or a path), keep it and propose a match per model. A refused file
    (ValidationFailed naming the file, the model or row and the field) writes nothing."""
    if isinstance(data, str | Path):
        path = Path(data)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise ValidationFailed(
                _("cannot read %(file)s: %(why)s") % {"file": path.name, "why": exc.strerror}, "file", "unreadable"
            ) from exc
        source = source or path.name
    else:
        content = bytes(data)
    source = (source or "library").strip()[:300]
    incoming = exchange.read(content, PurePosixPath(source).name or "library")
    index = Index()
    suffix = PurePosixPath(source.lower()).suffix
    if content[:4] == b"PK\x03\x04":
        suffix = ".zip"
    elif suffix not in (".json", ".csv"):
        suffix = ".json" if content.lstrip()[:1] == b"{" else ".csv"
    stored: list[str] = []
    try:
        with transaction.atomic():
            row = LibraryImport(
                source=source,
                programme=(programme or incoming.programme)[:200],
                partner=(partner or "")[:40],
                created_by=user if getattr(user, "pk", None) else None,
            )
            row.archive.save(f"library{suffix}", ContentFile(content), save=False)
            stored.append(row.archive.name or "")
            row.save()
            for position, model in enumerate(incoming.models, start=1):
                candidate, matched_by = index.find(model["name"], model["aliases"])
                LibraryMatch.objects.create(
                    library_import=row,
                    position=position,
                    name=model["name"],
                    incoming=model,
                    candidate=candidate,
                    matched_by=matched_by,
                    target=candidate,
                )
    except BaseException:
        for name in stored:
            LibraryImport._meta.get_field("archive").storage.delete(name)
        raise
    return row


def _open(library_import: LibraryImport) -> None:
    if library_import.status != "open":
        raise ValidationFailed(
            _("this import is %(status)s: nothing more to decide") % {"status": library_import.get_status_display()},
            "status",
            "closed",
        )


def _clash(name: str, index: Index | None = None) -> OrdnanceModel | None:
    """The model here already known by this name (by its key, over names and aliases)."""
    found, _how = (index or Index()).find(name, [])
    return found


@transaction.atomic
def decide(match: LibraryMatch, decision: str, *, target: OrdnanceModel | None = None, user=None) -> LibraryMatch:
    """Record a person's decision for one incoming model: 'merge' (into `target`, by default the
    candidate), 'create' (refused when the name is taken: choose merge) or 'skip'."""
    match = LibraryMatch.objects.select_for_update().select_related("library_import").get(pk=match.pk)
    _open(match.library_import)
    if decision not in DECISIONS:
        raise ValidationFailed(
            _("decision: %(value)s is not merge, create or skip") % {"value": repr(decision)}, "decision", "choice"
        )
    if decision == "merge":
        target = target or match.candidate
        if target is None:
            raise ValidationFailed(
                _("%(name)s: no model here to merge into; choose one, or create or skip") % {"name": match.name},
                "target",
                "required",
            )
    else:
        target = None
    if decision == "create":
        taken = _clash(match.name)
        if taken is not None:
            raise ValidationFailed(
                _("%(name)s: the library already has %(model)s by this name; choose merge")
                % {"name": match.name, "model": taken.name},
                "decision",
                "duplicate",
            )
    match.decision, match.target = decision, target
    match.decided_by = user if getattr(user, "pk", None) else None
    match.decided_at = timezone.now()
    match.save()
    return match


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _fills(model: OrdnanceModel, theirs: dict) -> dict:
    """Their values for our empty fields (ours are never overwritten); translations per language and text."""
    fills = {}
    for name in ordnance_services.EDITABLE:
        if name in ("category", "texts") or name not in theirs:
            continue
        ours = getattr(model, name)
        if name == "metal_content":
            if ours == "unknown" and theirs[name] not in ("", "unknown"):
                fills[name] = theirs[name]
        elif _empty(ours) and not _empty(theirs[name]):
            fills[name] = theirs[name]
    texts = {lang: dict(values) for lang, values in (model.texts or {}).items()}
    changed = False
    for lang, values in _shown_texts(theirs.get("texts") or {}).items():
        for text_name, text in values.items():
            if text and not (texts.get(lang) or {}).get(text_name):
                texts.setdefault(lang, {})[text_name] = text
                changed = True
    if changed:
        fills["texts"] = texts
    return fills


def _shown_texts(texts: dict) -> dict:
    """Their translations in the languages this installation shows (the others stay in the kept archive)."""
    shown = set(ordnance_services.translation_languages())
    return {lang: values for lang, values in texts.items() if lang in shown}


def _aliases(model: OrdnanceModel, theirs: dict, index: Index) -> tuple[list[tuple[str, str]], int]:
    """Our aliases plus their name and aliases not known already (by key); and how many were added. A name
    another model here already answers to is not added: one name, one model (searches stay unambiguous)."""
    current = [(a.name, a.language) for a in model.aliases.all()]
    known = {naming.key(model.name)} | {naming.key(name) for name, _lang in current}
    added = 0
    for name, lang in [(theirs["name"], ""), *[tuple(a) for a in theirs["aliases"]]]:
        k = naming.key(name)
        owner = index.owner(name)
        if k and k not in known and (owner is None or owner.pk == model.pk):
            known.add(k)
            current.append((name, lang))
            added += 1
    return current, added


def _images(library_import: LibraryImport) -> dict[str, bytes]:
    """The image files of the archive as received (only a ZIP carries them)."""
    if not library_import.archive:
        return {}
    with library_import.archive.open("rb") as handle:
        content = handle.read()
    if content[:4] != b"PK\x03\x04":
        return {}
    return exchange.read_zip(content, library_import.source).images


def apply(library_import: LibraryImport, *, user=None) -> LibraryImport:
    """Carry out every decision in one transaction (see the module docstring); refused while any model
    waits for a decision. The counts go to `summary`."""
    with transaction.atomic():
        library_import = LibraryImport.objects.select_for_update().get(pk=library_import.pk)
        _open(library_import)
        matches = list(library_import.matches.select_related("target").order_by("position"))
        pending = [m for m in matches if m.decision == "pending"]
        if pending:
            raise ValidationFailed(
                _("%(count)s model(s) wait for a decision, first %(name)s")
                % {"count": len(pending), "name": pending[0].name},
                "decision",
                "pending",
            )
        summary = dict.fromkeys(
            ("merged", "created", "skipped", "fields_filled", "aliases_added", "similar_added", "images_added"), 0
        )
        index = Index()
        created: dict[str, OrdnanceModel] = {}
        results: list[tuple[LibraryMatch, OrdnanceModel]] = []
        for match in matches:
            theirs = match.incoming
            if match.decision == "skip":
                summary["skipped"] += 1
                continue
            target = match.target
            if match.decision == "create":
                # Another incoming model created just before under the same key: merge into it (no duplicate).
                target = created.get(naming.key(theirs["name"]))
                if target is None:
                    taken = _clash(theirs["name"], index)
                    if taken is not None:
                        raise ValidationFailed(
                            _("%(name)s: the library already has %(model)s by this name; choose merge")
                            % {"name": theirs["name"], "model": taken.name},
                            "decision",
                            "duplicate",
                        )
                    fields = {k: theirs[k] for k in ordnance_services.EDITABLE if k in theirs}
                    fields["texts"] = _shown_texts(fields.get("texts") or {})
                    target = ordnance_services.create_model(
                        name=theirs["name"],
                        user=user,
                        reason=_("library import from %(source)s") % {"source": library_import.source},
                        aliases=[tuple(a) for a in theirs["aliases"] if index.owner(a[0]) is None],
                        **fields,
                    )
                    index.add(target, theirs["aliases"])
                    created[naming.key(target.name)] = target
                    summary["created"] += 1
                    results.append((match, target))
                    continue
            assert target is not None  # a merge has its target (a database constraint)
            target = OrdnanceModel.objects.get(pk=target.pk)  # as it is now (an earlier merge may have filled it)
            fills = _fills(target, theirs)
            aliases, added = _aliases(target, theirs, index)
            if fills or added:
                ordnance_services.update_model(
                    target,
                    user=user,
                    reason=_("library merge from %(source)s") % {"source": library_import.source},
                    aliases=aliases if added else None,
                    **fills,
                )
            index.add(target, [tuple(a) for a in aliases])
            summary["merged"] += 1
            summary["fields_filled"] += len(fills)
            summary["aliases_added"] += added
            results.append((match, target))
        for match, model in results:
            summary["similar_added"] += _link_similar(model, match.incoming["similar"], index, user)
        files = _images(library_import) if any(m.incoming["images"] for m, _r in results) else {}
        for match, model in results:
            summary["images_added"] += _attach(model, match.incoming["images"], files, user)
        for match, model in results:
            match.result = model
            match.save(update_fields=["result"])
        library_import.status, library_import.applied_at, library_import.summary = "applied", timezone.now(), summary
        library_import.save()
    return library_import


def _link_similar(model: OrdnanceModel, names: list[str], index: Index, user) -> int:
    current = list(model.similar_models.all())
    have = {m.pk for m in current} | {model.pk}
    new = []
    for name in names:
        other, _how = index.find(name, [])
        if other is not None and other.pk not in have:
            have.add(other.pk)
            new.append(other)
    if new:
        ordnance_services.update_model(model, user=user, similar=current + new)
    return len(new)


def _attach(model: OrdnanceModel, images: list[dict], files: dict[str, bytes], user) -> int:
    have = set(attachment_queries.of(model).values_list("sha256", flat=True))
    added = 0
    for image in images:
        content = files.get(image["file"])
        if content is None or image["sha256"] in have:
            continue
        attachment_services.attach(
            model,
            name=PurePosixPath(image["file"]).name,
            content=content,
            user=user,
            caption=image["caption"],
            source="exchange",
        )
        have.add(image["sha256"])
        added += 1
    return added


def drop(library_import: LibraryImport, *, user=None) -> LibraryImport:
    """Close an import without merging anything (its file is kept)."""
    with transaction.atomic():
        library_import = LibraryImport.objects.select_for_update().get(pk=library_import.pk)
        _open(library_import)
        library_import.status = "dropped"
        library_import.save(update_fields=["status"])
    return library_import
