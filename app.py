"""phananh: citizen field reports for a Vietnamese province. Registers; holds no logic."""

from chalice import Chalice

from chalicelib.handlers import (
    catalogue,
    citizen,
    desk,
    directory,
    inbox,
    intake,
    open311,
    openapi,
    public,
    schedules,
    staff,
    streams,
    thumbnails,
    wards,
    zalo,
)
from chalicelib.handlers.http import register_error_bodies

app = Chalice(app_name="phananh")
app.register_blueprint(catalogue.bp)
app.register_blueprint(intake.bp)
app.register_blueprint(schedules.bp)
app.register_blueprint(streams.bp)
app.register_blueprint(thumbnails.bp)
app.register_blueprint(staff.bp)
app.register_blueprint(public.bp)
app.register_blueprint(citizen.bp)
app.register_blueprint(open311.bp)
app.register_blueprint(wards.bp)
app.register_blueprint(desk.bp)
app.register_blueprint(inbox.bp)
app.register_blueprint(directory.bp)
app.register_blueprint(openapi.bp)
app.register_blueprint(zalo.bp)
register_error_bodies(app)
