"""A local stand-in for the Telegram Bot API, with a control API to play users and agents.

`Sandbox` serves the Bot API subset the desk uses, behaving like Telegram where it matters (types,
error texts, size and flood limits); `SandboxClient` drives it from tests, demos and benches.
"""

from sandbox.client import SandboxClient, SandboxError
from sandbox.ratelimit import RateLimits
from sandbox.server import Sandbox

__all__ = ["RateLimits", "Sandbox", "SandboxClient", "SandboxError"]
