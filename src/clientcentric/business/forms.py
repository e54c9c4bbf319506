from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import BusinessClient

from .models import Assessment, BusinessProfile, ControlObject, Requirement, SizeCategory

RATING_CHOICES = [("", "—")] + [(i, str(i)) for i in range(1, 6)]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=BusinessClient.Kind.choices)
    inn = forms.CharField(label=_("INN"), max_length=12)
    ogrn = forms.CharField(label=_("OGRN / OGRNIP"), max_length=15)
    okved = forms.CharField(label=_("OKVED codes"), help_text=_("Separated by commas, e.g. 56.10, 47.11"))
    size = forms.ChoiceField(label=_("Size category"), choices=SizeCategory.choices)
    region = forms.CharField(label=_("Region code"), max_length=2, help_text=_("Two digits, e.g. 78"))
    registered_on = forms.DateField(
        label=_("Registered on"),
        required=False,
        help_text=_("The date of state registration (from the register), e.g. 2024-05-14"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    works_at_height = forms.NullBooleanField(
        label=_("Staff work at height (1.8 m and more)"),
        widget=forms.Select(choices=[("unknown", _("not said")), ("true", _("yes")), ("false", _("no"))]),
        required=False,
    )
    multistorey_glazing = forms.NullBooleanField(
        label=_("Our building has glazed walls (stained glass) higher than one storey"),
        widget=forms.Select(choices=[("unknown", _("not said")), ("true", _("yes")), ("false", _("no"))]),
        required=False,
    )
    objects_complete = forms.BooleanField(label=_("Our list of objects below is complete"), required=False)

    @classmethod
    def initial_from(cls, profile: BusinessProfile):
        b = profile.business
        return {
            "name": b.name,
            "kind": b.kind,
            "inn": b.inn,
            "ogrn": profile.ogrn,
            "okved": ", ".join(profile.okved),
            "size": profile.size,
            "region": profile.region,
            "registered_on": profile.registered_on,
            "employees": profile.employees,
            "works_at_height": profile.works_at_height,
            "multistorey_glazing": profile.multistorey_glazing,
            "objects_complete": profile.objects_complete,
        }


class ObjectForm(forms.ModelForm):
    class Meta:
        model = ControlObject
        fields = ["kind", "name", "area", "purpose", "voltage_kv", "hazard_class"]


class AssessmentForm(forms.ModelForm):
    clarity = forms.TypedChoiceField(
        label=_("Clarity (1–5)"), choices=RATING_CHOICES, coerce=int, empty_value=None, required=False
    )
    feasibility = forms.TypedChoiceField(
        label=_("Feasibility (1–5)"), choices=RATING_CHOICES, coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = Assessment
        fields = [
            "applies",
            "clarity",
            "feasibility",
            "comment",
            "flag",
            "flagged_with",
            "cost_hours",
            "cost_out_of_pocket",
            "cost_frequency",
        ]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3}), "flagged_with": forms.HiddenInput()}

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applies"].widget = forms.RadioSelect(
            choices=[("", _("not said"))] + list(Assessment.Applies.choices)
        )
        self.fields["flagged_with"].widget = forms.Select(
            choices=[("", "—")] + [(other.pk, str(other)) for _link, other in candidates]
        )
        self.fields["flagged_with"].required = False
        self.fields["other_item"] = forms.CharField(
            label=_("…or another item: act code and item number"),
            help_text=_("For example: ПОТЭУ_903н 6.5"),
            required=False,
        )

    def clean(self):
        data = super().clean()
        other = (data.get("other_item") or "").strip()
        if other:
            code, _sep, item_no = other.rpartition(" ")
            found = Requirement.objects.filter(
                act__code=code.strip().rstrip(","), item_no=item_no.strip()
            ).first()
            if found is None:
                self.add_error(
                    "other_item", _("No such item: write the act code, a space and the item number.")
                )
            else:
                data["flagged_with"] = found
        # «0 hours» is an answer: only nothing typed, an unticked box or no choice count as empty.
        said = [
            value
            for name, value in data.items()
            if name != "other_item" and value is not None and value != "" and value is not False
        ]
        if self.instance.pk is None and not said and not other:
            # A first assessment with nothing in it would be thanked for and saved as noise.
            raise forms.ValidationError(
                _("Nothing to save: say whether the requirement applies, rate it, or write a comment."),
                code="empty",
            )
        return data


class HourlyRateForm(forms.Form):
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate of staff time, ₽"), min_value=0, max_digits=10, decimal_places=2
    )


class DraftCommentForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Do you support the draft? (1 — no, 5 — fully)"),
        # No rating is preselected: a business that skips the question is asked, not counted as «1».
        choices=RATING_CHOICES,
        coerce=int,
    )
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}))


class CostAssumptionsForm(forms.Form):
    """What-if assumptions of the Standard Cost Model, read from the query string (nothing is stored)."""

    familiarisation_hours = forms.DecimalField(
        label=_("Hours to read a requirement and set up how it is met (once)"),
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        initial=1,
        required=False,
    )
    horizon_years = forms.IntegerField(
        label=_("Horizon, years"), min_value=1, max_value=10, initial=3, required=False
    )
    discount_rate = forms.DecimalField(
        label=_("Discount rate, % a year"),
        min_value=0,
        max_value=50,
        max_digits=5,
        decimal_places=2,
        initial=0,
        required=False,
    )

    def assumption_values(self) -> dict:
        """Engine keywords from a valid form; the initial value where a field is left empty."""
        data = self.cleaned_data if self.is_valid() else {}

        def value(name):
            given = data.get(name)
            return self.fields[name].initial if given is None else given

        return {
            "familiarisation_hours": Decimal(str(value("familiarisation_hours"))),
            "horizon_years": int(value("horizon_years")),
            "discount_rate": Decimal(str(value("discount_rate"))) / 100,
        }


class BurdenAssumptionsForm(CostAssumptionsForm):
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate of staff time, ₽"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        initial=500,
        required=False,
    )
    population = forms.IntegerField(
        label=_("Businesses the act touches (leave empty to count the platform's)"),
        min_value=1,
        max_value=100_000_000,
        required=False,
    )

    def assumption_values(self) -> dict:
        values = super().assumption_values()
        data = self.cleaned_data if self.is_valid() else {}
        rate = data.get("hourly_rate")
        values["hourly_rate"] = Decimal(str(self.fields["hourly_rate"].initial if rate is None else rate))
        return values

    def population_value(self) -> Decimal | None:
        data = self.cleaned_data if self.is_valid() else {}
        return None if data.get("population") is None else Decimal(data["population"])
