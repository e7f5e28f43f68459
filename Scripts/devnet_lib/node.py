"""The chain: eth-tester's py-evm backend plus a small geth-like transaction pool.

Everything here runs under one lock (Node.lock); the RPC layer takes it.
"""

import os
import threading
import time

from eth_abi import abi
from eth_keys import keys as eth_keys

from eth.constants import GENESIS_PARENT_HASH
from eth.exceptions import (
    ContractCreationCollision,
    FullStack,
    InsufficientFunds,
    InsufficientStack,
    InvalidInstruction,
    InvalidJumpDestination,
    OutOfGas,
    Revert,
    StackDepthLimit,
    WriteProtection,
)
from eth.vm.spoof import SpoofTransaction
from eth_tester.backends.pyevm.main import PyEVMBackend
from eth._utils.address import generate_contract_address

from .hexfmt import RpcError, addr, data, qty, word

HARDHAT_MNEMONIC = "test test test test test test test test test test test junk"
HD_PATH = "m/44'/60'/0'/0"
DEFAULT_BALANCE = 10_000 * 10**18
DEFAULT_PRIORITY_FEE = 10**9
ZERO_ADDRESS = b"\x00" * 20
ERROR_SELECTOR = bytes.fromhex("08c379a0")
PANIC_SELECTOR = bytes.fromhex("4e487b71")
PANIC_REASONS = {
    0x00: "generic panic",
    0x01: "assert(false)",
    0x11: "arithmetic underflow or overflow",
    0x12: "division or modulo by zero",
    0x21: "enum overflow",
    0x22: "invalid encoded storage byte array accessed",
    0x31: "out-of-bounds array access; popping on an empty array",
    0x32: "out-of-bounds access of an array or bytesliceN",
    0x41: "out of memory",
    0x51: "uninitialized function",
}
VM_ERROR_MESSAGES = [
    (OutOfGas, "out of gas"),
    (InsufficientStack, "stack underflow"),
    (FullStack, "stack limit reached 1024"),
    (InvalidJumpDestination, "invalid jump destination"),
    (InvalidInstruction, "invalid opcode"),
    (WriteProtection, "write protection"),
    (InsufficientFunds, "insufficient balance for transfer"),
    (StackDepthLimit, "max call depth exceeded"),
    (ContractCreationCollision, "contract address collision"),
]


# m/44'/60'/0'/0/i of HARDHAT_MNEMONIC, precomputed (saves ~0.2 s of start-up);
# Tests/Python/devnet checks them against a fresh derivation.
HARDHAT_KEYS = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
]


def derive_keys(count, mnemonic=HARDHAT_MNEMONIC):
    """Private keys m/44'/60'/0'/0/i of a BIP-39 mnemonic (no passphrase)."""
    from eth_account.hdaccount import key_from_seed, seed_from_mnemonic

    
    seed = seed_from_mnemonic(mnemonic, "")
    return [key_from_seed(seed, f"{HD_PATH}/{i}") for i in range(count)]


def dev_keys(count, mnemonic=HARDHAT_MNEMONIC):
    """Private keys m/44'/60'/0'/0/i of the mnemonic (Hardhat/Anvil defaults)."""
    if mnemonic == HARDHAT_MNEMONIC and count <= len(HARDHAT_KEYS):
        return [bytes.fromhex(k) for k in HARDHAT_KEYS[:count]]
    return derive_keys(count, mnemonic)


def unpack_revert_reason(revert_data):
    """geth's abi.UnpackRevert: Error(string) and Panic(uint256); None otherwise."""
    if revert_data[:4] == ERROR_SELECTOR:
        try:
            return abi.decode(["string"], revert_data[4:])[0]
        except Exception:
            return None
    if revert_data[:4] == PANIC_SELECTOR and len(revert_data) == 36:
        code = int.from_bytes(revert_data[4:], "big")
        return PANIC_REASONS.get(code, f"unknown panic code: {code:#x}")
    return None


def revert_error(revert_data):
    reason = unpack_revert_reason(revert_data)
    message = "execution reverted" if reason is None else f"execution reverted: {reason}"
    return RpcError(3, message, data(revert_data))


