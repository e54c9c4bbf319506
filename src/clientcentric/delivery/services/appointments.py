"""In-person reception: offices, slots, booking, rescheduling, cancelling and reminders (DEL-3, TP-5)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core import formats
from clientcentric.core.services import audit, status
from clientcentric.core.services.chains import notify_person

from .. import workflow
from ..models import Appointment, Slot

REMIND_BEFORE = timedelta(hours=24)


def _check_slot(slot: Slot) -> None:
    if slot.starts_at <= timezone.now():
        raise ValidationError({"slot": _("This time has already passed; choose another.")})
    if slot.appointments.filter(status=Appointment.Status.BOOKED).exists():
        raise ValidationError({"slot": _("This time is already taken; choose another.")})


@transaction.atomic
def book(
    client, slot: Slot, *, service=None, interpreter_language: str = "", accessibility_needs=(), actor=None
) -> Appointment:
    slot = Slot.objects.select_for_update(of=("self",)).select_related("office__agency").get(pk=slot.pk)
    _check_slot(slot)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                client=client,
                slot=slot,
                service=service,
                interpreter_language=interpreter_language.strip()[:40],
                accessibility_needs=list(accessibility_needs),
            )
    except IntegrityError:
        raise ValidationError({"slot": _("This time is already taken; choose another.")}) from None
    audit.record(actor or client, "delivery.appointment_booked", appointment)
    notify_person(
        client,
        _("Appointment booked: %(office)s, %(when)s")
        % {
            "office": slot.office.name,
            "when": formats.datetime(slot.starts_at, year=True, zone=slot.time_zone),
        },
        _("Address: %(address)s") % {"address": slot.office.address},
        about=appointment,
    )
    return appointment


@transaction.atomic
def cancel(appointment: Appointment, *, actor=None) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(_("This appointment is already cancelled."))
    status.transition(appointment, workflow.APPOINTMENT, Appointment.Status.CANCELLED, actor=actor)
    audit.record(actor or appointment.client, "delivery.appointment_cancelled", appointment)
    return appointment


@transaction.atomic
def reschedule(appointment: Appointment, new_slot: Slot, *, actor=None) -> Appointment:
    """Move to another time: the new slot is taken before the old one is freed, so the client never loses both."""
    new_slot = Slot.objects.select_for_update().get(pk=new_slot.pk)
    _check_slot(new_slot)
    old = cancel(appointment, actor=actor)
    return book(
        old.client,
        new_slot,
        service=old.service,
        interpreter_language=old.interpreter_language,
        accessibility_needs=old.accessibility_needs,
        actor=actor,
    )


def send_due_reminders(now=None) -> int:
    """One reminder per appointment, a day before it; returns how many were sent."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reminder_sent_at__isnull=True,
        slot__starts_at__gt=now,
        slot__starts_at__lte=now + REMIND_BEFORE,
    ).select_related("slot__office__agency", "client")
    sent = 0
    for appointment in due:
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if locked.reminder_sent_at is not None:
                continue
            slot = appointment.slot
            notify_person(
                appointment.client,
                _("Reminder: reception on %(when)s")
                % {"when": formats.datetime(slot.starts_at, year=True, zone=slot.time_zone)},
                _("%(office)s, %(address)s") % {"office": slot.office.name, "address": slot.office.address},
                about=locked,
            )
            locked.reminder_sent_at = now
            locked.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent
