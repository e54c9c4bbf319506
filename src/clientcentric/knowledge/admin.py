"""Back office for methodologists: articles and templates with their version history, overdue reviews.

Saves go through knowledge.services, so that every edit adds a version and an audit event.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientcentric.core.admin import AgencyScopedMixin, ReadOnlyAdmin, ServiceSavingAdmin

from . import services
from .models import (
    AnswerTemplate,
    AnswerTemplateVersion,
    Article,
    ArticleSource,
    ArticleVersion,
    Conversation,
    Message,
    OverdueArticle,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", _("overdue")), ("due_30", _("due within 30 days"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(review_by__lt=today)
        if self.value() == "due_30":
            return queryset.filter(review_by__gte=today, review_by__lte=today + timezone.timedelta(days=30))
        return queryset


class ArticleVersionInline(ReadOnlyInline):
    model = ArticleVersion
    fields = ("number", "created_at", "created_by", "status", "question", "answer", "review_by", "note")
    readonly_fields = fields
    verbose_name_plural = _("history of versions")


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ("question", "answer", "topic", "status", "review_by", "needs", "life_situations")

    def clean(self):
        data = super().clean()
        if "question" not in self.fields:  # a registry FAQ article: its text is read-only here
            return data
        problems = services.check_article(
            services.ArticleInput(
                data.get("question") or "",
                data.get("answer") or "",
                data.get("topic") or "",
                data.get("status") or "",
            )
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data


class ServiceSavedAdmin(ServiceSavingAdmin):
    """Articles and templates keep their history of versions: they are unpublished, never deleted."""

    def delete_model(self, request, obj):
        raise ValidationError(_("Unpublish instead of deleting: the history of versions is kept."))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(ServiceSavedAdmin):
    form = ArticleForm
    list_display = ("question", "topic", "status", "review_by", "source", "updated_at")
    list_filter = (ReviewFilter, "status", "source", "topic")
    search_fields = ("question", "answer", "topic")
    date_hierarchy = "review_by"
    filter_horizontal = ("needs", "life_situations")
    inlines = [ArticleVersionInline]

    def get_readonly_fields(self, request, obj=None):
        # Registry FAQ articles are edited in the registry; here they are only linked and read.
        if obj is not None and obj.source == ArticleSource.REGISTRY:
            return ("question", "answer", "topic", "status", "review_by")
        return ()

    def save_through_service(self, request, form):
        data = form.cleaned_data
        article = form.instance
        if article.source != ArticleSource.REGISTRY:
            article, _changed = services.save_article(
                services.ArticleInput(
                    data["question"], data["answer"], data["topic"], data["status"], data["review_by"]
                ),
                article=article,
                actor=request.user,
            )
            form.instance = article
        services.link_article(
            article,
            needs=data.get("needs", []),
            life_situations=data.get("life_situations", []),
            actor=request.user,
        )


@admin.register(OverdueArticle)
class OverdueArticleAdmin(admin.ModelAdmin):
    """The standard asks for periodic updating: what is past its review date, oldest first."""

    list_display = ("question", "topic", "review_by", "days_overdue", "status", "source")
    list_filter = ("status", "topic")
    search_fields = ("question", "answer")
    actions = ["mark_reviewed"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(review_by__lt=timezone.localdate()).order_by("review_by")

    @admin.display(description=_("days overdue"))
    def days_overdue(self, obj):
        return (timezone.localdate() - obj.review_by).days

    @admin.action(description=_("Reviewed: still correct, set the next review date"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        for article in queryset:
            services.mark_reviewed(article, actor=request.user)
        self.message_user(
            request, _("%(count)s article(s) reviewed.") % {"count": queryset.count()}, messages.SUCCESS
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("knowledge.change_article")


class TemplateVersionInline(ReadOnlyInline):
    model = AnswerTemplateVersion
    fields = ("number", "created_at", "created_by", "name", "body")
    readonly_fields = fields
    verbose_name_plural = _("history of versions")


class AnswerTemplateForm(forms.ModelForm):
    class Meta:
        model = AnswerTemplate
        fields = ("name", "topic", "appeal_status", "body", "is_active", "review_by")
        help_texts = {
            "body": _("Variables: %(names)s, written as {{ appeal_number }}.")
            % {"names": ", ".join(sorted(services.TEMPLATE_VARIABLES))}
        }

    def clean_body(self):
        body = self.cleaned_data["body"]
        problems = services.template_problems(body)
        if problems:
            raise ValidationError(problems)
        return body


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(ServiceSavedAdmin):
    form = AnswerTemplateForm
    list_display = ("name", "topic", "appeal_status", "is_active", "review_by", "current_version")
    list_filter = (ReviewFilter, "is_active", "appeal_status", "topic")
    search_fields = ("name", "body", "topic")
    inlines = [TemplateVersionInline]

    def save_through_service(self, request, form):
        data = form.cleaned_data
        template, _changed = services.save_template(
            name=data["name"],
            body=data["body"],
            topic=data.get("topic", ""),
            appeal_status=data.get("appeal_status", ""),
            is_active=data.get("is_active", True),
            review_by=data.get("review_by"),
            template=form.instance,
            actor=request.user,
        )
        form.instance = template


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "sender", "intent", "text")
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(AgencyScopedMixin, ReadOnlyAdmin):
    # A chat is a client's words: staff read it once it was handed over to their agency as an appeal.
    agency_path = "appeal__executor"
    list_display = ("started_at", "client", "rating", "appeal", "ended_at")
    list_filter = ("rating",)
    readonly_fields = ("id", "client", "started_at", "ended_at", "rating", "appeal")
    inlines = [MessageInline]
