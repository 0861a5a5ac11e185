from django.urls import path

from zwfw.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:code>/", views.topic_detail, name="topic"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<str:credit_code>/", views.department_detail, name="department"),
    path("items/<str:code>/", views.guide, name="guide"),
    path("files/<path:path>", views.download, name="file"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("inbox/", views.inbox, name="inbox"),
    path("demo/messages/", views.demo_messages, name="demo_messages"),
]
