"""llm_bridge: LLM methods (TARo, FusionRoute, ReMix, S'MoRE, Texture) on graphlab's runner.

``llm_bridge.lm`` is the shared base (offline loading, tiny LMs, combiners, batched decoding, reward models);
importing this package registers ``lm_decode`` and ``taro``.
"""

import llm_bridge.decode  # noqa: F401  (registers lm_decode)
import llm_bridge.taro  # noqa: F401  (registers taro)
