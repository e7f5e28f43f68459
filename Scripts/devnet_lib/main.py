"""Command line of Scripts/devnet."""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time

HOST = "127.0.0.1"


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="Scripts/devnet",
        description="SixNines local devnet: eth-tester (py-evm) over JSON-RPC on 127.0.0.1 "
        "(HTTP POST and WebSocket on the same port). See docs/DEVNET.md.",
    )
    p.add_argument("--port", type=int, default=8545, help="TCP port (0 = pick a free one; default 8545)")
    p.add_argument("--chain-id", type=int, default=31337, help="chain id (default 31337)")
    p.add_argument("--accounts", type=int, default=10, help="number of prefunded accounts (default 10)")
    p.add_argument("--balance", type=int, default=10_000, help="balance of each account in ether (default 10000)")
    p.add_argument(
        "--mnemonic",
        default=None,
        help="BIP-39 mnemonic for the accounts (default: the Hardhat/Anvil test mnemonic)",
    )
    p.add_argument(
        "--block-time",
        type=float,
        default=0,
        help="mine a block every N seconds (fractions allowed); turns automine off unless --automine",
    )
    p.add_argument(
        "--automine",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mine a block for each transaction (default: on, off with --block-time)",
    )
    p.add_argument("--gas-limit", type=int, default=30_000_000, help="block gas limit (default 30000000)")
    p.add_argument(
        "--max-logs-range",
        type=int,
        default=0,
        help="refuse eth_getLogs spanning more than N blocks with error -32005 (0 = unlimited)",
    )
    p.add_argument("--max-batch", type=int, default=1000, help="maximum JSON-RPC batch size (default 1000)")
    p.add_argument("--safe-depth", type=int, default=0, help="'safe' tag = latest - N (default 0)")
    p.add_argument("--finalized-depth", type=int, default=0, help="'finalized' tag = latest - N (default 0)")
    p.add_argument(
        "--json-ready",
        action="store_true",
        help="print only one JSON line when ready (url, wsUrl, chainId, accounts, privateKeys)",
    )
    p.add_argument("--quiet", action="store_true", help="print only the readiness line")
    p.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin reaches EOF (the parent process died or closed the pipe)",
    )
    a = p.parse_args(argv)
    if not 0 <= a.port <= 65535:
        p.error("--port must be between 0 and 65535")
    if a.accounts < 1 or a.chain_id <= 0 or a.block_time < 0 or a.max_logs_range < 0:
        p.error("invalid numeric option")
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    # Block the stop signals before any thread starts, so every thread inherits the
    # mask and the main thread receives them synchronously in sigwait below.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)

    # Library log output (py-evm, eth-tester) only for real errors: a parent that pipes
    # stderr without reading it must never block the devnet.
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)

    from .node import HARDHAT_MNEMONIC, Node
    from .rpc import Devnet
    from .server import DevnetHTTPServer, close_all

    node = Node(
        chain_id=a.chain_id,
        accounts=a.accounts,
        balance=a.balance * 10**18,
        mnemonic=a.mnemonic or HARDHAT_MNEMONIC,
        gas_limit=a.gas_limit,
        max_logs_range=a.max_logs_range,
        automine=(not a.block_time) if a.automine is None else a.automine,
        safe_depth=a.safe_depth,
        finalized_depth=a.finalized_depth,
    )
    devnet = Devnet(node, block_time=a.block_time, max_batch=a.max_batch)
    try:
        server = DevnetHTTPServer((HOST, a.port), devnet)
    except OSError as e:
        print(f"devnet: cannot listen on {HOST}:{a.port}: {e.strerror or e}", file=sys.stderr, flush=True)
        return 1
    port = server.server_address[1]
    url = f"http://{HOST}:{port}"
    ws_url = f"ws://{HOST}:{port}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="http", daemon=True).start()

    if a.exit_with_stdin:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(65536):
                    pass
            except Exception:
                pass
            signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    elapsed = time.monotonic() - started
    if a.json_ready:
        ready = {
            "url": url,
            "wsUrl": ws_url,
            "chainId": a.chain_id,
            "port": port,
            "accounts": ["0x" + x.hex() for x in node.accounts],
            "privateKeys": ["0x" + k.to_bytes().hex() for k in node.keys],
        }
        print(json.dumps(ready), flush=True)
    else:
        if not a.quiet:
            lines = [f"SixNines devnet (eth-tester + py-evm), chain id {a.chain_id}, started in {elapsed:.2f}s"]
            lines.append(f"Accounts ({a.balance} ETH each, keys m/44'/60'/0'/0/i of the "
                         f"{'Hardhat/Anvil test' if not a.mnemonic else 'given'} mnemonic):")
            for i, (acct, key) in enumerate(zip(node.accounts, node.keys)):
                lines.append(f"  ({i}) 0x{acct.hex()}  key 0x{key.to_bytes().hex()}")
            mode = "automine" if node.automine else "manual mining"
            if a.block_time:
                mode += f", interval mining every {a.block_time:g}s"
            lines.append(f"Mining: {mode}. WebSocket: {ws_url}")
            print("\n".join(lines), flush=True)
        print(f"devnet ready {url} chain-id {a.chain_id}", flush=True)

    sig = signal.sigwait(stop_signals)
    devnet.stop()
    close_all(server)  # WebSocket clients see a clean end of stream
    # The listening socket and keep-alive connections close with the process.
    if not a.json_ready and not a.quiet:
        try:
            print(f"devnet stopped ({signal.Signals(sig).name})", flush=True)
        except OSError:
            pass  # nobody reads stdout any more
    sys.stderr.flush()
    # Nothing to persist: skip the interpreter's slow teardown of py-evm's module graph.
    os._exit(0)
