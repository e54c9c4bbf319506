from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import message_templates
from .audit_actions import action_choices, action_label, object_type_choices, object_type_label
from .models import AuditEvent, DeliveryAttempt, Notification, NotificationTemplate
from .services import message_templates as template_services
from .services import notifications


class ReadOnlyAdmin(admin.ModelAdmin):
    """The back office reads these rows; only services (or nobody) write them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgencyScopedMixin:
    """Staff list, open and change only their own agency's rows; superusers (the admin role) see every agency.

    `agency_path` is the ORM path from the model to its agency (`"agency"`, `"control_type__agency"`, `"pk"` for
    the agency itself). A row of another agency is missing from the changelist and its change page answers as a
    missing object would; foreign-key choices are limited the same way, so a row cannot be moved to an object
    of another agency. Staff without an agency see nothing.
    """

    # A path along foreign keys only (one agency per row), so the filter needs no DISTINCT.
    agency_path: str = "agency"

    @staticmethod
    def sees_every_agency(request) -> bool:
        return request.user.is_superuser

    def scope_queryset(self, request, queryset):
        if self.sees_every_agency(request):
            return queryset
        agency_id = getattr(request.user, "agency_id", None)
        if agency_id is None:
            return queryset.none()
        return queryset.filter(**{self.agency_path: agency_id})

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def is_own(self, request, obj) -> bool:
        if obj is None or self.sees_every_agency(request):
            return True
        return self.scope_queryset(request, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.is_own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.is_own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.is_own(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and not self.sees_every_agency(request):
            queryset = scoped_choices(self.admin_site, db_field.related_model, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def scoped_choices(site, model, request):
    """The rows of `model` the user may pick: their own agency, or what that model's scoped admin shows."""
    agency_model = get_user_model()._meta.get_field("agency").related_model
    if model is agency_model:
        return model._default_manager.filter(pk=getattr(request.user, "agency_id", None))
    related_admin = site._registry.get(model)
    if isinstance(related_admin, AgencyScopedMixin):
        return related_admin.scope_queryset(request, model._default_manager.all())
    return None


class ServiceSavingMixin:
    """Admin writes go through a service, like every other write.

    The save waits for `save_related`, where the many-to-many values of the form are known. By default the
    service is `save_service(instance, actor=user)`, given as a class attribute; an admin whose service takes
    more arguments overrides `save_through_service`. `delete_service(instance, actor=user)`, when given,
    replaces the ORM delete.
    """

    save_service: Callable[..., Any] | None = None
    delete_service: Callable[..., Any] | None = None

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        self.save_through_service(request, form)
        # Inlines are saved after the service; read-only ones write nothing but complete the change log.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_through_service(self, request, form):
        # Read from the class so that a plain function is not bound as a method.
        service = type(self).save_service
        if service is None:
            raise NotImplementedError(f"{type(self).__name__} names no save_service")
        service(form.instance, actor=request.user)

    def delete_model(self, request, obj):
        service = type(self).delete_service
        if service is None:
            super().delete_model(request, obj)
        else:
            service(obj, actor=request.user)


class ServiceSavingAdmin(ServiceSavingMixin, admin.ModelAdmin):
    """A ModelAdmin whose saves go through a service (see ServiceSavingMixin)."""


class AuditActionFilter(admin.SimpleListFilter):
    """The actions present in the log, in words (core/audit_actions.py); filtering still uses the code."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return action_choices(AuditEvent.objects.values_list("action", flat=True).distinct().order_by())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class AuditObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of record present in the log, by their names; filtering still uses the stored label."""

    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        return object_type_choices(
            AuditEvent.objects.values_list("object_type", flat=True).distinct().order_by()
        )

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is appended by services and never edited."""

    list_display = ("occurred_at", "actor", "action_in_words", "object_type_in_words", "object_id", "summary")
    list_filter = (AuditActionFilter, AuditObjectTypeFilter)
    search_fields = ("summary", "object_id", "action")
    date_hierarchy = "occurred_at"
    # The page of one event: the action in words, the code beside it for searching.
    fields = (
        "occurred_at",
        "actor",
        "action_in_words",
        "action_code",
        "object_type_in_words",
        "object_id",
        "summary",
        "data",
    )
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_in_words(self, event):
        return action_label(event.action)

    @admin.display(description=_("action code"))
    def action_code(self, event):
        return event.action

    @admin.display(description=_("object type"), ordering="object_type")
    def object_type_in_words(self, event):
        return object_type_label(event.object_type)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "transport", "ok", "duration_ms", "error", "provider_id")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event",
        "channel",
        "state",
        "attempts",
        "next_attempt_at",
        "template_version",
        "sent_at",
    )
    list_filter = ("state", "channel", "event")
    search_fields = ("content_hash", "object_id")
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [DeliveryAttemptInline]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the failed messages"), permissions=["view"])
    def retry(self, request, queryset):
        count = notifications.retry_failed(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(n)d message will be sent again.", "%(n)d messages will be sent again.", count)
            % {"n": count},
            messages.SUCCESS,
        )


class NotificationTemplateForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("event"), choices=())

    class Meta:
        model = NotificationTemplate
        fields = ("event", "channel", "subject", "body")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = message_templates.event_choices()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            message_templates.check_source(data["event"], data.get("subject", ""), "subject")
            message_templates.check_source(data["event"], data.get("body", ""), "body")
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    self.add_error(name if name in self.fields else None, problem)
        return data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    """Methodologists write templates; saving one adds a new version, earlier versions stay as sent."""

    form = NotificationTemplateForm
    list_display = ("event", "channel", "version", "subject", "created_at", "created_by")
    list_filter = ("event", "channel")
    search_fields = ("subject", "body")

    def _allowed(self, request) -> bool:
        return request.user.is_active and request.user.role in ("methodologist", "admin")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = template_services.save_template(
            obj.event, obj.channel, obj.subject, obj.body, actor=request.user
        )
        obj.pk, obj.version = saved.pk, saved.version
