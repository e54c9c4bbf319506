from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientcentric.core.admin import AgencyScopedMixin, ReadOnlyAdmin

from . import services
from .models import Answer, Appeal, DeadlinePolicy, NeedTopic, RoutingRule
from .routing import MATCHERS, unknown_condition_keys


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """Add-only: a change is a new row, so the policy stored on older appeals keeps its meaning."""

    list_display = (
        "kind",
        "channel",
        "category",
        "clock",
        "answer_within_hours",
        "answer_within_days",
        "pause_allowed",
        "created_at",
        "created_by",
    )
    list_filter = ("kind", "channel", "clock")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.create_deadline_policy(obj, actor=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] if obj else ["created_by"]


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ("position", "name", "conditions", "executor", "is_active")

    def clean_conditions(self):
        conditions = self.cleaned_data["conditions"]
        allowed = ", ".join(sorted(MATCHERS))
        if not isinstance(conditions, dict) or not conditions:
            raise ValidationError(
                _(
                    'Write the conditions as a JSON object, for example {"district": "Невский"}. Allowed keys: %(keys)s.'
                )
                % {"keys": allowed}
            )
        unknown = unknown_condition_keys(conditions)
        if unknown:
            raise ValidationError(
                _("Unknown conditions: %(unknown)s. Allowed keys: %(keys)s.")
                % {"unknown": ", ".join(unknown), "keys": allowed}
            )
        return conditions


@admin.register(RoutingRule)
class RoutingRuleAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "executor"
    form = RoutingRuleForm
    list_display = ("position", "name", "executor", "is_active")
    list_editable = ("is_active",)
    autocomplete_fields = ("executor",)

    def save_model(self, request, obj, form, change):
        services.save_routing_rule(obj, actor=request.user)


@admin.register(NeedTopic)
class NeedTopicAdmin(admin.ModelAdmin):
    """Which typical need each appeal topic is evidence of: intake sets the appeal's need and life situation."""

    list_display = ("topic", "need")
    search_fields = ("topic", "need__name")
    autocomplete_fields = ("need",)

    def save_model(self, request, obj, form, change):
        services.save_need_topic(obj, actor=request.user)


class AnswerInline(admin.TabularInline):
    """Answers with their plain-Russian figures, so that overridden limits can be reviewed."""

    model = Answer
    fields = (
        "created_at",
        "author",
        "is_public",
        "text",
        "reading_ease",
        "reading_grade",
        "plain_override_reason",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    """Read-only overview; work on appeals happens in the operator's queue."""

    agency_path = "executor"

    inlines = [AnswerInline]

    list_display = (
        "public_number",
        "channel",
        "kind",
        "topic",
        "need",
        "executor",
        "status",
        "registered_at",
        "deadline_at",
    )
    list_filter = ("status", "channel", "kind", "executor")
    search_fields = ("topic", "district")
    date_hierarchy = "registered_at"

    @admin.display(description=_("number"), ordering="pk")
    def public_number(self, appeal):
        return appeal.number

    def get_search_results(self, request, queryset, search_term):
        # The public number is derived from the key, so it is searched by parsing it, not as a column.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_number = queryset.with_number(search_term)
        return (found | by_number) if search_term else found, may_have_duplicates

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("executor", "need")
