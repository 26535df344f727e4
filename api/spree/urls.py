"""The Spree API v1 dialect (seed 004), under /api/."""

urlpatterns = []
