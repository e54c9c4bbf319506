from django.urls import path

from . import cost_views, views, views_list
from .procedures import views as procedures

app_name = "business"

urlpatterns = [
    path("business/", views_list.home, name="home"),
    path("business/profile/", views.profile, name="profile"),
    path("business/objects/", views.object_add, name="object_add"),
    path("business/objects/<int:pk>/delete/", views.object_delete, name="object_delete"),
    path("business/requirements/<int:pk>/", views.requirement, name="requirement"),
    path("business/cost/", cost_views.cost, name="cost"),
    path("business/consultations/", views.consultations, name="consultations"),
    path("business/consultations/<int:pk>/", views.draft, name="draft"),
    path("business/consultations/<int:pk>/summary/", views.draft_summary, name="draft_summary"),
    path(
        "business/consultations/<int:pk>/summary.csv",
        views.draft_summary_export,
        name="draft_summary_export",
    ),
    path("business/summary/", views.summary, name="summary"),
    path("business/developer/", views.developer, name="developer"),
    path("business/acts/<int:pk>/adopt/", views.act_adopt, name="act_adopt"),
    path("business/acts/<int:pk>/results/", views.act_results, name="act_results"),
    path("business/acts/<int:pk>/results.csv", views.act_results_export, name="act_results_export"),
    path("business/acts/<int:pk>/dataset.csv", views.act_dataset_export, name="act_dataset_export"),
    path("business/cost/export.<str:fmt>", cost_views.cost_export, name="cost_export"),
    path("business/acts/<int:pk>/burden/", cost_views.act_burden, name="act_burden"),
    path("business/acts/<int:pk>/burden.<str:fmt>", cost_views.act_burden_export, name="act_burden_export"),
    # The assessment procedures (ОРВ summary report, АКЭ experts, ex-post evaluation): business/procedures/.
    path("business/consultations/<int:pk>/report/", procedures.report, name="summary_report"),
    path("business/consultations/<int:pk>/report.pdf", procedures.report_pdf, name="summary_report_pdf"),
    path(
        "business/consultations/<int:pk>/comments/<int:comment_pk>/answer/",
        procedures.answer_comment,
        name="answer_comment",
    ),
    path(
        "business/consultations/<int:pk>/conclusions/<int:conclusion_pk>/answer/",
        procedures.answer_conclusion,
        name="answer_conclusion",
    ),
    path("business/expertise/", procedures.expertise, name="expertise"),
    path("business/expertise/<int:pk>/", procedures.expertise_draft, name="expertise_draft"),
    path("business/experts/", procedures.experts, name="experts"),
    path("business/experts/<int:pk>/decide/", procedures.expert_decide, name="expert_decide"),
    path("business/acts/<int:pk>/evaluation/", procedures.evaluation, name="evaluation"),
]
