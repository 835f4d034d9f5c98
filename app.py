"""phananh: citizen field reports for a Vietnamese province. Registers; holds no logic."""

from chalicelib import collector

collector.defer()  # before the imports below: a cold start allocates for its lifetime (chalicelib/collector.py)

from chalice import Chalice  # noqa: E402

from chalicelib.handlers import (  # noqa: E402
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
from chalicelib.handlers.http import register_error_bodies  # noqa: E402

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
app.register_middleware(collector.after_first_event, "all")
