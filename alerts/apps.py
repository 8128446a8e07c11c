from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Joining the dots: cross-agency prompts"

    def ready(self) -> None:
        from alerts import receivers
        from records.signals import record_withdrawing, records_changed

        records_changed.connect(receivers.on_records_changed, dispatch_uid="alerts.evaluate")
        record_withdrawing.connect(
            receivers.on_record_withdrawing, dispatch_uid="alerts.withdraw_evidence"
        )
