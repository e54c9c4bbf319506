"""Back office for methodologists. Saves go through registry.services, like every other write."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clientcentric.core.admin import AgencyScopedMixin, ServiceSavingMixin

from . import services
from .models import Expectation, FaqEntry, LifeSituation, Need, SearchSynonym, Segment, Service, Touchpoint


class ServiceLayerAdmin(ServiceSavingMixin, SimpleHistoryAdmin):
    """The registry keeps its history of changes (simple-history); its saves go through registry.services."""


@admin.register(LifeSituation)
class LifeSituationAdmin(ServiceLayerAdmin):
    list_display = ("name", "code", "audience", "sort_order")
    list_filter = ("audience",)
    search_fields = ("name", "code", "description")
    prepopulated_fields = {}

    save_service = services.save_life_situation


@admin.register(Segment)
class SegmentAdmin(ServiceLayerAdmin):
    list_display = ("name", "code", "is_potential")
    list_filter = ("is_potential", "life_situations")
    search_fields = ("name", "code", "description")
    filter_horizontal = ("life_situations",)

    def save_through_service(self, request, form):
        services.save_segment(
            form.instance, life_situations=form.cleaned_data["life_situations"], actor=request.user
        )


@admin.register(FaqEntry)
class FaqEntryAdmin(ServiceLayerAdmin):
    list_display = ("question", "code", "topic")
    list_filter = ("topic",)
    search_fields = ("question", "answer", "code")

    save_service = services.save_faq_entry


@admin.register(Service)
class ServiceAdmin(AgencyScopedMixin, ServiceLayerAdmin):
    list_display = ("name", "code", "kind", "agency", "effort_class")
    list_filter = ("kind", "effort_class", "touchpoints", "agency")
    search_fields = ("name", "code", "description")
    autocomplete_fields = ("agency",)
    filter_horizontal = ("touchpoints",)

    def save_through_service(self, request, form):
        services.save_service(form.instance, touchpoints=form.cleaned_data["touchpoints"], actor=request.user)


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = (
            "code",
            "name",
            "description",
            "status",
            "status_reason",
            "faq",
            "expected_on",
            "life_situations",
            "segments",
            "services",
        )

    def clean(self):
        cleaned = super().clean()
        problems = services.need_status_problems(
            status=cleaned.get("status", ""),
            status_reason=cleaned.get("status_reason", ""),
            has_faq=cleaned.get("faq") is not None,
            service_count=len(cleaned.get("services") or []),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned


class ExpectationInline(admin.TabularInline):
    model = Expectation
    extra = 1
    fields = ("position", "text")


@admin.register(Need)
class NeedAdmin(ServiceLayerAdmin):
    form = NeedForm
    list_display = ("name", "code", "status")
    list_filter = ("status", "life_situations", "segments")
    search_fields = ("name", "code", "description", "status_reason")
    autocomplete_fields = ("faq",)
    filter_horizontal = ("life_situations", "segments", "services")
    inlines = [ExpectationInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "description")}),
        (_("Status"), {"fields": ("status", "status_reason", "expected_on", "faq")}),
        (_("Where it belongs"), {"fields": ("life_situations", "segments", "services")}),
    )

    def save_through_service(self, request, form):
        data = form.cleaned_data
        services.save_need(
            form.instance,
            life_situations=data["life_situations"],
            segments=data["segments"],
            services=data["services"],
            actor=request.user,
        )


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ServiceSavingMixin, admin.ModelAdmin):
    """The methodologist's word list for search: colloquial words and typos people use, and what they mean."""

    list_display = ("phrase", "means", "note")
    search_fields = ("phrase", "means", "note")

    save_service = services.save_search_synonym
    delete_service = services.delete_search_synonym


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
