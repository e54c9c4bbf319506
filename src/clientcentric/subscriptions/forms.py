from django import forms
from django.utils.translation import gettext_lazy as _

from clientcentric.core.models import Channel

from . import topics
from .models import Frequency
from .services import Preferences

ADDRESS_HELP = {
    Channel.EMAIL: _("name@example.ru"),
    Channel.SMS: _("+7 900 123-45-67"),
    Channel.PUSH: _("the token of your device, given by the mobile app"),
    Channel.MESSENGER: _("Telegram @username or chat id"),
    Channel.CABINET: "",
}


class PreferencesForm(forms.Form):
    """Topics, channels and frequency on one page; the service validates and saves all or nothing."""

    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(t.code, t.label) for t in topics.TOPICS.values() if not t.keyed],
    )
    kb_topics = forms.MultipleChoiceField(
        label=_("Knowledge base updates on these topics"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, channels: list[str], kb_topics: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.channel_codes = channels
        self.fields["kb_topics"].choices = [(t, t) for t in kb_topics]
        places = [(str(n), str(n)) for n in range(1, len(channels) + 1)]
        for place, code in enumerate(channels, start=1):
            label = Channel(code).label
            self.fields[f"{code}_enabled"] = forms.BooleanField(label=label, required=False)
            self.fields[f"{code}_address"] = forms.CharField(
                label=_("Address for %(channel)s") % {"channel": label},
                required=False,
                max_length=254,
                widget=forms.TextInput(attrs={"placeholder": ADDRESS_HELP.get(code, "")}),
            )
            self.fields[f"{code}_order"] = forms.TypedChoiceField(
                label=_("Place of %(channel)s in the order") % {"channel": label},
                choices=places,
                coerce=int,
                initial=place,
                required=False,  # left out (an older form, a script): the page's order
                empty_value=place,
            )

    @classmethod
    def initial_from(cls, prefs: dict) -> dict:
        initial = {
            "frequency": prefs["frequency"],
            "topics": [t["topic"] for t in prefs["topics"] if not t["key"]],
            "kb_topics": [
                t["key"] for t in prefs["topics"] if t["topic"] == topics.KNOWLEDGE_BASE and t["key"]
            ],
        }
        for place, channel in enumerate(prefs["channels"], start=1):
            initial[f"{channel['channel']}_enabled"] = channel["enabled"]
            initial[f"{channel['channel']}_address"] = channel["address"]
            initial[f"{channel['channel']}_order"] = place
        return initial

    def channel_rows(self):
        """Rows in the order the client chose (the form's own on a redisplay)."""
        rows = [
            (code, self[f"{code}_enabled"], self[f"{code}_address"], self[f"{code}_order"])
            for code in self.channel_codes
        ]

        def place(row):
            value = row[3].value()
            return (int(value) if str(value).isdigit() else 99, self.channel_codes.index(row[0]))

        return sorted(rows, key=place)

    def preferences(self) -> Preferences:
        data = self.cleaned_data
        chosen = [(t, "") for t in data["topics"]]
        chosen += [(topics.KNOWLEDGE_BASE, key) for key in data["kb_topics"]]
        return Preferences(
            frequency=data["frequency"],
            topics=chosen,
            channels={c: (data[f"{c}_address"], data[f"{c}_enabled"]) for c in self.channel_codes},
            # Two channels given the same place keep the page's order between them.
            order=sorted(self.channel_codes, key=lambda c: (data[f"{c}_order"], self.channel_codes.index(c))),
        )

    def add_service_errors(self, error) -> None:
        for key, messages in error.message_dict.items():
            target = f"{key}_address" if key in self.channel_codes else key
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
