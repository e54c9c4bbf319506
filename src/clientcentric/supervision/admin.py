"""Back office of supervision: types of control and their risk models, materials, algorithms; read-only registers.

Control events change status only through the inspector's desk (the workflow); here they are read.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clientcentric.core.admin import AgencyScopedMixin, ReadOnlyAdmin

from .models import (
    ComplianceAlgorithm,
    ComplianceDeclaration,
    ControlEvent,
    ControlType,
    IncentiveKind,
    Material,
    PretrialAppeal,
    PreventiveWarning,
    SupervisionTask,
)
from .services import catalogue, risk


class ControlTypeForm(forms.ModelForm):
    class Meta:
        model = ControlType
        fields = [
            "code",
            "title",
            "agency",
            "act_control_type",
            "acts",
            "risk_model_file",
            "risk_model_text",
            "warning_objection_working_days",
            "appeal_filing_days",
            "order_appeal_working_days",
            "appeal_review_working_days",
            "appeal_extension_working_days",
            "declaration_valid_years",
            "declaration_min_score",
            "event_hours",
            "event_out_of_pocket",
            "incentives",
            "programme_deadline_month",
            "programme_deadline_day",
        ]
        widgets = {"incentives": forms.CheckboxSelectMultiple}

    incentives = forms.MultipleChoiceField(
        label=_("good-faith incentives this type uses"),
        choices=IncentiveKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_risk_model_text(self):
        text = self.cleaned_data.get("risk_model_text", "")
        if text.strip():
            try:
                risk.check_model_text(text, self.cleaned_data.get("risk_model_file", "") or "")
            except ValidationError as error:
                raise ValidationError(error.message_dict["risk_model_text"]) from None
        return text


@admin.register(ControlType)
class ControlTypeAdmin(AgencyScopedMixin, SimpleHistoryAdmin):
    form = ControlTypeForm
    list_display = ("title", "code", "agency", "warning_objection_working_days", "appeal_filing_days")
    search_fields = ("title", "code")
    filter_horizontal = ("acts",)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        catalogue.save_control_type(obj)

    def delete_model(self, request, obj):
        catalogue.delete_control_type(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            catalogue.delete_control_type(obj)


@admin.register(Material)
class MaterialAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "control_type__agency"
    list_display = ("title", "control_type", "requirement", "published_at")
    list_filter = ("control_type",)
    raw_id_fields = ("requirement",)

    def save_model(self, request, obj, form, change):
        catalogue.save_material(obj)

    def delete_model(self, request, obj):
        catalogue.delete_material(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            catalogue.delete_material(obj)


@admin.register(ComplianceAlgorithm)
class ComplianceAlgorithmAdmin(AgencyScopedMixin, SimpleHistoryAdmin):
    agency_path = "requirement__act__developer"
    list_display = ("requirement",)
    raw_id_fields = ("requirement",)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        catalogue.save_compliance_algorithm(obj)

    def delete_model(self, request, obj):
        catalogue.delete_algorithm(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            catalogue.delete_algorithm(obj)


@admin.register(ControlEvent)
class ControlEventAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    agency_path = "control_type__agency"
    list_display = ("number", "profile", "control_type", "kind", "status", "starts_on")
    list_filter = ("control_type", "kind", "status", "planned")
    search_fields = ("number", "profile__business__name", "profile__business__inn")


@admin.register(PreventiveWarning)
class PreventiveWarningAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    agency_path = "control_type__agency"
    list_display = ("number", "profile", "control_type", "issued_at", "objection_due")
    search_fields = ("number", "profile__business__name")


@admin.register(ComplianceDeclaration)
class ComplianceDeclarationAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    agency_path = "control_type__agency"
    list_display = ("number", "profile", "control_type", "valid_from", "valid_to", "annulled_at")


@admin.register(PretrialAppeal)
class PretrialAppealAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    agency_path = "event__control_type__agency"
    list_display = ("number", "event", "subject", "status", "late", "review_due")
    list_filter = ("status", "late")


@admin.register(SupervisionTask)
class SupervisionTaskAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    agency_path = "control_type__agency"
    list_display = ("title", "kind", "control_type", "is_open", "created_at")
    list_filter = ("kind", "is_open", "control_type")
