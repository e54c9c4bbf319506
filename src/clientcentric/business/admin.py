"""Back office for methodologists: acts, items, drafts under consultation, agency tokens.

Forms validate through the services (rules compiled, 247-ФЗ dates, consultation windows) so that an error
shows next to its field; saves go through the services too.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from clientcentric.core.admin import AgencyScopedMixin

from . import back_office, services
from .models import Act, BusinessProfile, ControlObject, Draft, Requirement


class ServiceValidatedForm(forms.ModelForm):
    validator = None

    def _post_clean(self):
        super()._post_clean()
        try:
            type(self).validator(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class ActForm(ServiceValidatedForm):
    validator = staticmethod(services.validate_act)

    class Meta:
        model = Act
        fields = [
            "code",
            "title",
            "developer",
            "supervisory_body",
            "control_type",
            "assessment_forms",
            "scope_rule",
            "scope_explanation",
            "published_on",
            "effective_from",
            "effective_to",
            "date_exception",
            "date_exception_reason",
        ]


class RequirementForm(ServiceValidatedForm):
    validator = staticmethod(services.validate_requirement)

    class Meta:
        model = Requirement
        fields = [
            "act",
            "item_no",
            "position",
            "chapter",
            "text",
            "applicability_rule",
            "rule_explanation",
            "effective_from",
            "cost_activity",
            "cost_hours",
            "cost_out_of_pocket",
            "cost_frequency",
        ]


@admin.register(Act)
class ActAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "developer"
    form = ActForm
    list_display = ("code", "title", "stage", "supervisory_body", "effective_from", "date_exception")
    list_filter = ("stage",)
    search_fields = ("code", "title")
    readonly_fields = ("stage", "adopted_at")

    change_list_template = "admin/business/act/change_list.html"

    def save_model(self, request, obj, form, change):
        # An act written here is the developer's draft: it is adopted on the developer desk, once article 10 of
        # 247-ФЗ is met (services.adopt_act). Imported acts arrive as already in force.
        if not change:
            obj.stage = Act.Stage.DRAFT
        services.save_act(obj, actor=request.user)

    def get_urls(self):
        return [back_office.import_url(self), *super().get_urls()]


@admin.register(Requirement)
class RequirementAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "act__developer"
    form = RequirementForm
    list_display = ("__str__", "chapter", "applicability_rule", "cost_frequency")
    list_filter = ("act",)
    search_fields = ("item_no", "text", "applicability_rule")
    list_select_related = ("act",)

    def save_model(self, request, obj, form, change):
        services.save_requirement(obj, actor=request.user)


class ControlObjectInline(admin.TabularInline):
    model = ControlObject
    extra = 0


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin):
    list_display = ("business", "ogrn", "size", "region", "employees")
    search_fields = ("business__name", "business__inn", "ogrn")
    inlines = [ControlObjectInline]

    def save_model(self, request, obj, form, change):
        services.save_profile(obj, actor=request.user)


class DraftForm(ServiceValidatedForm):
    validator = staticmethod(services.validate_draft)

    class Meta:
        model = Draft
        fields = [
            "title",
            "developer",
            "procedure",
            "degree",
            "summary",
            "scope_rule",
            "scope_explanation",
            "opens_on",
            "closes_on",
        ]


@admin.register(Draft)
class DraftAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "developer"
    form = DraftForm
    list_display = ("title", "procedure", "degree", "developer", "opens_on", "closes_on")
    list_filter = ("procedure", "degree")

    def save_model(self, request, obj, form, change):
        services.save_draft(obj, actor=request.user)
