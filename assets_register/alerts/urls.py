from django.urls import path

from assets_register.alerts import feeds, views
from assets_register.core.caching import cached_page


def cached_feed(feed):
    return cached_page(feed, query=feed.query_params)


urlpatterns = [
    path("alerts/", views.subscribe, name="alerts_subscribe"),
    path("alerts/confirm/<str:token>/", views.confirm_subscription, name="alerts_confirm"),
    path("alerts/mine/", views.ask_for_list, name="alerts_ask_for_list"),
    path("alerts/mine/<str:token>/", views.alerts_list, name="alerts_list"),
    path("alerts/manage/<str:token>/", views.manage, name="alerts_manage"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="alerts_unsubscribe"),
    path("alerts/reminders/stop/<str:token>/", views.stop_reminders, name="alerts_stop_reminders"),
    path("areas/<str:gss_code>/feed.atom", cached_feed(feeds.AreaFeed()), name="area_feed"),
    path("assets/<int:pk>/feed.atom", cached_feed(feeds.AssetFeed()), name="asset_feed"),
    path("feeds/nearby.atom", cached_feed(feeds.NearbyFeed()), name="nearby_feed"),
]
