from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.science_index, name="index"),
    path("search/", views.search, name="search"),
    path("topics/<slug:slug>/", views.category_detail, name="category"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]
