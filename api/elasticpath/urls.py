"""The Elastic Path dialect (seed 003), under /v2/."""

urlpatterns = []
