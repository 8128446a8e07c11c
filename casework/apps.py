from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Holds only the migration history of the tables that ``referrals`` and ``cases`` now own.

    Those apps' models keep the ``casework_*`` table names; casework's last migration hands them
    over in Django's state only, so existing databases migrate without copying a row. The app
    stays installed so that history (and the migrations of other apps that name it) resolves.
    """

    name = "casework"
