"""phananh: citizen field reports for a Vietnamese province. Registers; holds no logic."""

from chalice import Chalice

from chalicelib.handlers import citizen, intake, media, notify, public, schedules, staff, stats
from chalicelib.handlers.http import register_error_bodies

app = Chalice(app_name="phananh")
app.register_blueprint(intake.bp)
app.register_blueprint(schedules.bp)
app.register_blueprint(stats.bp)
app.register_blueprint(notify.bp)
app.register_blueprint(media.bp)
app.register_blueprint(staff.bp)
app.register_blueprint(public.bp)
app.register_blueprint(citizen.bp)
register_error_bodies(app)
