"""Page URLs of the cooperation register and the lessons-learned base (config/urls.py includes them)."""

from django.urls import path

from safeground.cooperation import views

urlpatterns = [
    path("cooperation/", views.home, name="cooperation-home"),
    path("cooperation/partners/<code:code>/", views.partner_detail, name="cooperation-partner"),
    path("cooperation/agreements/<code:code>/", views.agreement_detail, name="cooperation-agreement"),
    path("cooperation/agreements/<code:code>/file/", views.document_download, name="cooperation-document"),
    path("cooperation/visits/<code:code>/", views.visit_detail, name="cooperation-visit"),
    path("cooperation/visits/<code:code>/actions/", views.action_new, name="cooperation-action-new"),
    path("cooperation/actions/<code:code>/done/", views.action_done, name="cooperation-action-done"),
    path("cooperation/lessons/", views.lesson_list, name="cooperation-lessons"),
    path("cooperation/lessons/new/", views.lesson_new, name="cooperation-lesson-new"),
    path("cooperation/lessons/<code:code>/", views.lesson_detail, name="cooperation-lesson"),
]
