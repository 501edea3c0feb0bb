from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts and roles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from . import login_guard

        user_login_failed.connect(login_guard.on_login_failed, dispatch_uid="accounts.address_login_failures")
