from django.contrib import admin

from clientcentric.core.admin import ReadOnlyAdmin

from .models import Subscription, SubscriptionChannel, SubscriptionTopic


class ChannelInline(admin.TabularInline):
    model = SubscriptionChannel
    extra = 0


class TopicInline(admin.TabularInline):
    model = SubscriptionTopic
    extra = 0


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    """Read-only for staff: people change their own subscriptions on their page or through the API."""

    list_display = ("__str__", "frequency", "updated_at")
    list_filter = ("frequency",)
    search_fields = ("person__username", "person__email", "guest_email")
    inlines = [TopicInline, ChannelInline]
