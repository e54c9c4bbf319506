"""The application form, built from the plan (services.applications.plan_for): only what the state lacks."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import registries
from .forms import _fact_field
from .models import ClientProfile
from .services.applications import MAX_DOCUMENTS, Plan, norm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ApplicationForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("Photos (JPEG, PNG, WebP) or PDF, up to 10 MB each, at most 5 files."),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        fields = {}
        for asked in plan.fields:
            if asked.kind == "profile":
                field = ClientProfile._meta.get_field(asked.name).formfield()
                if asked.name == "birth_date":
                    field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                field.required = False
            else:
                field = _fact_field(asked.name)
            if asked.source == "profile":
                field.help_text = _("From your profile; correct it if it is wrong.")
            elif asked.register:
                field.help_text = _("%(source)s — correct it if it is wrong.") % {
                    "source": capfirst(registries.label_of(asked.register))
                }
            elif asked.source == "earlier":
                field.help_text = _("Your answer from an earlier request; correct it if it has changed.")
            field.initial = _initial(asked)
            fields[asked.name] = field
        self.fields = {**fields, **{k: v for k, v in self.fields.items() if k not in fields}}
        if not plan.service.document_list:
            del self.fields["documents"]
        else:
            self.fields["documents"].max_files = MAX_DOCUMENTS

    def prefilled_names(self) -> set[str]:
        return {a.name for a in self.plan.fields if a.source}


def _initial(asked):
    # A yes/no question shows an earlier answer as the choice it was.
    if asked.kind == "fact" and isinstance(asked.initial, bool):
        return norm(asked.initial)
    return asked.initial
