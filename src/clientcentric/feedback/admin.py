"""Answers and the instrument are evidence: the back office reads them, services alone write them."""

from django.contrib import admin

from clientcentric.core.admin import AgencyScopedMixin, ReadOnlyAdmin

from .models import Answer, FollowUp, Instrument, QuarterReport, Question, Response
from .services import note_comments_read


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("position", "code", "kind", "text", "scale_min", "scale_max", "positive_from")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ("version", "name", "is_current", "created_at")
    inlines = [QuestionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "value", "choices")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    list_display = ("id", "submitted_at", "source", "end_point", "touchpoint", "agency", "service")
    list_filter = ("source", "end_point", "touchpoint", "instrument")
    readonly_fields = [f.name for f in Response._meta.fields]
    inlines = [AnswerInline]
    date_hierarchy = "submitted_at"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = Response.objects.filter(pk=object_id).first()
        if response is not None:
            note_comments_read(request.user, [response], where="admin")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(FollowUp)
class FollowUpAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    list_display = ("id", "agency", "state", "created_at", "closed_at")
    list_filter = ("state", "agency")


@admin.register(QuarterReport)
class QuarterReportAdmin(ReadOnlyAdmin):
    list_display = ("quarter", "state", "published_at", "integrity_hash")
    exclude = ("payload",)
