"""Input of the site admin's desk pages: parsed here, judged by the services."""

from __future__ import annotations

from django import forms


class DeskCreateForm(forms.Form):
    code = forms.CharField(max_length=20, required=False)
    name = forms.CharField(max_length=200, required=False, strip=False)

    def clean_code(self) -> str:
        # People type codes in lower case; the service's rule is capitals.
        return str(self.cleaned_data["code"]).strip().upper()


class DeskSettingsForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, strip=False)
    confirm_timeout_days = forms.IntegerField()


class DeskAdminForm(forms.Form):
    username = forms.CharField(max_length=150)


class WebhookForm(forms.Form):
    url = forms.CharField(max_length=500, required=False)
    secret = forms.CharField(max_length=128, required=False)
