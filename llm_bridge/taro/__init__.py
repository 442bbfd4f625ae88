"""``taro``: token-level adaptive routing between a frozen base LM and a token-level reward model."""

from llm_bridge.taro.config import RouterConfig, TaroConfig
from llm_bridge.taro.model import Router, mixed_nll
from llm_bridge.taro.train import feature_nll, load_router, router_features, run_taro, train_router

__all__ = ["RouterConfig", "TaroConfig", "Router", "mixed_nll", "feature_nll", "load_router", "router_features",
           "run_taro", "train_router"]
