"""The documents service's problem types: the refusals of an upload a client would branch on. The generic ones
(not-found, validation-failed, unsupported-media-type, range-not-satisfiable, ...) are the kit's."""

from __future__ import annotations

from pathlib import Path

from smartcity_kit.problemtypes import ProblemTypes

DOCUMENTS = ProblemTypes("documents", Path(__file__).parent)

FILE_EMPTY = DOCUMENTS.define(
    "file-empty",
    422,
    "Empty file",
    meaning="The upload's file part holds no bytes; nothing was stored.",
    action="Send the file itself (check that it was read before it was sent).",
)
FILE_TOO_EXPANDED = DOCUMENTS.define(
    "file-too-expanded",
    422,
    "File expands too far",
    meaning="The file (a zip: DOCX, XLSX, PPTX, ODT) expands past the bounds when unpacked, as a zip bomb does; "
    "nothing was stored.",
    action="Save the document again from its application, or send it as PDF.",
)
