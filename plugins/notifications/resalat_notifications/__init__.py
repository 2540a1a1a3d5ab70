"""The notifications plugin (اعلان‌ها): one inbox for what every plugin tells a member."""

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="notifications",
    version="0.1.0",
    title_fa="اعلان‌ها",
    title_en="Notifications",
    package=__name__,
    description_fa="صندوق اعلان‌های هر عضو: آنچه همه‌ی بخش‌های رسالت به او می‌گویند، در یک جا.",
    description_en="Each member's inbox: what every part of Resalat tells them, in one place.",
    icon="bell",
)
