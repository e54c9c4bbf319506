"""Forms of the design pages: a project with its scenarios and assessment criteria, a variant with its scores,
an audience test with its success criteria and tasks. They check the shape of the input; the rules live in
design.services, whose refusals are put back on the form's fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientcentric.registry.models import Need

from .models import AudienceTest, DesignProject, Variant

SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class ProjectForm(forms.ModelForm):
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs"),
        queryset=Need.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6, "style": "max-width:100%"}),
    )

    class Meta:
        model = DesignProject
        fields = [
            "name",
            "kind",
            "service",
            "segment",
            "life_situation",
            "needs",
            "as_is",
            "practice_analysis",
            "best_practices",
            "to_be",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4, "cols": 80})
            for name in ("as_is", "practice_analysis", "best_practices", "to_be")
        }


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("criterion"), max_length=120, required=False)
    weight = forms.IntegerField(label=_("weight"), min_value=1, max_value=10, required=False)

    def clean(self):
        cleaned = super().clean()
        name, weight = (cleaned.get("name") or "").strip(), cleaned.get("weight")
        if name and weight is None and "weight" not in self.errors:
            self.add_error("weight", _("Give the criterion a weight from 1 to 10."))
        if weight is not None and not name:
            self.add_error("name", _("Name the criterion."))
        cleaned["name"] = name
        return cleaned


class BaseCriteriaFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            name = getattr(form, "cleaned_data", {}).get("name")
            if not name or form.cleaned_data.get("DELETE"):
                continue
            if name in seen:
                form.add_error("name", _("Criterion «%(name)s» appears twice.") % {"name": name})
            seen.add(name)

    def criteria(self) -> list[dict]:
        return [
            {"name": f.cleaned_data["name"], "weight": f.cleaned_data["weight"]}
            for f in self.forms
            if f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
        ]


CriteriaFormSet = forms.formset_factory(CriterionForm, formset=BaseCriteriaFormSet, extra=2, can_delete=True)


class VariantForm(forms.ModelForm):
    """A variant and one score field per criterion of its project (the row of the assessment matrix)."""

    class Meta:
        model = Variant
        fields = ["name", "description", "is_chosen"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "cols": 80})}

    def __init__(self, *args, project: DesignProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.score_fields = []
        for index, criterion in enumerate(project.criteria or []):
            key = f"score_{index}"
            self.fields[key] = forms.TypedChoiceField(
                label=_("Score: %(name)s (×%(weight)s)") % criterion,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=(self.instance.scores or {}).get(criterion["name"]),
            )
            self.score_fields.append((key, criterion["name"]))

    def scores(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[key]
            for key, name in self.score_fields
            if self.cleaned_data.get(key) is not None
        }


class AudienceTestForm(forms.ModelForm):
    tasks = forms.CharField(
        label=_("Tasks, one per line"), widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), required=True
    )

    class Meta:
        model = AudienceTest
        fields = [
            "title",
            "phase",
            "segment",
            "min_success_rate",
            "min_sus",
            "max_time_seconds",
            "max_errors_per_task",
            "max_effort",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["tasks"] = "\n".join(self.instance.tasks.values_list("text", flat=True))
        for name in ("max_time_seconds", "max_errors_per_task"):
            self.fields[name].validators.append(_non_negative)

    def clean(self):
        cleaned = super().clean()
        criteria = ("min_success_rate", "min_sus", "max_time_seconds", "max_errors_per_task", "max_effort")
        if not self.errors and all(cleaned.get(name) is None for name in criteria):
            raise ValidationError(_("Set at least one success criterion for the test."))
        return cleaned

    def task_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["tasks"].splitlines() if line.strip()]


def _non_negative(value):
    if value is not None and value < 0:
        raise ValidationError(_("The value cannot be negative."))
