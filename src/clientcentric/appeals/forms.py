from django import forms
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import Agency

from .models import ObjectKind
from .services import MAX_TEXT_LENGTH

MAX_PHOTOS = 5
# Voice and video messages on the portal form (segment 1.2); their sizes and length are settings (docs/appeals.md).
MAX_RECORDINGS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern for <input multiple>)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def known_topic(value: str) -> str:
    """The topic if the classifier or the need-topic table knows it, else "" (the classifier decides)."""
    from .classification import active_model
    from .models import NeedTopic

    value = " ".join((value or "").split())
    if not value:
        return ""
    model = active_model("category")
    if (model is not None and value in model.labels) or NeedTopic.objects.filter(topic=value).exists():
        return value
    return ""


class PortalAppealForm(forms.Form):
    # Required unless a voice or video message says it instead (segment 1.2: "by voice or video, not text").
    text = forms.CharField(
        label=_("What is the problem?"),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    object_kind = forms.ChoiceField(
        label=_("Where is it?"),
        choices=[("", _("— choose, if you know —")), *ObjectKind.choices],
        required=False,
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    # Filled by the map (appeals/map.js); a citizen never types coordinates, the address is their way to say where.
    latitude = forms.DecimalField(
        label=_("Place on the map"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("Place on the map"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("E-mail for the answer"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    photos = MultipleFileField(label=_("Photos (up to 5, 10 MB each)"), required=False)
    recordings = MultipleFileField(
        label=_("Voice or video message"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "audio/*,video/*", "aria-describedby": "recordings-hint"}),
    )
    publish = forms.BooleanField(
        label=_("Show my appeal in the public list (names, phones and addresses are hidden)"),
        required=False,
        initial=True,
    )
    # The topic the chat-bot recognised in a problem report; only a topic the platform knows is kept.
    topic = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)

    def clean_topic(self):
        return known_topic(self.cleaned_data["topic"])

    def __init__(self, *args, kept_photos: int = 0, kept_recordings: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        # Files kept from an earlier try count against the same limits (appeals.pending).
        self.kept_photos = kept_photos
        self.kept_recordings = kept_recordings

    def clean_recordings(self):
        recordings = self.cleaned_data["recordings"]
        if len(recordings) + self.kept_recordings > MAX_RECORDINGS:
            raise forms.ValidationError(
                _("No more than %(n)s voice or video recordings.") % {"n": MAX_RECORDINGS}
            )
        return recordings

    def clean(self):
        cleaned = super().clean()
        spoken = self.kept_recordings or cleaned.get("recordings") or "recordings" in self.errors
        if not (cleaned.get("text") or "").strip() and not spoken and "text" not in self.errors:
            self.add_error("text", _("Describe the problem in words, or attach a voice or video message."))
        return cleaned

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) + self.kept_photos > MAX_PHOTOS:
            raise forms.ValidationError(_("No more than 5 photos."))
        return photos


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    override_reason = forms.CharField(
        label=_("Why the answer cannot be simpler"),
        required=False,
        max_length=1000,
        help_text=_("Needed only when the answer is harder to read than your agency allows."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the answer did not solve the problem"), widget=forms.Textarea(attrs={"rows": 4})
    )


class OperatorEntryForm(forms.Form):
    """An appeal an operator records from a phone call or a visit."""

    channel = forms.ChoiceField(
        label=_("How it came"), choices=[("phone", _("phone call")), ("in_person", _("in person"))]
    )
    text = forms.CharField(
        label=_("What the person said"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    object_kind = forms.ChoiceField(
        label=_("What it is about"), choices=[("", "—"), *ObjectKind.choices], required=False
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)


class RouteForm(forms.Form):
    executor = forms.ModelChoiceField(label=_("Executor"), queryset=None)
    topic = forms.CharField(label=_("Topic"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = Agency.objects.filter(is_active=True).order_by("name")


class StatusCheckForm(forms.Form):
    """The public status check: the appeal's number and the confirmation code sent to the author's contact."""

    number = forms.RegexField(
        label=_("Appeal number"),
        regex=r"^\s*№?\s*\d{4}-\d{6,}\s*$",
        max_length=30,
        help_text=_("As in the acknowledgement, e.g. 2026-000123."),
        error_messages={"invalid": _("Enter the number as in the acknowledgement, e.g. 2026-000123.")},
    )
    code = forms.RegexField(
        label=_("Confirmation code"),
        regex=r"^[\d\s-]{8,12}$",
        max_length=12,
        help_text=_("Eight digits from the e-mail or SMS that came after you sent the appeal."),
        error_messages={"invalid": _("The code is eight digits, e.g. 1234 5678.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].replace("№", "").strip()
