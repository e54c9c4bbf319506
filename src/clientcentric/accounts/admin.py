from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Agency, BusinessClient, Representative, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        services.save_agency(obj, actor=request.user)


@admin.register(User)
class PersonAdmin(UserAdmin):
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


@admin.register(BusinessClient)
class BusinessClientAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "inn")
    search_fields = ("name", "inn")

    def save_model(self, request, obj, form, change):
        services.save_business(obj, actor=request.user)


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ("person", "client", "business", "basis", "valid_from", "valid_to")
    autocomplete_fields = ("person", "client", "business")

    def save_model(self, request, obj, form, change):
        services.save_representative(obj, actor=request.user)
