# One image for every service of the test stack: the LibreTime stub (both faces), LibreLog and
# the harness. `python3 -m venv` works on the official image and on the Debian stand-in alike.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
RUN python3 -m venv /opt/venv
WORKDIR /app
COPY pyproject.toml README.md ./
COPY stubs ./stubs
COPY harness ./harness
COPY reports ./reports
COPY scenarios ./scenarios
RUN pip install --no-cache-dir --disable-pip-version-check .
RUN useradd --create-home --uid 10001 app \
    && mkdir -p /data /app/reports/out \
    && chown -R app /data /app/reports/out
USER app
EXPOSE 8000 8080 9001
CMD ["librelog-verify", "serve", "--host", "0.0.0.0"]
