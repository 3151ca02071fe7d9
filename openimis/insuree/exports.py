"""The insurees export (`insureesExport`): the rows of an insurees search, the columns the caller names,
written by core's export store. A column is a path of model fields (`chf_id`, `gender__code`,
`family__location__name`) that stays within the insuree and location tables."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from openimis.core import exports
from openimis.core.configuration import module_config
from openimis.core.errors import ValidationFailed
from openimis.insuree import rights as insuree_rights
from openimis.insuree.models import Insuree, Photo

DEFAULT_FIELDS = ("chf_id", "last_name", "other_names", "gender__code", "dob", "phone", "email")
READABLE_APPS = {"insuree", "location"}  # the tables an export may reach through relations
HIDDEN_COLUMNS = {(Photo, "photo")}  # base64 content: not a column
MAX_DEPTH = 4


def max_rows() -> int:
    return int(module_config("insuree").get("insurees_export_max_rows") or 10000)


def checked_path(path: str) -> str:
    """`path` when it names a column of an insuree or of a row it reaches, else a ValidationFailed."""
    parts = path.split("__")
    model = Insuree
    for position, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            field = None
        last = position == len(parts) - 1
        if (field is None or not field.concrete or len(parts) > MAX_DEPTH or (model, part) in HIDDEN_COLUMNS
                or (field.is_relation and field.related_model._meta.app_label not in READABLE_APPS)):
            raise ValidationFailed(_("Cannot export the field %(field)s") % {"field": path})
        if not last:
            if not field.is_relation:
                raise ValidationFailed(_("Cannot export the field %(field)s") % {"field": path})
            model = field.related_model
    return path


def export_insurees(user, queryset: QuerySet, fields: Sequence[str] | None, columns: dict | None,
                    file_format: str | None) -> str:
    """Write the rows of `queryset` (an insurees search: the caller's right checked, row security
    applied) and return the token the frontend downloads them with. `columns`: field -> column title.
    Holders of the insuree search right may download it too."""
    chosen_format = exports.checked_format(file_format)
    paths = [checked_path(path) for path in (fields or DEFAULT_FIELDS)]
    limit = max_rows()
    rows = list(queryset.values_list(*paths)[: limit + 1])
    if len(rows) > limit:
        raise ValidationFailed(_("The export is limited to %(count)s rows: narrow the search")
                               % {"count": limit})
    titles = columns or {}
    header = [str(titles.get(path, path)) for path in paths]
    content = exports.table_bytes(header, rows, chosen_format)
    return exports.store_export(user, "insuree", chosen_format, content,
                                readers=[insuree_rights.INSUREE_SEARCH])
