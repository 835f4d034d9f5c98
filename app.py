"""phananh: citizen field reports for a Vietnamese province. Registers; holds no logic."""

from chalice import Chalice

from chalicelib.handlers import intake
from chalicelib.handlers.http import register_error_bodies

app = Chalice(app_name="phananh")
app.register_blueprint(intake.bp)
register_error_bodies(app)
