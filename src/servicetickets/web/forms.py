from __future__ import annotations

from django import forms


class TokenRevokeForm(forms.Form):
    token_id = forms.IntegerField(min_value=1)
