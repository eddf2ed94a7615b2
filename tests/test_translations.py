"""Everything a user sees is translated: the French catalogue is complete and compiled."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def po_messages(path: Path) -> dict[str, str]:
    """msgid -> msgstr (the singular form for plurals), from a .po file."""
    messages = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', text, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', text, re.M)
        if msgid and msgstr:
            unquote = lambda s: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s))  # noqa: E731
            messages[unquote(msgid.group(1))] = unquote(msgstr.group(1))
    return messages


def test_every_french_message_is_translated():
    messages = po_messages(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    untranslated = [msgid for msgid, msgstr in messages.items() if msgid and not msgstr]
    assert untranslated == []
    assert len(messages) > 100


def test_the_compiled_french_catalogue_is_up_to_date():
    po = po_messages(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    with (LOCALE / "fr" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    missing = [
        msgid for msgid in po if msgid and "\\" not in msgid and mo.gettext(msgid) == msgid != po[msgid]
    ]
    assert missing == []
