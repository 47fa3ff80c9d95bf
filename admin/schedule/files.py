"""Reading a schedule file's bytes safely, whoever sent them: a size cap, and text that is
UTF-8 (with or without Excel's byte-order mark) rather than a binary or a legacy code page,
refused with a clear message instead of a stack trace or a mangled name."""

from __future__ import annotations

from flask_babel import gettext

from admin.schedule.problems import ScheduleFileError

# 10,000 appointments are about 1.3 MB as CSV and 12 MB as a FHIR Bundle; a day of a large
# hospital fits, and a runaway export is stopped before it is parsed.
MAX_SCHEDULE_BYTES = 32 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


def schedule_text(data: bytes, *, max_bytes: int = MAX_SCHEDULE_BYTES) -> str:
    """The file's text. Raises ScheduleFileError for an empty, oversized, binary or non-UTF-8
    file."""
    if len(data) > max_bytes:
        raise ScheduleFileError(
            gettext("The file is larger than %(limit)d MB.", limit=max_bytes // (1024 * 1024))
        )
    data = data.removeprefix(UTF8_BOM)
    if not data.strip():
        raise ScheduleFileError(gettext("The file is empty."))
    if b"\x00" in data:
        raise ScheduleFileError(gettext("The file is not a text file."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScheduleFileError(
            gettext(
                "The file is not UTF-8 text. Save it as UTF-8 "
                "(in Excel: “CSV UTF-8”) and try again."
            )
        ) from None
