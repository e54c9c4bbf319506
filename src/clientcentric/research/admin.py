"""Back office for the CX team: studies, journey maps (stages inline), hypotheses, data sets, recommendations."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from clientcentric.core.admin import ServiceSavingAdmin

from . import segmentation, services
from .models import EvidenceDataset, JourneyMap, JourneyStage, NeedRecommendation, SegmentHypothesis, Study


class StudyForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # The instance gets the form's values only after clean(); check those values, not the stored ones.
        candidate = construct_instance(self, self.instance)
        for field, message in services.study_problems(candidate).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(Study)
class StudyAdmin(ServiceSavingAdmin):
    form = StudyForm
    list_display = ("title", "method", "verdict", "is_published", "started_on")
    list_filter = ("method", "verdict", "is_published")
    search_fields = ("title", "hypothesis", "findings")
    filter_horizontal = ("needs",)

    def save_through_service(self, request, form):
        services.save_study(form.instance, needs=form.cleaned_data["needs"], actor=request.user)


class JourneyStageInline(admin.StackedInline):
    model = JourneyStage
    extra = 0
    fields = (
        ("position", "name", "emotion", "evidence_signal"),
        ("needs", "actions", "touchpoints"),
        ("positives", "problems", "opportunities"),
    )


@admin.register(JourneyMap)
class JourneyMapAdmin(ServiceSavingAdmin):
    list_display = ("title", "version", "segment", "life_situation", "updated_at")
    list_filter = ("version", "life_situation")
    inlines = [JourneyStageInline]

    save_service = services.save_journey_map


class SegmentHypothesisForm(forms.ModelForm):
    def clean_conditions(self):
        try:
            return segmentation.validate(self.cleaned_data.get("conditions"))
        except ValidationError as error:
            raise ValidationError(error.message_dict["conditions"]) from None


@admin.register(SegmentHypothesis)
class SegmentHypothesisAdmin(ServiceSavingAdmin):
    form = SegmentHypothesisForm
    list_display = ("name", "origin", "segment", "created_at")
    list_filter = ("origin",)
    readonly_fields = ("created_by",)

    save_service = services.save_hypothesis


@admin.register(EvidenceDataset)
class EvidenceDatasetAdmin(admin.ModelAdmin):
    """Imported data sets are read here; they arrive only through the import page, whole or not at all."""

    list_display = ("title", "kind", "row_count", "imported_at", "imported_by")
    list_filter = ("kind",)
    readonly_fields = ("title", "kind", "source", "mapping", "row_count", "imported_by", "imported_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NeedRecommendation)
class NeedRecommendationAdmin(admin.ModelAdmin):
    list_display = ("need", "text", "design_project", "created_at")
    list_filter = ("design_project",)

    def save_model(self, request, obj, form, change):
        if change:
            services.link_recommendation(obj, obj.design_project, actor=request.user)
        else:
            services.add_recommendation(
                obj.need, obj.text, study=obj.study, design_project=obj.design_project, actor=request.user
            )
