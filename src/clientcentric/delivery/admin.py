"""Back office: rules (checked on save, published only when their examples pass), catalogues, offices, events."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import Agency
from clientcentric.core import formats, references
from clientcentric.core.admin import AgencyScopedMixin, ServiceSavingAdmin
from clientcentric.rules import business as business_rules
from clientcentric.rules import eligibility
from clientcentric.rules.facts.person import SCHEMA, FactValueError, parse_fact

from .models import (
    ClientProfile,
    Consent,
    ConsentText,
    EligibilityRule,
    HouseholdMember,
    LifeEvent,
    LifeEventSituation,
    Offer,
    Office,
    RefusalReason,
    RuleParameter,
    SegmentRule,
    ServiceRequest,
    ServiceTerms,
    Slot,
    UnmetNeedEvidence,
)
from .selectors import profiles as profile_selectors
from .selectors import rules as rule_selectors
from .services import life_events as life_event_services
from .services import profiles as profile_services
from .services import rulebook
from .services import rules as rule_services
from .services import segments as segment_services


class EligibilityRuleForm(forms.ModelForm):
    class Meta:
        model = EligibilityRule
        fields = (
            "rule_id",
            "subject",
            "version",
            "service",
            "text",
            "valid_from",
            "valid_to",
            "legal_reference",
            "explain_yes",
            "explain_no",
            "examples",
            "inform_without_consent",
        )
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "cols": 100, "class": "vLargeTextField"})}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if self.cleaned_data.get("subject") == EligibilityRule.Subject.BUSINESS:
            try:  # a support measure's rule reads the business facts
                business_rules.check(text, "text")
            except ValidationError as error:
                raise ValidationError(error.message_dict["text"]) from error
            return text
        try:
            eligibility.check_text(text, rule_selectors.parameter_names())
        except ValidationError as error:
            raise ValidationError(error.message_dict["text"]) from error
        return text

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status != EligibilityRule.Status.DRAFT:
            raise ValidationError(_("A published rule is never edited; add a new version instead."))
        examples = cleaned.get("examples")
        if cleaned.get("subject") == EligibilityRule.Subject.BUSINESS:
            return cleaned
        if "text" in cleaned and examples:
            if not isinstance(examples, list):
                self.add_error("examples", _("Examples are a list of {on, facts, expect}."))
            else:
                problems = eligibility.check_examples(
                    cleaned["text"],
                    examples,
                    rule_selectors.load_parameters(),
                    rule_selectors.parameter_names(),
                )
                for problem in problems:
                    self.add_error("examples", problem)
        return cleaned


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    form = EligibilityRuleForm
    list_display = (
        "rule_id",
        "version",
        "service",
        "status",
        "valid_from",
        "valid_to",
        "inform_without_consent",
    )
    list_filter = ("status", "inform_without_consent")
    search_fields = ("rule_id", "text", "service__name", "service__code")
    autocomplete_fields = ("service",)
    actions = ("publish",)
    change_list_template = "admin/delivery/eligibilityrule/change_list.html"
    change_form_template = "admin/delivery/eligibilityrule/change_form.html"

    def save_model(self, request, obj, form, change):
        rule_services.save_rule(obj, actor=request.user)

    @admin.action(description=_("Publish (every example must pass)"))
    def publish(self, request, queryset):
        for rule in queryset.filter(status=EligibilityRule.Status.DRAFT):
            try:
                rule_services.publish_rule(rule, actor=request.user)
                self.message_user(request, _("%(rule)s is published.") % {"rule": rule})
            except ValidationError as error:
                self.message_user(request, f"{rule}: {' '.join(error.messages)}", messages.ERROR)

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="delivery_rulebook_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="delivery_rulebook_export"),
            path(
                "<int:pk>/explain/",
                self.admin_site.admin_view(self.explain_view),
                name="delivery_rule_explain",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not request.user.has_perm("delivery.add_eligibilityrule"):
            raise PermissionDenied
        report, form = None, RulebookImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = rulebook.import_rulebook(
                form.cleaned_data["file"].read(), actor=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        return render(
            request,
            "admin/delivery/rulebook_import.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "report": report,
                "title": _("Import and export of eligibility rules"),
                "opts": self.model._meta,
            },
        )

    def export_view(self, request):
        if not request.user.has_perm("delivery.view_eligibilityrule"):
            raise PermissionDenied
        response = HttpResponse(
            rule_selectors.export_rulebook(), content_type="application/yaml; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="rules-{timezone.localdate():%Y-%m-%d}.yaml"'
        return response

    def explain_view(self, request, pk):
        """Try the rule on facts typed by the methodologist and read its answer in plain words."""
        if not request.user.has_perm("delivery.view_eligibilityrule"):
            raise PermissionDenied
        rule = get_object_or_404(EligibilityRule, pk=pk)
        used = sorted(eligibility.check_text(rule.text, rule_selectors.parameter_names()).facts_used)
        form = ExplainForm(request.POST or None, facts=used)
        verdict = explanation = None
        if request.method == "POST" and form.is_valid():
            facts = {name: form.cleaned_data[name] for name in used}
            verdict = eligibility.evaluate(
                rule,
                facts,
                form.cleaned_data["on"],
                rule_selectors.load_parameters(),
                rule_selectors.parameter_names(),
                reasons=True,
            )
            explanation = eligibility.explain(rule, verdict)
        return render(
            request,
            "admin/delivery/rule_explain.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "rule": rule,
                "verdict": verdict,
                "explanation": explanation,
                "title": _("Try the rule %(rule)s") % {"rule": rule},
                "opts": self.model._meta,
            },
        )


class RulebookImportForm(forms.Form):
    file = forms.FileField(label=_("Rule file (YAML)"))
    # Set by the button pressed: «Check only» sends it, «Check and import» does not.
    dry_run = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FactField(forms.CharField):
    def __init__(self, name, **kwargs):
        self.fact = name
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_fact(self.fact, value)
        except FactValueError:
            raise ValidationError(
                _("This answer is not understood; enter a number, a date or yes/no as asked.")
            ) from None


class ExplainForm(forms.Form):
    on = forms.DateField(label=_("On the date"), initial=timezone.localdate)

    def __init__(self, *args, facts=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in facts:
            self.fields[name] = FactField(
                name, label=f"{name} ({SCHEMA[name].value})", help_text=_("Leave empty for unknown.")
            )


@admin.register(RuleParameter)
class RuleParameterAdmin(admin.ModelAdmin):
    list_display = ("name", "valid_from", "value", "note")
    search_fields = ("name",)


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ("version", "valid_from", "created_at")

    def has_change_permission(self, request, obj=None):
        # A text someone has consented to is the evidence of what they agreed to: never edited.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.consent_set.exists())


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("client", "life_situation", "service", "text", "given_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = [f.name for f in Consent._meta.fields] + ["receipt_id"]

    def get_queryset(self, request):
        # Whose consents these are is personal data: the same people who may open the client's profile.
        profiles = profile_selectors.profiles_for_staff(request.user)
        return super().get_queryset(request).filter(client__client_profile__in=profiles)

    def has_add_permission(self, request):
        return False


class HouseholdInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


@admin.register(ClientProfile)
class ClientProfileAdmin(admin.ModelAdmin):
    """Personal data: listed and opened only by staff who handle the client (selectors.profiles), each read audited."""

    # The list names people only; SNILS, income and the rest are read on the audited change page.
    list_display = ("user", "personal_manager")
    search_fields = ("user__last_name", "user__username")
    autocomplete_fields = ("personal_manager",)
    inlines = (HouseholdInline,)
    filter_horizontal = ("preferred_touchpoints",)

    def get_queryset(self, request):
        return profile_selectors.profiles_for_staff(request.user, super().get_queryset(request))

    def _reason(self, request, obj):
        return profile_selectors.reason_to_read(request.user, obj) if obj is not None else None

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self._reason(request, obj) is not None)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._reason(request, obj) is not None)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._reason(request, obj) is not None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            profile_services.note_profile_read(
                obj, actor=request.user, reason=self._reason(request, obj), where="admin"
            )
        return response

    def save_model(self, request, obj, form, change):
        profile_services.save_profile(obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        # Household members go through the service one by one; the lists are what the admin's change log reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for member_form in formset.forms:
            member = member_form.instance
            if member_form in formset.deleted_forms:
                if member.pk is not None:
                    profile_services.remove_household_member(member, actor=request.user)
                    formset.deleted_objects.append(member)
            elif member_form.has_changed():
                created = member.pk is None
                member.profile = formset.instance
                profile_services.save_household_member(member, actor=request.user)
                if created:
                    formset.new_objects.append(member)
                else:
                    formset.changed_objects.append((member, member_form.changed_data))


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "kind", "snils", "sequence", "occurred_at", "state", "applied_at")
    list_filter = ("kind", "state")
    search_fields = ("event_id", "snils")
    readonly_fields = [f.name for f in LifeEvent._meta.fields]
    actions = ("release",)

    def get_queryset(self, request):
        # A life event names a person by SNILS: shown to those who may open that person's profile.
        profiles = profile_selectors.profiles_for_staff(request.user).exclude(snils=None)
        return super().get_queryset(request).filter(snils__in=profiles.values("snils"))

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Apply now without waiting for earlier events"))
    def release(self, request, queryset):
        applied = sum(life_event_services.release_held(event, actor=request.user) for event in queryset)
        self.message_user(request, _("Applied: %(n)s.") % {"n": applied})


@admin.register(Offer)
class OfferAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "service__agency"
    list_display = ("service", "client", "kind", "status", "outcome", "created_at")
    list_filter = ("kind", "status", "outcome")
    readonly_fields = [f.name for f in Offer._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(AgencyScopedMixin, admin.ModelAdmin):
    agency_path = "service__agency"
    list_display = (
        "reference",
        "service",
        "client",
        "status",
        "submitted_at",
        "fields_typed",
        "steps",
        "seconds",
    )
    list_filter = ("status",)
    # The number the client quotes, typed as they say it («№ 2026-483920»).
    search_fields = ("=reference",)
    readonly_fields = [f.name for f in ServiceRequest._meta.fields]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, references.normalised(search_term) or search_term
        )

    def has_add_permission(self, request):
        return False


@admin.register(RefusalReason)
class RefusalReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "need_cannot_be_met")
    search_fields = ("code", "title")


@admin.register(UnmetNeedEvidence)
class UnmetNeedEvidenceAdmin(admin.ModelAdmin):
    list_display = ("need", "reason", "recorded_at")
    list_filter = ("need",)

    def has_add_permission(self, request):
        return False


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 3


@admin.register(Office)
class OfficeAdmin(AgencyScopedMixin, admin.ModelAdmin):
    list_display = ("name", "agency", "address", "is_active")
    inlines = (SlotInline,)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Slots are typed and shown by the office's clock (its agency's zone), not the site's: a slot entered
        as 08:20 for an office in Yekaterinburg is 08:20 there, as its pages and notices will show it."""
        office = self.get_object(request, object_id) if object_id else None
        zone = office.agency.time_zone if office is not None else None
        if zone is None and request.method == "POST" and request.POST.get("agency", "").isdigit():
            zone = (
                Agency.objects.filter(pk=request.POST["agency"]).values_list("time_zone", flat=True).first()
            )
        with timezone.override(formats.time_zone_of(zone)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response


@admin.register(LifeEventSituation)
class LifeEventSituationAdmin(admin.ModelAdmin):
    """Methodologists decide which life situations each kind of event opens (and for whom); the event handler
    reads this table (kept per process, reloaded on save)."""

    list_display = ("event_kind", "life_situation", "min_age", "max_age", "condition", "active")
    list_filter = ("event_kind", "active")
    list_editable = ("active",)
    search_fields = ("life_situation__name", "life_situation__code", "condition", "note")
    autocomplete_fields = ()
    fields = ("event_kind", "life_situation", "min_age", "max_age", "condition", "active", "note")


@admin.register(SegmentRule)
class SegmentRuleAdmin(ServiceSavingAdmin):
    """Which clients a segment holds (DEL-2): a rule over facts and history, checked on save."""

    list_display = ("segment", "text", "explanation", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("segment__name", "segment__code", "text", "explanation")
    fields = ("segment", "text", "explanation", "active")

    save_service = segment_services.save_segment_rule


@admin.register(ServiceTerms)
class ServiceTermsAdmin(AgencyScopedMixin, admin.ModelAdmin):
    """How each service is delivered to a client who asks first (docs/applications.md)."""

    agency_path = "service__agency"
    list_display = ("service", "mode", "decision_days", "decide_automatically")
    list_filter = ("mode",)
    autocomplete_fields = ("service",)

    def save_model(self, request, obj, form, change):
        from .services import applications

        applications.save_terms(obj, actor=request.user)
