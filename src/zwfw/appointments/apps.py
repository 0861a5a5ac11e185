from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "zwfw.appointments"
    label = "appointments"
    verbose_name = "预约 / 政务服务大厅"
