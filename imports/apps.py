from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"

    def ready(self) -> None:
        # Matching, below imports, learns the feeds it thresholds and reviews from here.
        from imports.models import Feed
        from matching import feeds

        feeds.register(Feed.choices)
