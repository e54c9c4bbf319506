"""Back office for design projects and audience tests. The stage and a completed test's result are read-only
here: they change only through design.services (the workflow and its gates), never by editing a field."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import AudienceTest, DesignProject, PanelMember, TestTask, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("name", "description", "scores", "is_chosen")


class DesignProjectForm(forms.ModelForm):
    def clean_criteria(self):
        criteria = self.cleaned_data.get("criteria")
        try:
            services._check_criteria(criteria)
        except ValidationError as error:
            raise ValidationError(error.message_dict["criteria"]) from None
        return criteria

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "reengineering" and not cleaned.get("service"):
            self.add_error("service", services.reengineering_needs_service_message())
        return cleaned


@admin.register(DesignProject)
class DesignProjectAdmin(admin.ModelAdmin):
    form = DesignProjectForm
    list_display = ("name", "kind", "segment", "stage", "created_at")
    list_filter = ("kind", "stage")
    readonly_fields = ("stage", "launched_on", "created_by")
    filter_horizontal = ("needs",)
    inlines = [VariantInline]

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        services.save_project(form.instance, needs=form.cleaned_data["needs"], actor=request.user)
        for formset in formsets:
            # What formset.save(commit=False) would hand back, saved and deleted through the services instead.
            # The admin's change message reads the three lists formset.save() would have filled.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            deleted = formset.deleted_forms
            for inline in formset.forms:
                variant = inline.instance
                if inline in deleted:
                    if variant.pk is not None:
                        formset.deleted_objects.append(variant)
                        services.delete_variant(variant, actor=request.user)
                elif inline.has_changed():
                    is_new = variant.pk is None
                    variant.project = form.instance
                    services.save_variant(variant, actor=request.user)
                    if is_new:
                        formset.new_objects.append(variant)
                    else:
                        formset.changed_objects.append((variant, inline.changed_data))


class TestTaskInline(admin.TabularInline):
    model = TestTask
    extra = 1


@admin.register(AudienceTest)
class AudienceTestAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "phase", "segment", "completed_at", "criteria_met")
    list_filter = ("phase", "criteria_met")
    readonly_fields = ("completed_at", "criteria_met", "summary")
    inlines = [TestTaskInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.completed_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_test(obj, actor=request.user)


@admin.register(PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ("person", "agreed_at", "withdrawn_at")
    readonly_fields = ("person", "agreed_at", "withdrawn_at")
    filter_horizontal = ("segments",)

    def has_add_permission(self, request):
        # Only the client agrees, on the research panel page; staff cannot enrol anyone.
        return False
