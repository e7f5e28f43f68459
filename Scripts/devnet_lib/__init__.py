"""SixNines local devnet: eth-tester (py-evm backend) served over JSON-RPC.

See docs/DEVNET.md. Entry point: Scripts/devnet.
"""

VERSION = "0.1.0"
