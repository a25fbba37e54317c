"""OpenRosa's HTTP envelope: the headers every answer carries and the XML bodies Collect reads.

docs.getodk.org: "HTTP Request API" (X-OpenRosa-Version, Date), "Form List API" (the xforms list),
"Form Discovery manifest" (mediaFile), "Form Submission API" (201 with an OpenRosaResponse,
X-OpenRosa-Accept-Content-Length).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import http_date

XFORMS_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"
REALM = "SafeGround ODK"


def accept_content_length() -> int:
    """The largest submission post, in bytes; Collect splits bigger ones (`*isIncomplete*`)."""
    return int(getattr(settings, "SAFEGROUND_ODK_MAX_POST_BYTES", 10 * 1024 * 1024))


def answer(body: str | bytes = "", status: int = 200, content_type: str = "text/xml; charset=utf-8") -> HttpResponse:
    """Any OpenRosa answer: X-OpenRosa-Version and Date on every one (the spec asks for both)."""
    response = HttpResponse(body, status=status, content_type=content_type)
    response["X-OpenRosa-Version"] = "1.0"
    response["Date"] = http_date()
    response["Cache-Control"] = "no-store"
    return response


def message(text: str, *, status: int, nature: str = "submit_success") -> HttpResponse:
    """An OpenRosaResponse with one message; errors say nature="error" (Collect shows the text)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OpenRosaResponse xmlns="{RESPONSE_NS}"><message nature="{escape(nature)}">{escape(text)}</message>'
        "</OpenRosaResponse>"
    )
    response = answer(body, status=status)
    response["X-OpenRosa-Accept-Content-Length"] = str(accept_content_length())
    return response


def error(text: str, status: int) -> HttpResponse:
    return message(text, status=status, nature="error")


BASIC = f'Basic realm="{REALM}", charset="UTF-8"'


def challenge(text: str, scheme: str = BASIC) -> HttpResponse:
    """401 asking for credentials (`scheme`: the WWW-Authenticate value); Collect answers with the device's."""
    response = error(text, 401)
    response["WWW-Authenticate"] = scheme
    return response


def _element(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>"


def form_list(forms: list[dict]) -> HttpResponse:
    """The xforms list: one <xform> per form (formID, name, version, hash, downloadUrl, manifestUrl)."""
    items = []
    for form in forms:
        parts = [
            _element("formID", form["form_id"]),
            _element("name", form["name"]),
            _element("version", form["version"]),
            _element("hash", "md5:" + form["md5"]),
            _element("descriptionText", form.get("description", "")),
            _element("downloadUrl", form["download_url"]),
        ]
        if form.get("manifest_url"):
            parts.append(_element("manifestUrl", form["manifest_url"]))
        items.append("<xform>" + "".join(parts) + "</xform>")
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<xforms xmlns="{XFORMS_LIST_NS}">{"".join(items)}</xforms>'
    return answer(body)


def manifest(files: list[dict]) -> HttpResponse:
    """A form's manifest: one <mediaFile> per file (filename, hash md5:…, downloadUrl)."""
    items = "".join(
        "<mediaFile>"
        + _element("filename", f["filename"])
        + _element("hash", "md5:" + f["md5"])
        + _element("downloadUrl", f["download_url"])
        + "</mediaFile>"
        for f in files
    )
    return answer(f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="{MANIFEST_NS}">{items}</manifest>')
