# docbatch image: the same image runs workers, the API and one-off commands.
FROM python:3.11-slim

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr-eng antiword libwpd-tools \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir .

# Workers refuse to run as root; give them an unprivileged user.
RUN useradd --create-home --uid 10001 docbatch
USER docbatch
ENV DOCBATCH_STATE_DIR=/home/docbatch/state
ENTRYPOINT ["docbatch"]
CMD ["--help"]
