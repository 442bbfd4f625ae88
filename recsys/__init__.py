"""graphlab.recsys: recommendation methods (interest-cluster recommendation, VRec) on graphlab's runner.

No method is registered yet: they arrive with their issues and register through ``graphlab.registry``.
"""
