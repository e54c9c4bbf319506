from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from clientcentric.core.admin import AgencyScopedMixin

from . import services
from .models import Agency, ApiScope, ApiToken, BusinessClient, Power, Representative, User
from .roles import Role


@admin.register(Agency)
class AgencyAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "pk"
    list_display = ("name", "code", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        services.save_agency(obj, actor=request.user)


# An authenticator's key is a secret of its owner: nobody reads it in the back office; the admin only resets it.
try:
    admin.site.unregister(TOTPDevice)
except NotRegistered:
    pass


@admin.register(User)
class PersonAdmin(AgencyScopedMixin, UserAdmin):
    # Clients have no agency: only the admin role lists them here; staff see the people of their own agency.
    actions = ["reset_second_factor"]
    list_display = ("username", "last_name", "first_name", "role", "agency", "is_active")
    list_filter = ("role", "agency", "is_active")
    autocomplete_fields = ("agency",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "patronymic", "email")}),
        (_("Role"), {"fields": ("role", "agency", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "agency", "password1", "password2")}),
    )

    def save_model(self, request, obj, form, change):
        services.save_person(obj, actor=request.user)

    @admin.action(description=_("Reset the second factor (a lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        for person in queryset:
            services.reset_totp(person, actor=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d person connects a new authenticator at the next sign-in.",
                "%(count)d people connect a new authenticator at the next sign-in.",
                queryset.count(),
            )
            % {"count": queryset.count()},
        )


@admin.register(BusinessClient)
class BusinessClientAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "inn")
    search_fields = ("name", "inn")

    def save_model(self, request, obj, form, change):
        services.save_business(obj, actor=request.user)


class RepresentativeForm(forms.ModelForm):
    """Powers as checkboxes (DEL-2): a power of attorney lists what it allows; parents, guardians and heads of an
    organisation hold every power by law, whatever is ticked."""

    powers = forms.MultipleChoiceField(
        label=capfirst(_("powers")),
        choices=Power.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("For a power of attorney: what it allows. Parents, guardians and heads hold all by law."),
    )

    class Meta:
        model = Representative
        fields = ("person", "client", "business", "kind", "basis", "valid_from", "valid_to", "powers")

    def clean(self):
        data = super().clean()
        if data.get("kind") not in Representative.BY_LAW and not data.get("powers"):
            self.add_error(
                "powers", _("A power of attorney must list at least one power: what it allows to do.")
            )
        return data


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    form = RepresentativeForm
    list_display = ("person", "client", "business", "kind", "powers_shown", "valid_from", "valid_to")
    list_filter = ("kind",)
    autocomplete_fields = ("person", "client", "business")

    @admin.display(description=_("powers"))
    def powers_shown(self, obj):
        return ", ".join(obj.power_labels)

    def save_model(self, request, obj, form, change):
        services.save_representative(obj, actor=request.user)


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=capfirst(_("scopes")), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ("name", "agency", "scopes")

    def clean(self):
        data = super().clean()
        try:
            services.check_token_scopes(data.get("scopes") or [], data.get("agency"))
        except ValidationError as error:
            self.add_error(None, error)
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(AgencyScopedMixin, admin.ModelAdmin):
    """Tokens are issued and revoked here through the service (audited); the plain token is shown once."""

    form = ApiTokenForm
    list_display = ("name", "agency", "scope_list", "created_at", "last_used_at", "revoked_at")
    list_filter = ("agency",)
    search_fields = ("name",)
    autocomplete_fields = ("agency",)
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("name", "agency", "scope_list", "created_at", "last_used_at", "revoked_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "agency", "scopes")
        return self.get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Appeals and life events keep pointing at the token that sent them; revoke instead.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, plain = services.issue_token(
            name=obj.name, agency=obj.agency, scopes=form.cleaned_data["scopes"], actor=request.user
        )
        obj.pk, obj.created_at = token.pk, token.created_at
        obj._state.adding = False
        messages.warning(request, _("The token, shown only now — copy it: %(token)s") % {"token": plain})

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        revoked = sum(services.revoke_token(token, actor=request.user) for token in queryset)
        messages.success(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked) % {"count": revoked},
        )


# Permission names are stored in English when the tables are migrated ("Can add need status proposal"): the
# back office names the model and the action in the reader's language instead.
PERMISSION_ACTIONS = {
    "add": _("adding"),
    "change": _("changing"),
    "delete": _("deleting"),
    "view": _("viewing"),
}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None:
        return str(permission)
    base = getattr(model, "instance_type", None)  # a django-simple-history table: the history of `base`
    what = format_lazy(_("history of «{}»"), base._meta.verbose_name) if base else model._meta.verbose_name
    if action in PERMISSION_ACTIONS and model_name == permission.content_type.model:
        does = PERMISSION_ACTIONS[action]
    else:
        does = gettext(permission.name)
    return f"{model._meta.app_config.verbose_name} | {what} | {does}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


try:
    admin.site.unregister(Group)
except NotRegistered:
    pass


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """A group per role, named by the role's code (the services find it by that name): listed by the role's name."""

    list_display = ("role_name",)

    @admin.display(description=_("role"), ordering="name")
    def role_name(self, group):
        return Role(group.name).label if group.name in Role.values else group.name

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)
