"""llm_bridge: LLM methods (TARo, FusionRoute, ReMix, S'MoRE, Texture) on graphlab's runner.

No method is registered yet: they arrive with their issues and register through ``graphlab.registry``.
"""
