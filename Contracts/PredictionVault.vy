# SPDX-License-Identifier: AGPL-3.0-only
# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title SixNines Prediction Vault
@custom:contract-name PredictionVault
@license AGPL-3.0-only
@notice Holds the native token and ERC-20 tokens and pays winners out
        in batches, only with EIP-712 signatures of at least `threshold`
        distinct signers (3 of 5 at launch), given in ascending order of
        signer address. Every signed message carries the vault's single
        `nonce` (replay protection) and a deadline.
        - A daily limit per token (UTC day) caps payouts; a batch over
          the limit reverts as a whole. A receipt is paid at most once.
        - Any signer can pause at once, and dispute an oracle price at
          once (the vault holds the oracle's disputer role). Unpausing,
          changing signers, threshold or limits, and migrating the funds
          to a successor vault are multisig proposals that wait 48 hours
          in public (propose -> wait -> execute, cancellable by the
          multisig).
        - A migrated vault refuses deposits; whatever still reaches it
          (tokens left out of the migration, late transfers, native
          value forced in) anyone can `sweep` to the successor.
        Wire formats (EIP-712 domain and types, action encodings) are
        those of `docs/PROTOCOL.md` §6.
@dev Built from snekmate's `eip712_domain_separator` (EIP-712 + EIP-5267)
     and `ecdsa` (low-s signature recovery). Upgrades are time-locked
     migrations of the funds to a new vault, not proxies (PROTOCOL §6.6).
"""


from ethereum.ercs import IERC20


interface IPriceOracle:
    def dispute(asset: bytes32, settles_at: uint64): nonpayable

from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator as eip712
initializes: eip712


exports: eip712.eip712Domain


# @dev Limits of the arrays the vault accepts. MAX_PAYOUTS: the largest batch of the costliest kind
# (native payouts to fresh accounts, about 61,800 gas each) that fits Polygon PoS's 45,000,000 block
# gas limit (measured: 43.3 M gas for 700; Contracts/GAS.md). A larger bound costs every batch: memory
# is laid out statically, and the payouts and their hashes take 192 bytes per slot.
MAX_SIGNERS: public(constant(uint256)) = 10
MAX_PAYOUTS: public(constant(uint256)) = 700
MAX_TOKENS: public(constant(uint256)) = 16
MIN_THRESHOLD: public(constant(uint256)) = 2


# @dev Proposals wait `TIMELOCK` seconds, then can be executed during `GRACE_PERIOD`.
TIMELOCK: public(constant(uint256)) = 48 * 3600
GRACE_PERIOD: public(constant(uint256)) = 14 * 86400


# @dev Proposal actions (PROTOCOL §6.5).
ACTION_SET_SIGNERS: public(constant(uint8)) = 1
ACTION_SET_DAILY_LIMIT: public(constant(uint8)) = 2
ACTION_UNPAUSE: public(constant(uint8)) = 3
ACTION_MIGRATE: public(constant(uint8)) = 4


# @dev EIP-712 type hashes (PROTOCOL §6.3).
_PAYOUT_TYPE_HASH: constant(bytes32) = keccak256(
    "Payout(address token,address recipient,uint256 amount,bytes32 receipt)"
)
_PAYOUT_BATCH_TYPE_HASH: constant(bytes32) = keccak256(
    "PayoutBatch(Payout[] payouts,uint256 nonce,uint256 deadline)"
    "Payout(address token,address recipient,uint256 amount,bytes32 receipt)"
)
_PROPOSAL_TYPE_HASH: constant(bytes32) = keccak256(
    "Proposal(uint8 action,bytes data,uint256 nonce,uint256 deadline)"
)
_CANCELLATION_TYPE_HASH: constant(bytes32) = keccak256(
    "Cancellation(bytes32 proposalId,uint256 nonce,uint256 deadline)"
)


_MAX_DATA: constant(uint256) = 1_024
_DAY: constant(uint256) = 86_400
# @dev How many `successor()` links a sweep follows.
_MAX_HOPS: constant(uint256) = 64


struct Payout:
    token: address
    recipient: address
    amount: uint256
    receipt: bytes32


event Deposit:
    sender: indexed(address)
    amount: uint256

event PayoutExecuted:
    nonce: indexed(uint256)
    token: indexed(address)
    recipient: indexed(address)
    amount: uint256
    receipt: bytes32

event PayoutBatchExecuted:
    nonce: indexed(uint256)
    digest: bytes32
    payout_count: uint256

event Paused:
    account: indexed(address)

event Unpaused:
    pass

event ProposalCreated:
    proposal_id: indexed(bytes32)
    action: indexed(uint8)
    data: Bytes[_MAX_DATA]
    nonce: uint256
    eta: uint256

event ProposalCancelled:
    proposal_id: indexed(bytes32)
    nonce: uint256

event ProposalExecuted:
    proposal_id: indexed(bytes32)
    action: indexed(uint8)

event SignersChanged:
    signers: DynArray[address, MAX_SIGNERS]
    threshold: uint256

event DailyLimitChanged:
    token: indexed(address)
    limit: uint256

event Migrated:
    successor: indexed(address)

event MigrationTransfer:
    token: indexed(address)
    amount: uint256

event Swept:
    token: indexed(address)
    to: indexed(address)
    amount: uint256

event DisputeRaised:
    oracle: indexed(address)
    asset: indexed(bytes32)
    settles_at: uint64
    signer: indexed(address)


# @dev The signer set, in ascending address order.
signers: public(DynArray[address, MAX_SIGNERS])
is_signer: public(HashMap[address, bool])
threshold: public(uint256)

# @dev The nonce the next signed message (payout batch, proposal or
# cancellation) must carry.
nonce: public(uint256)

paused: public(bool)

# @dev Set by a migration: the vault that now holds the funds. A
# migrated vault stays paused forever, refuses deposits and lets anyone
# sweep what reaches it to the end of the successor chain.
successor: public(address)

# @dev Per-token daily payout limit (token = zero address: native).
daily_limit: public(HashMap[address, uint256])
_spent: HashMap[address, HashMap[uint256, uint256]]

# @dev Settlement receipts (leaf hashes) that have been paid.
paid: public(HashMap[bytes32, bool])

# @dev Proposal id => earliest execution time (0: no such proposal).
proposal_eta: public(HashMap[bytes32, uint256])


@deploy
@payable
def __init__(
    signers_: DynArray[address, MAX_SIGNERS],
    threshold_: uint256,
    tokens: DynArray[address, MAX_TOKENS],
    limits: DynArray[uint256, MAX_TOKENS],
):
    """
    @dev Sets the signer set, the threshold and the initial daily limits.
    @param signers_ The signer addresses, strictly ascending.
    @param threshold_ The number of signatures required (2 ≤ t ≤ signers).
    @param tokens The tokens with an initial daily limit (zero address
           for the native token).
    @param limits The daily limits, in each token's smallest unit.
    """
    eip712.__init__("SixNines PredictionVault", "1")
    self._set_signers(signers_, threshold_)
    assert len(tokens) == len(limits), "vault: tokens and limits differ in length"
    for i: uint256 in range(len(tokens), bound=MAX_TOKENS):
        self.daily_limit[tokens[i]] = limits[i]
        log DailyLimitChanged(token=tokens[i], limit=limits[i])


@external
@payable
def __default__():
    """
    @dev Accepts native-token deposits, until the vault is migrated.
    """
    assert len(msg.data) == 0, "vault: unknown function"
    assert self.successor == empty(address), "vault: migrated"
    log Deposit(sender=msg.sender, amount=msg.value)


# ------------------------------------------------------------------------------
# payouts
# ------------------------------------------------------------------------------


@external
@nonreentrant
def execute_payouts(
    payouts: DynArray[Payout, MAX_PAYOUTS],
    nonce_: uint256,
    deadline: uint256,
    signatures: DynArray[Bytes[65], MAX_SIGNERS],
):
    """
    @dev Pays a batch of payouts signed by at least `threshold` signers.
         The whole batch reverts if any payout is invalid, if a receipt
         was already paid, or if a token's daily limit would be exceeded.
    @param payouts The payouts (token, recipient, amount, receipt leaf).
    @param nonce_ The vault nonce the batch was signed with.
    @param deadline The last unix second at which the batch may execute.
    @param signatures 65-byte `r ‖ s ‖ v` signatures of the EIP-712 digest
           of `PayoutBatch(payouts, nonce, deadline)`, in strictly
           ascending order of signer address.
    """
    assert not self.paused, "vault: paused"
    assert len(payouts) != 0, "vault: empty batch"
    # The payouts are hashed here, not by passing them to an internal function: memory is laid out
    # statically, so every copy of a `MAX_PAYOUTS`-long array costs every batch (PROTOCOL §6.5, GAS.md).
    hashes: DynArray[bytes32, MAX_PAYOUTS] = []
    for p: Payout in payouts:
        hashes.append(self._payout_hash(p))
    digest: bytes32 = self._batch_digest(hashes, nonce_, deadline)
    self._use_signatures(digest, nonce_, deadline, signatures)

    day: uint256 = block.timestamp // _DAY
    for p: Payout in payouts:
        assert p.amount != 0, "vault: zero amount"
        assert p.recipient != empty(address), "vault: zero recipient"
        assert p.receipt != empty(bytes32), "vault: zero receipt"
        assert not self.paid[p.receipt], "vault: receipt already paid"
        self.paid[p.receipt] = True
        spent: uint256 = self._spent[p.token][day] + p.amount
        assert spent <= self.daily_limit[p.token], "vault: daily limit exceeded"
        self._spent[p.token][day] = spent

    for p: Payout in payouts:
        self._transfer_out(p.token, p.recipient, p.amount)
        log PayoutExecuted(nonce=nonce_, token=p.token, recipient=p.recipient, amount=p.amount, receipt=p.receipt)
    log PayoutBatchExecuted(nonce=nonce_, digest=digest, payout_count=len(payouts))


@external
@view
def spent_today(token: address) -> uint256:
    """
    @dev Returns how much of `token` has been paid out this UTC day.
    @param token The token (zero address: native).
    @return uint256 The amount paid out today.
    """
    return self._spent[token][block.timestamp // _DAY]


@external
@view
def remaining_today(token: address) -> uint256:
    """
    @dev Returns how much of `token` can still be paid out this UTC day.
    @param token The token (zero address: native).
    @return uint256 The remaining daily allowance.
    """
    spent: uint256 = self._spent[token][block.timestamp // _DAY]
    limit: uint256 = self.daily_limit[token]
    if spent >= limit:
        return 0
    return limit - spent


# ------------------------------------------------------------------------------
# pause
# ------------------------------------------------------------------------------


@external
def pause():
    """
    @dev Pauses payouts at once. Any single signer may call it;
         unpausing is a time-locked proposal (`ACTION_UNPAUSE`).
    """
    assert self.is_signer[msg.sender], "vault: caller is not a signer"
    if not self.paused:
        self.paused = True
        log Paused(account=msg.sender)


@external
def dispute_price(oracle: address, asset: bytes32, settles_at: uint64):
    """
    @dev Disputes a provisional oracle price at once (the vault must hold
         the oracle's `DISPUTER_ROLE`). Any single signer may call it,
         as `pause`: a dispute only freezes a price until the oracle's
         resolver sets it.
    @param oracle The PriceOracle.
    @param asset The 32-byte asset id.
    @param settles_at The settlement time of the round.
    """
    assert self.is_signer[msg.sender], "vault: caller is not a signer"
    extcall IPriceOracle(oracle).dispute(asset, settles_at)
    log DisputeRaised(oracle=oracle, asset=asset, settles_at=settles_at, signer=msg.sender)


# ------------------------------------------------------------------------------
# after a migration
# ------------------------------------------------------------------------------


@external
@nonreentrant
def sweep(token: address) -> uint256:
    """
    @dev Moves the vault's whole balance of `token` (zero address: the
         native token) to the successor, once the vault is migrated:
         tokens the migration did not list, and anything that arrived
         later. Anyone may call it. When the successor has itself
         migrated, the funds go straight to the end of the chain of
         `successor()` links.
    @param token The token (zero address: native).
    @return uint256 The amount moved (0: nothing to move).
    """
    assert self.successor != empty(address), "vault: not migrated"
    to: address = self._destination()
    amount: uint256 = 0
    if token == empty(address):
        amount = self.balance
    else:
        amount = staticcall IERC20(token).balanceOf(self)
    if amount != 0:
        self._transfer_out(token, to, amount)
        log Swept(token=token, to=to, amount=amount)
    return amount


# ------------------------------------------------------------------------------
# time-locked governance
# ------------------------------------------------------------------------------


@external
def propose(
    action: uint8,
    data: Bytes[_MAX_DATA],
    nonce_: uint256,
    deadline: uint256,
    signatures: DynArray[Bytes[65], MAX_SIGNERS],
) -> bytes32:
    """
    @dev Queues a multisig-signed action; it can be executed by anyone
         between `TIMELOCK` and `TIMELOCK + GRACE_PERIOD` seconds later.
    @param action The action (`ACTION_*`).
    @param data The ABI-encoded action arguments (PROTOCOL §6.5).
    @param nonce_ The vault nonce the proposal was signed with.
    @param deadline The last unix second at which it may be proposed.
    @param signatures Signatures of `Proposal(action, data, nonce, deadline)`,
           ascending by signer.
    @return bytes32 The proposal id, `keccak256(abi.encode(action, keccak256(data), nonce))`.
    """
    assert self.successor == empty(address), "vault: migrated"
    self._validate_action(action, data)
    self._use_signatures(self._proposal_digest(action, data, nonce_, deadline), nonce_, deadline, signatures)
    proposal_id: bytes32 = self._proposal_id(action, data, nonce_)
    eta: uint256 = block.timestamp + TIMELOCK
    self.proposal_eta[proposal_id] = eta
    log ProposalCreated(proposal_id=proposal_id, action=action, data=data, nonce=nonce_, eta=eta)
    return proposal_id


@external
def cancel(proposal_id: bytes32, nonce_: uint256, deadline: uint256, signatures: DynArray[Bytes[65], MAX_SIGNERS]):
    """
    @dev Cancels a queued proposal.
    @param proposal_id The proposal id.
    @param nonce_ The vault nonce the cancellation was signed with.
    @param deadline The last unix second at which it may be cancelled.
    @param signatures Signatures of `Cancellation(proposalId, nonce, deadline)`,
           ascending by signer.
    """
    assert self.proposal_eta[proposal_id] != 0, "vault: unknown proposal"
    self._use_signatures(self._cancellation_digest(proposal_id, nonce_, deadline), nonce_, deadline, signatures)
    self.proposal_eta[proposal_id] = 0
    log ProposalCancelled(proposal_id=proposal_id, nonce=nonce_)


@external
@nonreentrant
def execute(action: uint8, data: Bytes[_MAX_DATA], proposal_nonce: uint256):
    """
    @dev Executes a proposal once its time lock has passed. Anyone may
         call it: the signatures were checked when it was proposed.
    @param action The proposed action.
    @param data The proposed ABI-encoded arguments.
    @param proposal_nonce The nonce the proposal was signed with.
    """
    proposal_id: bytes32 = self._proposal_id(action, data, proposal_nonce)
    eta: uint256 = self.proposal_eta[proposal_id]
    assert eta != 0, "vault: unknown proposal"
    assert block.timestamp >= eta, "vault: time lock not expired"
    assert block.timestamp <= eta + GRACE_PERIOD, "vault: proposal expired"
    self.proposal_eta[proposal_id] = 0

    if action == ACTION_SET_SIGNERS:
        new_signers: DynArray[address, MAX_SIGNERS] = []
        new_threshold: uint256 = 0
        new_signers, new_threshold = abi_decode(data, (DynArray[address, MAX_SIGNERS], uint256))
        for s: address in self.signers:
            self.is_signer[s] = False
        self._set_signers(new_signers, new_threshold)
    elif action == ACTION_SET_DAILY_LIMIT:
        token: address = empty(address)
        limit: uint256 = 0
        token, limit = abi_decode(data, (address, uint256))
        self.daily_limit[token] = limit
        log DailyLimitChanged(token=token, limit=limit)
    elif action == ACTION_UNPAUSE:
        assert self.successor == empty(address), "vault: migrated"
        if self.paused:
            self.paused = False
            log Unpaused()
    else:
        self._migrate(data)
    log ProposalExecuted(proposal_id=proposal_id, action=action)


# ------------------------------------------------------------------------------
# views for signers and clients
# ------------------------------------------------------------------------------


@external
@view
def get_signers() -> DynArray[address, MAX_SIGNERS]:
    """
    @dev Returns the signer set, ascending.
    @return DynArray The signer addresses.
    """
    return self.signers


@external
@view
def domain_separator() -> bytes32:
    """
    @dev Returns the EIP-712 domain separator of this vault.
    @return bytes32 The 32-byte domain separator.
    """
    return eip712._domain_separator_v4()


@external
@view
def payout_batch_digest(payouts: DynArray[Payout, MAX_PAYOUTS], nonce_: uint256, deadline: uint256) -> bytes32:
    """
    @dev Returns the EIP-712 digest signers sign for a payout batch.
    @return bytes32 The 32-byte digest.
    """
    hashes: DynArray[bytes32, MAX_PAYOUTS] = []
    for p: Payout in payouts:
        hashes.append(self._payout_hash(p))
    return self._batch_digest(hashes, nonce_, deadline)


@external
@view
def proposal_digest(action: uint8, data: Bytes[_MAX_DATA], nonce_: uint256, deadline: uint256) -> bytes32:
    """
    @dev Returns the EIP-712 digest signers sign for a proposal.
    @return bytes32 The 32-byte digest.
    """
    return self._proposal_digest(action, data, nonce_, deadline)


@external
@view
def cancellation_digest(proposal_id: bytes32, nonce_: uint256, deadline: uint256) -> bytes32:
    """
    @dev Returns the EIP-712 digest signers sign for a cancellation.
    @return bytes32 The 32-byte digest.
    """
    return self._cancellation_digest(proposal_id, nonce_, deadline)


@external
@pure
def proposal_id(action: uint8, data: Bytes[_MAX_DATA], nonce_: uint256) -> bytes32:
    """
    @dev Returns the id of a proposal.
    @return bytes32 `keccak256(abi.encode(action, keccak256(data), nonce))`.
    """
    return self._proposal_id(action, data, nonce_)


# ------------------------------------------------------------------------------
# internals
# ------------------------------------------------------------------------------


@internal
def _use_signatures(digest: bytes32, nonce_: uint256, deadline: uint256, signatures: DynArray[Bytes[65], MAX_SIGNERS]):
    """
    @dev Checks nonce, deadline and at least `threshold` signatures of
         distinct signers in ascending address order, then consumes the
         nonce.
    """
    assert nonce_ == self.nonce, "vault: bad nonce"
    assert block.timestamp <= deadline, "vault: signature expired"
    assert len(signatures) >= self.threshold, "vault: too few signatures"
    previous: uint256 = 0
    for sig: Bytes[65] in signatures:
        assert len(sig) == 65, "vault: bad signature length"
        signer: address = ecdsa._recover_sig(digest, sig)
        assert convert(signer, uint256) > previous, "vault: signers not strictly ascending"
        assert self.is_signer[signer], "vault: not a signer"
        previous = convert(signer, uint256)
    self.nonce = nonce_ + 1


@internal
def _set_signers(signers_: DynArray[address, MAX_SIGNERS], threshold_: uint256):
    assert threshold_ >= MIN_THRESHOLD and threshold_ <= len(signers_), "vault: bad threshold"
    previous: uint256 = 0
    for s: address in signers_:
        assert convert(s, uint256) > previous, "vault: signers not strictly ascending"
        previous = convert(s, uint256)
        self.is_signer[s] = True
    self.signers = signers_
    self.threshold = threshold_
    log SignersChanged(signers=signers_, threshold=threshold_)


@internal
@view
def _validate_action(action: uint8, data: Bytes[_MAX_DATA]):
    """
    @dev Rejects a malformed proposal when it is proposed rather than
         48 hours later when it is executed.
    """
    if action == ACTION_SET_SIGNERS:
        new_signers: DynArray[address, MAX_SIGNERS] = []
        new_threshold: uint256 = 0
        new_signers, new_threshold = abi_decode(data, (DynArray[address, MAX_SIGNERS], uint256))
        assert new_threshold >= MIN_THRESHOLD and new_threshold <= len(new_signers), "vault: bad threshold"
        previous: uint256 = 0
        for s: address in new_signers:
            assert convert(s, uint256) > previous, "vault: signers not strictly ascending"
            previous = convert(s, uint256)
    elif action == ACTION_SET_DAILY_LIMIT:
        token: address = empty(address)
        limit: uint256 = 0
        token, limit = abi_decode(data, (address, uint256))
    elif action == ACTION_UNPAUSE:
        assert len(data) == 0, "vault: unpause takes no data"
    elif action == ACTION_MIGRATE:
        successor_: address = empty(address)
        tokens: DynArray[address, MAX_TOKENS] = []
        successor_, tokens = abi_decode(data, (address, DynArray[address, MAX_TOKENS]))
        assert successor_ != empty(address), "vault: zero successor"
        assert successor_ != self, "vault: successor is this vault"
    else:
        raise "vault: unknown action"


@internal
def _migrate(data: Bytes[_MAX_DATA]):
    successor_: address = empty(address)
    tokens: DynArray[address, MAX_TOKENS] = []
    successor_, tokens = abi_decode(data, (address, DynArray[address, MAX_TOKENS]))
    assert self.successor == empty(address), "vault: migrated"
    # a retired vault would refuse the funds: no chains ending in a dead end, no cycles
    assert self._successor_of(successor_) == empty(address), "vault: successor migrated"
    self.successor = successor_
    if not self.paused:
        self.paused = True
        log Paused(account=msg.sender)
    log Migrated(successor=successor_)
    native: uint256 = self.balance
    if native != 0:
        self._transfer_out(empty(address), successor_, native)
        log MigrationTransfer(token=empty(address), amount=native)
    for token: address in tokens:
        amount: uint256 = staticcall IERC20(token).balanceOf(self)
        if amount != 0:
            self._transfer_out(token, successor_, amount)
            log MigrationTransfer(token=token, amount=amount)


@internal
@view
def _successor_of(target: address) -> address:
    """
    @dev `target.successor()` if `target` is a contract that answers it
         with an address, else the zero address.
    """
    if not target.is_contract:
        return empty(address)
    ok: bool = False
    response: Bytes[32] = b""
    ok, response = raw_call(target, method_id("successor()"), max_outsize=32, is_static_call=True, revert_on_failure=False)
    if not ok or len(response) != 32:
        return empty(address)
    word: uint256 = convert(response, uint256)
    if word >> 160 != 0:
        return empty(address)
    return convert(convert(word, uint160), address)


@internal
@view
def _destination() -> address:
    """
    @dev The end of the chain of `successor()` links from this vault.
    """
    to: address = self.successor
    for _: uint256 in range(_MAX_HOPS):
        next_: address = self._successor_of(to)
        if next_ == empty(address):
            break
        to = next_
    return to


@internal
def _transfer_out(token: address, to: address, amount: uint256):
    if token == empty(address):
        raw_call(to, b"", value=amount)
    else:
        assert token.is_contract, "vault: token is not a contract"
        response: Bytes[32] = raw_call(
            token,
            abi_encode(to, amount, method_id=method_id("transfer(address,uint256)")),
            max_outsize=32,
        )
        if len(response) != 0:
            assert abi_decode(response, bool), "vault: token transfer failed"


@internal
@pure
def _payout_hash(p: Payout) -> bytes32:
    return keccak256(abi_encode(_PAYOUT_TYPE_HASH, p.token, p.recipient, p.amount, p.receipt))


@internal
@view
def _batch_digest(hashes: DynArray[bytes32, MAX_PAYOUTS], nonce_: uint256, deadline: uint256) -> bytes32:
    """
    @dev The EIP-712 digest of `PayoutBatch(payouts, nonce, deadline)` from the payouts' struct hashes.
    """
    # abi_encode(DynArray) = offset word ‖ length word ‖ elements: keep the elements.
    packed: Bytes[32 * MAX_PAYOUTS + 64] = abi_encode(hashes)
    items_hash: bytes32 = keccak256(slice(packed, 64, 32 * len(hashes)))
    return eip712._hash_typed_data_v4(keccak256(abi_encode(_PAYOUT_BATCH_TYPE_HASH, items_hash, nonce_, deadline)))


@internal
@view
def _proposal_digest(action: uint8, data: Bytes[_MAX_DATA], nonce_: uint256, deadline: uint256) -> bytes32:
    return eip712._hash_typed_data_v4(keccak256(abi_encode(_PROPOSAL_TYPE_HASH, action, keccak256(data), nonce_, deadline)))


@internal
@view
def _cancellation_digest(proposal_id: bytes32, nonce_: uint256, deadline: uint256) -> bytes32:
    return eip712._hash_typed_data_v4(keccak256(abi_encode(_CANCELLATION_TYPE_HASH, proposal_id, nonce_, deadline)))


@internal
@pure
def _proposal_id(action: uint8, data: Bytes[_MAX_DATA], nonce_: uint256) -> bytes32:
    return keccak256(abi_encode(action, keccak256(data), nonce_))