def vm_error(error):
    if isinstance(error, Revert):
        return revert_error(bytes(error.args[0]) if error.args else b"")
    for cls, message in VM_ERROR_MESSAGES:
        if isinstance(error, cls):
            return RpcError(-32000, message)
    return RpcError(-32000, str(error) or type(error).__name__)


def tx_type(tx):
    return getattr(tx, "type_id", None) or 0


def tx_fee_cap(tx):
    return tx.max_fee_per_gas if tx_type(tx) >= 2 else tx.gas_price


def tx_tip_cap(tx):
    return tx.max_priority_fee_per_gas if tx_type(tx) >= 2 else tx.gas_price


def effective_gas_price(tx, base_fee):
    if tx_type(tx) >= 2:
        return min(tx.max_fee_per_gas, base_fee + tx.max_priority_fee_per_gas)
    return tx.gas_price


class PoolTx:
    __slots__ = ("tx", "sender", "hash", "seq")

    def __init__(self, tx, sender, seq):
        self.tx = tx
        self.sender = sender
        self.hash = tx.hash
        self.seq = seq


class Node:
    def __init__(
        self,
        chain_id=31337,
        accounts=10,
        balance=DEFAULT_BALANCE,
        mnemonic=HARDHAT_MNEMONIC,
        gas_limit=30_000_000,
        max_logs_range=0,
        automine=True,
        safe_depth=0,
        finalized_depth=0,
    ):
        self.lock = threading.RLock()
        self.chain_id = chain_id
        self.keys = [eth_keys.PrivateKey(k) for k in dev_keys(accounts, mnemonic)]
        self.key_by_address = {k.public_key.to_canonical_address(): k for k in self.keys}
        self.accounts = list(self.key_by_address)
        self.max_logs_range = max_logs_range
        self.automine = automine
        self.safe_depth = safe_depth
        self.finalized_depth = finalized_depth
        self.priority_fee = DEFAULT_PRIORITY_FEE

        genesis_state = {
            a: {"balance": balance, "nonce": 0, "code": b"", "storage": {}} for a in self.accounts
        }
        genesis_params = PyEVMBackend.generate_genesis_params(
            overrides={"gas_limit": gas_limit, "timestamp": int(time.time())}
        )
        self.backend = PyEVMBackend(genesis_parameters=genesis_params, genesis_state=genesis_state)
        self.chain = self.backend.chain
        # eth-tester hard-codes a chain id on its chain class; py-evm builds each VM's
        # ChainContext (CHAINID opcode, EIP-155 signing defaults) from this attribute.
        type(self.chain).chain_id = chain_id

        self.pool = {}  # sender -> {nonce: PoolTx}
        self.pool_by_hash = {}
        self._seq = 0
        self.tx_index = {}  # tx hash -> block number (canonical)
        self._block_cache = {}  # block hash -> (block, receipts json list)
        self._states = {}  # header hash -> read-only state
        self.time_offset = 0
        self.next_timestamp = None
        self.snapshots = {}
        self._next_snapshot = 1
        self.listeners = []  # callables(kind, payload), called under the lock

    # ------------------------------------------------------------------ blocks
    def head(self):
        return self.chain.get_canonical_head()

    def head_number(self):
        return self.head().block_number

    def resolve_block_number(self, tag):
        """tag: int or one of the named tags -> block number (may exceed head)."""
        head = self.head_number()
        if tag in ("latest", "pending"):
            return head
        if tag == "earliest":
            return 0
        if tag == "safe":
            return max(0, head - self.safe_depth)
        if tag == "finalized":
            return max(0, head - self.finalized_depth)
        return tag

    def header_for(self, tag):
        """Header for a state query; raises like geth when the block is unknown."""
        if isinstance(tag, bytes):
            try:
                header = self.chain.get_block_header_by_hash(tag)
            except Exception:
                raise RpcError(-32000, f"header for hash not found")
            if header.block_number > self.head_number() or self.canonical_hash(header.block_number) != header.hash:
                raise RpcError(-32000, "hash is not currently canonical")
            return header
        n = self.resolve_block_number(tag)
        if n > self.head_number():
            raise RpcError(-32000, "header not found")
        return self.chain.get_canonical_block_header_by_number(n)

    def canonical_hash(self, n):
        if n > self.head_number():
            return None
        return self.chain.get_canonical_block_hash(n)

    def block_by_number(self, n):
        h = self.canonical_hash(n)
        return None if h is None else self.block_by_hash(h)

    def block_by_hash(self, block_hash):
        cached = self._block_cache.get(block_hash)
        if cached is not None:
            return cached[0]
        try:
            block = self.chain.get_block_by_hash(block_hash)
        except Exception:
            return None
        self._cache_block(block_hash, (block, None))
        return block

    def _cache_block(self, block_hash, entry):
        cache = self._block_cache
        if block_hash not in cache and len(cache) >= 4096:
            cache.pop(next(iter(cache)))  # oldest first
        cache[block_hash] = entry

    def is_canonical(self, block):
        return self.canonical_hash(block.number) == block.hash

    def block_receipts(self, block):
        """Receipts of a mined block as JSON objects (cached)."""
        cached = self._block_cache.get(block.hash)
        if cached is not None and cached[1] is not None:
            return cached[1]
        receipts = block.get_receipts(self.chain.chaindb)
        base_fee = block.header.base_fee_per_gas
        out = []
        log_index = 0
        prev_cumulative = 0
        for i, (tx, r) in enumerate(zip(block.transactions, receipts)):
            logs = []
            for log in r.logs:
                logs.append(
                    {
                        "address": addr(log.address),
                        "topics": [word(t) for t in log.topics],
                        "data": data(log.data),
                        "blockNumber": qty(block.number),
                        "transactionHash": data(tx.hash),
                        "transactionIndex": qty(i),
                        "blockHash": data(block.hash),
                        "logIndex": qty(log_index),
                        "removed": False,
                    }
                )
                log_index += 1
            creates = tx.to == b""
            out.append(
                {
                    "blockHash": data(block.hash),
                    "blockNumber": qty(block.number),
                    "contractAddress": addr(generate_contract_address(tx.sender, tx.nonce)) if creates else None,
                    "cumulativeGasUsed": qty(r.gas_used),
                    "effectiveGasPrice": qty(effective_gas_price(tx, base_fee)),
                    "from": addr(tx.sender),
                    "gasUsed": qty(r.gas_used - prev_cumulative),
                    "logs": logs,
                    "logsBloom": data(r.bloom.to_bytes(256, "big")),
                    "status": "0x1" if r.state_root == b"\x01" else "0x0",
                    "to": None if creates else addr(tx.to),
                    "transactionHash": data(tx.hash),
                    "transactionIndex": qty(i),
                    "type": qty(tx_type(tx)),
                }
            )
            prev_cumulative = r.gas_used
        self._cache_block(block.hash, (block, out))
        return out

    def block_json(self, block, full):
        hd = block.header
        if full:
            txs = [self.tx_json(tx, block, i) for i, tx in enumerate(block.transactions)]
        else:
            txs = [data(tx.hash) for tx in block.transactions]
        import rlp

        out = {
            "baseFeePerGas": qty(hd.base_fee_per_gas),
            "blobGasUsed": qty(getattr(hd, "blob_gas_used", 0)),
            "difficulty": qty(hd.difficulty),
            "excessBlobGas": qty(getattr(hd, "excess_blob_gas", 0)),
            "extraData": data(hd.extra_data),
            "gasLimit": qty(hd.gas_limit),
            "gasUsed": qty(hd.gas_used),
            "hash": data(hd.hash),
            "logsBloom": data(hd.bloom.to_bytes(256, "big")),
            "miner": addr(hd.coinbase),
            "mixHash": data(hd.mix_hash),
            "nonce": data(hd.nonce),
            "number": qty(hd.block_number),
            "parentBeaconBlockRoot": data(getattr(hd, "parent_beacon_block_root", b"\x00" * 32)),
            "parentHash": data(hd.parent_hash),
            "receiptsRoot": data(hd.receipt_root),
            "sha3Uncles": data(hd.uncles_hash),
            "size": qty(len(rlp.encode(block))),
            "stateRoot": data(hd.state_root),
            "timestamp": qty(hd.timestamp),
            "totalDifficulty": "0x0",
            "transactions": txs,
            "transactionsRoot": data(hd.transaction_root),
            "uncles": [],
            "withdrawals": [],
            "withdrawalsRoot": data(getattr(hd, "withdrawals_root", b"")),
        }
        requests_hash = getattr(hd, "requests_hash", None)
        if requests_hash is not None:
            out["requestsHash"] = data(requests_hash)
        return out

    def tx_json(self, tx, block=None, index=None):
        t = tx_type(tx)
        out = {
            "blockHash": data(block.hash) if block else None,
            "blockNumber": qty(block.number) if block else None,
            "from": addr(tx.sender),
            "gas": qty(tx.gas),
            "gasPrice": None,
            "hash": data(tx.hash),
            "input": data(tx.data),
            "nonce": qty(tx.nonce),
            "to": addr(tx.to) if tx.to else None,
            "transactionIndex": qty(index) if block else None,
            "value": qty(tx.value),
            "type": qty(t),
        }
        if t >= 2:
            out["maxFeePerGas"] = qty(tx.max_fee_per_gas)
            out["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas)
            price = effective_gas_price(tx, block.header.base_fee_per_gas) if block else tx.max_fee_per_gas
            out["gasPrice"] = qty(price)
        else:
            out["gasPrice"] = qty(tx.gas_price)
        if t >= 1:
            out["accessList"] = [
                {"address": addr(a), "storageKeys": [word(k) for k in keys]} for a, keys in tx.access_list
            ]
            out["chainId"] = qty(tx.chain_id)
            out["v"] = qty(tx.y_parity)
            out["yParity"] = qty(tx.y_parity)
        else:
            if tx.v >= 35:
                out["chainId"] = qty((tx.v - 35) // 2)
            out["v"] = qty(tx.v)
        out["r"] = qty(tx.r)
        out["s"] = qty(tx.s)
        return out

    def find_tx(self, tx_hash):
        """-> (block or None, tx, index); None if unknown."""
        n = self.tx_index.get(tx_hash)
        if n is not None:
            block = self.block_by_number(n)
            if block is not None:
                for i, tx in enumerate(block.transactions):
                    if tx.hash == tx_hash:
                        return block, tx, i
        ptx = self.pool_by_hash.get(tx_hash)
        if ptx is not None:
            return None, ptx.tx, None
        return None

    # ------------------------------------------------------------------ state
    def state_of(self, header):
        """Read-only py-evm state after `header` (cached: building one costs ~1 ms)."""
        state = self._states.get(header.hash)
        if state is None:
            if len(self._states) >= 16:
                self._states.pop(next(iter(self._states)))
            state = self._states[header.hash] = self.chain.get_vm(header).state
        return state

    def head_state(self):
        return self.state_of(self.head())

    def state_at(self, tag):
        return self.state_of(self.header_for(tag))

    def pending_nonce(self, address):
        n = self.head_state().get_nonce(address)
        txs = self.pool.get(address, {})
        while n in txs:
            n += 1
        return n

    # ------------------------------------------------------------------ execution
    def _run(self, fields, header, gas):
        """Execute a call against the post-state of `header`. Returns computation."""
        vm = self.chain.get_vm(header)
        state = vm.state
        sender = fields.get("from") or ZERO_ADDRESS
        unsigned = vm.create_unsigned_transaction(
            nonce=state.get_nonce(sender),
            gas_price=0,
            gas=gas,
            to=fields.get("to") or b"",
            value=fields.get("value", 0),
            data=fields.get("data", b""),
        )
        tx = SpoofTransaction(unsigned, from_=sender)
        if tx.intrinsic_gas > gas:
            raise RpcError(-32000, f"intrinsic gas too low: have {gas}, want {tx.intrinsic_gas}")
        executor = state.get_transaction_executor()
        message = executor.build_evm_message(tx)
        return executor.build_computation(message, tx)

    def call(self, fields, tag):
        header = self.header_for(tag)
        gas = fields.get("gas") or header.gas_limit
        comp = self._run(fields, header, gas)
        if comp.is_error:
            raise vm_error(comp.error)
        return comp.output

    def estimate_gas(self, fields, tag):
        header = self.header_for(tag)
        cap = fields.get("gas") or header.gas_limit
        comp = self._run(fields, header, cap)
        if comp.is_error:
            if isinstance(comp.error, Revert):
                raise vm_error(comp.error)
            if isinstance(comp.error, OutOfGas):
                raise RpcError(-32000, f"gas required exceeds allowance ({cap})")
            raise vm_error(comp.error)
        used = cap - comp.get_gas_remaining()

        def ok(g):
            try:
                c = self._run(fields, header, g)
            except RpcError:
                return False
            return not c.is_error

        if ok(used):
            return used
        lo, hi = used, cap
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid):
                hi = mid
            else:
                lo = mid
        return hi

    # ------------------------------------------------------------------ transactions
    def decode_raw(self, raw):
        if not raw:
            raise RpcError(-32000, "typed transaction too short")
        if raw[0] == 3:
            raise RpcError(-32000, "transaction type not supported: blob transactions need a sidecar")
        try:
            tx = self.chain.get_vm().get_transaction_builder().decode(raw)
        except Exception as e:
            raise RpcError(-32000, f"rlp: {e}" if str(e) else "rlp: invalid transaction")
        return tx

    def submit(self, tx):
        """Validate like geth's txpool, add to the pool, mine if automining."""
        try:
            tx.validate()
            sender = tx.sender
        except Exception as e:
            msg = str(e)
            if "intrinsic" in msg.lower():
                raise RpcError(-32000, f"intrinsic gas too low: gas {tx.gas}, minimum needed {tx.intrinsic_gas}")
            raise RpcError(-32000, "invalid sender")
        t = tx_type(tx)
        if t >= 1:
            if tx.chain_id != self.chain_id:
                raise RpcError(-32000, "invalid chain id for signer")
        elif tx.v >= 35 and (tx.v - 35) // 2 != self.chain_id:
            raise RpcError(-32000, "invalid chain id for signer")
        if tx.hash in self.pool_by_hash:
            raise RpcError(-32000, "already known")
        state = self.head_state()
        state_nonce = state.get_nonce(sender)
        if tx.nonce < state_nonce:
            raise RpcError(
                -32000, f"nonce too low: address {addr(sender)}, tx: {tx.nonce} state: {state_nonce}"
            )
        if tx.gas > self.head().gas_limit:
            raise RpcError(-32000, "exceeds block gas limit")
        if tx.intrinsic_gas > tx.gas:
            raise RpcError(-32000, f"intrinsic gas too low: gas {tx.gas}, minimum needed {tx.intrinsic_gas}")
        if t >= 2 and tx.max_priority_fee_per_gas > tx.max_fee_per_gas:
            raise RpcError(-32000, "max priority fee per gas higher than max fee per gas")
        balance = state.get_balance(sender)
        cost = tx.gas * tx_fee_cap(tx) + tx.value
        if balance < cost:
            raise RpcError(
                -32000,
                "insufficient funds for gas * price + value: "
                f"balance {balance}, tx cost {cost}, overshot {cost - balance}",
            )
        txs = self.pool.setdefault(sender, {})
        old = txs.get(tx.nonce)
        if old is not None:
            of, ot = tx_fee_cap(old.tx), tx_tip_cap(old.tx)
            nf, nt = tx_fee_cap(tx), tx_tip_cap(tx)
            if of >= nf or ot >= nt or nf * 100 < of * 110 or nt * 100 < ot * 110:
                raise RpcError(-32000, "replacement transaction underpriced")
            del self.pool_by_hash[old.hash]
        self._seq += 1
        ptx = PoolTx(tx, sender, self._seq)
        txs[tx.nonce] = ptx
        self.pool_by_hash[tx.hash] = ptx
        self._notify("pendingTransaction", data(tx.hash))
        if self.automine:
            while self._has_executable():
                self.mine()
        return tx.hash

    def sign_and_submit(self, fields):
        sender = fields.get("from")
        if sender is None:
            raise RpcError(-32602, "invalid argument 0: missing \"from\"")
        key = self.key_by_address.get(sender)
        if key is None:
            raise RpcError(-32000, "unknown account")
        builder = self.chain.get_vm().get_transaction_builder()
        nonce = fields.get("nonce")
        if nonce is None:
            nonce = self.pending_nonce(sender)
        gas = fields.get("gas")
        if gas is None:
            gas = self.estimate_gas(fields, "latest")
        to = fields.get("to") or b""
        value = fields.get("value", 0)
        payload = fields.get("data", b"")
        if "gasPrice" in fields:
            unsigned = builder.create_unsigned_transaction(
                nonce=nonce, gas_price=fields["gasPrice"], gas=gas, to=to, value=value, data=payload
            )
            tx = unsigned.as_signed_transaction(key, chain_id=self.chain_id)
        else:
            tip = fields.get("maxPriorityFeePerGas", self.priority_fee)
            cap = fields.get("maxFeePerGas", 2 * self.chain.header.base_fee_per_gas + tip)
            unsigned = builder.new_unsigned_dynamic_fee_transaction(
                chain_id=self.chain_id,
                nonce=nonce,
                max_priority_fee_per_gas=tip,
                max_fee_per_gas=cap,
                gas=gas,
                to=to,
                value=value,
                data=payload,
                access_list=(),
            )
            tx = unsigned.as_signed_transaction(key)
        return self.submit(tx)

    def _executable(self, base_fee):
        """Pool txs that can go in the next block, in nonce order per sender."""
        out = []
        state = self.head_state()
        for sender, txs in sorted(self.pool.items(), key=lambda kv: min(p.seq for p in kv[1].values()) if kv[1] else 0):
            if not txs:
                continue
            n = state.get_nonce(sender)
            while n in txs and tx_fee_cap(txs[n].tx) >= base_fee:
                out.append(txs[n])
                n += 1
        return out

    def _has_executable(self):
        return bool(self._executable(self.chain.header.base_fee_per_gas))

    def _next_block_timestamp(self, timestamp=None):
        parent = self.head().timestamp
        if timestamp is None and self.next_timestamp is not None:
            timestamp = self.next_timestamp
        self.next_timestamp = None
        if timestamp is not None:
            if timestamp <= parent:
                raise RpcError(
                    -32602,
                    f"Timestamp {timestamp} is lower than or equal to previous block's timestamp {parent}",
                )
            self.time_offset = timestamp - int(time.time())
            return timestamp
        return max(parent + 1, int(time.time()) + self.time_offset)

    def mine(self, timestamp=None):
        """Mine one block with the executable pool transactions."""
        chain = self.chain
        ts = self._next_block_timestamp(timestamp)
        header = chain.create_header_from_parent(self.head()).copy(timestamp=ts)
        kwargs = {"coinbase": ZERO_ADDRESS, "mix_hash": os.urandom(32)}
        if hasattr(header, "blob_gas_used"):
            kwargs["blob_gas_used"] = 0
        # Apply all executable transactions in one VM (one trie build, unlike
        # MiningChain.apply_transaction, which rebuilds the block per transaction).
        vm = chain.get_vm(chain._custom_header(header, **kwargs))
        txs, receipts = [], []
        for ptx in self._executable(header.base_fee_per_gas):
            tx = ptx.tx
            if tx.gas > header.gas_limit - header.gas_used:
                continue  # does not fit: stays in the pool for the next block
            self._remove_from_pool(ptx)
            snapshot = vm.state.snapshot()
            try:
                receipt, _computation = vm.apply_transaction(header, tx)
            except Exception:
                vm.state.revert(snapshot)  # invalid now (e.g. balance spent): dropped
                continue
            header = vm.add_receipt_to_header(header, receipt)
            txs.append(tx)
            receipts.append(receipt)
        filled = vm.set_block_transactions_and_withdrawals(vm.get_block(), header, txs, receipts)
        block = vm.mine_block(filled, **kwargs).block
        chain.validate_block(block)
        chain.chaindb.persist_block(block)
        chain.header = chain.create_header_from_parent(block.header)
        for tx in block.transactions:
            self.tx_index[tx.hash] = block.number
        # drop pool txs made stale by the new state
        state = self.head_state()
        for sender, txs in list(self.pool.items()):
            n = state.get_nonce(sender)
            for nonce in [k for k in txs if k < n]:
                self._remove_from_pool(txs[nonce])
            if not txs:
                del self.pool[sender]
        self._notify("block", block)
        return block

    def _remove_from_pool(self, ptx):
        txs = self.pool.get(ptx.sender)
        if txs is not None and txs.get(ptx.tx.nonce) is ptx:
            del txs[ptx.tx.nonce]
        self.pool_by_hash.pop(ptx.hash, None)

    def _notify(self, kind, payload):
        for listener in list(self.listeners):
            try:
                listener(kind, payload)
            except Exception:
                pass

    # ------------------------------------------------------------------ snapshots
    def snapshot(self):
        sid = self._next_snapshot
        self._next_snapshot += 1
        pool = {s: dict(txs) for s, txs in self.pool.items()}
        self.snapshots[sid] = (self.head().hash, pool, self.time_offset, self.next_timestamp, self._seq)
        return sid

    def revert(self, sid):
        snap = self.snapshots.get(sid)
        if snap is None:
            return False
        for k in [k for k in self.snapshots if k >= sid]:
            del self.snapshots[k]
        head_hash, pool, self.time_offset, self.next_timestamp, self._seq = snap
        old_head = self.head_number()
        header = self.chain.get_block_header_by_hash(head_hash)
        removed = []  # logs of the blocks that leave the chain, as a reorg reports them
        if self.listeners:
            for n in range(header.block_number + 1, old_head + 1):
                block = self.block_by_number(n)
                if block is not None and block.transactions:
                    for receipt in self.block_receipts(block):
                        removed.extend(dict(log, removed=True) for log in receipt["logs"])
        chaindb = self.chain.chaindb
        chaindb._set_as_canonical_chain_head(chaindb.db, header, GENESIS_PARENT_HASH)
        self.chain.header = self.chain.create_header_from_parent(header)
        self.pool = {s: dict(txs) for s, txs in pool.items()}
        self.pool_by_hash = {p.hash: p for txs in self.pool.values() for p in txs.values()}
        self.tx_index = {h: n for h, n in self.tx_index.items() if n <= header.block_number}
        self._notify("revert", removed)
        return True

    # ------------------------------------------------------------------ logs
    def get_logs(self, from_block, to_block, addresses, topics, block_hash=None):
        if block_hash is not None:
            block = self.block_by_hash(block_hash)
            if block is None:
                raise RpcError(-32000, "unknown block")
            blocks = [block]
        else:
            head = self.head_number()
            if from_block > to_block:
                raise RpcError(-32602, "invalid block range params")
            if self.max_logs_range and to_block - from_block + 1 > self.max_logs_range:
                raise RpcError(
                    -32005,
                    f"block range too large: max {self.max_logs_range} blocks, "
                    f"requested {to_block - from_block + 1} (from {from_block} to {to_block})",
                )
            blocks = (self.block_by_number(n) for n in range(from_block, min(to_block, head) + 1))
        out = []
        for block in blocks:
            if not block.transactions or not block.header.bloom:
                continue
            if not bloom_may_match(block.header.bloom, addresses, topics):
                continue
            for receipt in self.block_receipts(block):
                for log in receipt["logs"]:
                    if match_log(log, addresses, topics):
                        out.append(log)
        return out


def bloom_may_match(bloom, addresses, topics):
    """False only when the block's logs bloom rules the filter out."""
    from eth_bloom import BloomFilter

    bf = BloomFilter(bloom)
    if addresses and not any(bytes.fromhex(a[2:]) in bf for a in addresses):
        return False
    for want in topics or []:
        if want is not None and not any(bytes.fromhex(t[2:]) in bf for t in want):
            return False
    return True


def match_log(log, addresses, topics):
    if addresses and log["address"] not in addresses:
        return False
    if topics:
        if len(topics) > len(log["topics"]):
            return False
        for want, have in zip(topics, log["topics"]):
            if want is None:
                continue
            if have not in want:
                return False
    return True
