"""The hostile strings planted everywhere, and how each is cut to a slot's length limit.

Every payload that could create markup carries ``MARKER`` inside what it tries to create (a
tag, an attribute, a script), so a page where the marker shows up anywhere but in text or a
text-carrying attribute has let the payload through.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKER = "x_9"  # not in random tokens (CSRF, session), which are letters and digits


@dataclass(frozen=True)
class Payload:
    id: str
    text: str
    #: What a slot of at most 12 characters (a type's name) gets instead.
    short: str

    def fit(self, limit: int) -> str:
        """The payload for a slot of ``limit`` characters: whole, else its tail (where the
        attack is), else the short variant."""
        if len(self.text) <= limit:
            return self.text
        if limit >= 40:
            return self.text[-limit:]
        return self.short


PAYLOADS: tuple[Payload, ...] = (
    Payload("script", "<script>alert('x_9')</script>", "<i id=x_9>"),
    Payload("img-onerror", '"><img src=x onerror=alert("x_9")>', '"><i id=x_9'),
    Payload("quote-breaker", "' onmouseover='alert(1)' data-x_9='", "'><i id=x_9"),
    Payload("backtick-breaker", "` onfocus=alert(1) autofocus x=`x_9", "`><i id=x_9"),
    Payload("javascript-url", "javascript:alert('x_9')", "javascript:1"),
    Payload("textarea-close", "</textarea><b id=x_9>bold</b>", "</textarea>"),
    Payload("script-close", "</script><script>alert('x_9')</script>", "</script>x_9"),
    Payload("svg-onload", "<svg/onload=alert('x_9')>", "<svg id=x_9>"),
    Payload("template", "{{ request.user.password }}{% debug %} x_9", "{{x_9}}{%x%}"),
    Payload("htmx-attr", "<div hx-get=/site/users/ hx-trigger=load id=x_9>", "<p hx-on=x_9"),
    Payload("entities", "&lt;script&gt;alert('x_9')&lt;/script&gt; &amp;", "&lt;i&gt;x_9"),
    Payload("rtl-override", "invoice\u202egpj.exe x_9", "a\u202excq9.exe"),
    Payload("zero-width", "<\u200bscript>alert('x_9')</script>\u200b\ufeff", "<\u200bi>x_9"),
    Payload("very-long", "A" * 4000 + "<script>alert('x_9')</script>", "<i id=x_9>"),
    Payload("formula-cmd", "=cmd|'/C calc'!A0 x_9", "=cmd|'/C'!A0"),
    Payload("formula-plus", "+1+cmd|'/C calc'!A0 x_9", "+1+cmd|x_9"),
    Payload("formula-minus", "-2+3+cmd|'/C calc'!A0 x_9", "-2+3+cmd|x_9"),
    Payload("formula-at", "@SUM(1+1)*cmd|'/C calc'!A0 x_9", "@SUM(1)x_9"),
    Payload("formula-tab", "\t=1+1 x_9", "\t=1+1"),
)

PAYLOAD_IDS = [p.id for p in PAYLOADS]

#: First characters that make a spreadsheet program read text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
