"""Input of the site admin's user pages: parsed here, judged by ``accounts.services``."""

from __future__ import annotations

from django import forms


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=200, required=False)
    name = forms.CharField(max_length=200, required=False)
    email = forms.CharField(max_length=300, required=False)
    # Not stripped: spaces may be part of a password.
    password = forms.CharField(max_length=200, required=False, strip=False)
    site_admin = forms.BooleanField(required=False)
