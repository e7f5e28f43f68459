# SPDX-License-Identifier: AGPL-3.0-only
# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title SixNines Receipt Registry
@custom:contract-name ReceiptRegistry
@license AGPL-3.0-only
@notice Anchors batches of prediction receipts (and daily price roots)
        as OpenZeppelin `StandardMerkleTree` roots, one storage slot
        per batch whatever its size, and verifies single proofs,
        multiproofs and receipts rebuilt from their fields.
        The wire rules (receipt fields, leaf encoding, batch ids) are
        those of `docs/PROTOCOL.md`, sections 2 to 4.
@dev Storage layout, chosen so that an anchor writes a single fresh
     slot (see `Contracts/GAS.md`):
     - `_anchors[keccak256(batch_id ‖ root)]` holds the packed batch
       record (kind, receipt count, time range, anchoring time). Since
       a batch id can only ever be anchored with one root (next item),
       "the root recomputed from a proof has a record under this batch
       id" is equivalent to "it equals the batch's root".
     - `_taken[uint256(batch_id) >> 8]` is a bitmap of used batch ids,
       256 per slot: batch ids are `(kind << 64) | sequence`, so
       consecutive batches share a slot and only one anchor in 256
       pays for a fresh bitmap slot.
     Built from snekmate's `access_control` (writer role) and
     `merkle_proof_verification` (OpenZeppelin-compatible proofs).
"""


from ethereum.ercs import IERC165
implements: IERC165

from snekmate.auth.interfaces import IAccessControl
implements: IAccessControl

from snekmate.auth import access_control
initializes: access_control

from snekmate.utils import merkle_proof_verification as merkle


exports: access_control.__interface__


# @dev Role allowed to anchor batches (the BatchWriter's key).
WRITER_ROLE: public(constant(bytes32)) = keccak256("WRITER_ROLE")


# @dev Batch kinds (docs/PROTOCOL.md §4).
KIND_PLACEMENT: public(constant(uint8)) = 1
KIND_SETTLEMENT: public(constant(uint8)) = 2
KIND_PRICE: public(constant(uint8)) = 3


# @dev Receipt kinds equal the placement/settlement batch kinds.
_ROUND_SECONDS: constant(uint64) = 600
_SETTLEMENT_OFFSET: constant(uint64) = 540


# @dev Bounds of the proof arrays (a depth-32 tree holds 2**32 leaves).
_PROOF_BOUND: constant(uint256) = 32
_MULTI_BOUND: constant(uint256) = 64
_FLAGS_BOUND: constant(uint256) = 128


# @dev Bit set in every stored record, so a record is never zero.
_EXISTS: constant(uint256) = 1 << 255


# @dev A receipt as it is hashed into a leaf (docs/PROTOCOL.md §2).
struct Receipt:
    version: uint8
    kind: uint8
    prediction_id: bytes32
    user_commitment: bytes32
    asset: bytes32
    direction: uint8
    stake: uint128
    placed_at: uint64
    settles_at: uint64
    entry_price: uint128
    settlement_price: uint128
    outcome: uint8
    payout: uint128


# @dev What the registry knows about an anchored batch.
struct Batch:
    anchored: bool
    kind: uint8
    receipt_count: uint32
    first_time: uint64
    last_time: uint64
    anchored_at: uint64


# @dev Emitted once per batch id, when it is first anchored.
event BatchAnchored:
    batch_id: indexed(bytes32)
    root: indexed(bytes32)
    kind: indexed(uint8)
    receipt_count: uint32
    first_time: uint64
    last_time: uint64
    anchored_at: uint64
    writer: address


_anchors: HashMap[bytes32, uint256]
_taken: HashMap[uint256, uint256]


@deploy
@payable
def __init__(admin: address, writer: address):
    """
    @dev Grants `DEFAULT_ADMIN_ROLE` to `admin` (who can then grant
         and revoke `WRITER_ROLE`) and `WRITER_ROLE` to `writer`.
         The deployer keeps no role unless it is `admin`.
    @param admin The 20-byte address of the administrator (multisig).
    @param writer The 20-byte address of the first batch writer,
           or the zero address for none.
    """
    assert admin != empty(address), "registry: zero admin"
    access_control.__init__()
    access_control._grant_role(access_control.DEFAULT_ADMIN_ROLE, admin)
    if writer != empty(address):
        access_control._grant_role(WRITER_ROLE, writer)
    if admin != msg.sender:
        access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)


@external
def anchor(
    batch_id: bytes32,
    kind: uint8,
    root: bytes32,
    receipt_count: uint32,
    first_time: uint64,
    last_time: uint64,
) -> bool:
    """
    @dev Anchors the Merkle `root` of batch `batch_id`. Anchoring the
         same batch id with the same root again (a retried transaction)
         changes nothing and returns `False`; a different root under
         a used batch id reverts.
    @notice Caller must hold `WRITER_ROLE`. Emits `BatchAnchored` on
            first anchoring.
    @param batch_id The 32-byte batch id, `(kind << 64) | sequence`.
    @param kind The 1-byte batch kind (1 placement, 2 settlement,
           3 daily price root); must equal byte 23 of `batch_id`.
    @param root The 32-byte `StandardMerkleTree` root.
    @param receipt_count The number of leaves in the tree.
    @param first_time The earliest leaf time in the batch (unix seconds).
    @param last_time The latest leaf time in the batch (unix seconds).
    @return bool `True` if anchored now, `False` if it already was.
    """
    access_control._check_role(WRITER_ROLE, msg.sender)
    id_: uint256 = convert(batch_id, uint256)
    assert kind >= KIND_PLACEMENT and kind <= KIND_PRICE, "registry: unknown kind"
    assert id_ >> 72 == 0 and (id_ >> 64) & 255 == convert(kind, uint256), "registry: malformed batch id"
    assert root != empty(bytes32), "registry: zero root"
    assert receipt_count != 0, "registry: empty batch"
    assert first_time <= last_time, "registry: bad time range"
    assert convert(last_time, uint256) <= block.timestamp, "registry: time range in the future"

    key: bytes32 = keccak256(concat(batch_id, root))
    if self._anchors[key] != 0:
        return False

    word: uint256 = id_ >> 8
    bit: uint256 = 1 << (id_ & 255)
    taken: uint256 = self._taken[word]
    assert taken & bit == 0, "registry: batch id taken"
    self._taken[word] = taken | bit

    now: uint64 = convert(block.timestamp, uint64)
    self._anchors[key] = (
        _EXISTS
        | (convert(kind, uint256) << 224)
        | (convert(last_time, uint256) << 160)
        | (convert(first_time, uint256) << 96)
        | (convert(receipt_count, uint256) << 64)
        | convert(now, uint256)
    )
    log BatchAnchored(
        batch_id=batch_id,
        root=root,
        kind=kind,
        receipt_count=receipt_count,
        first_time=first_time,
        last_time=last_time,
        anchored_at=now,
        writer=msg.sender,
    )
    return True


@external
@view
def is_anchored(batch_id: bytes32) -> bool:
    """
    @dev Returns `True` if `batch_id` has been anchored (with any root).
    @param batch_id The 32-byte batch id.
    @return bool Whether the batch id is used.
    """
    id_: uint256 = convert(batch_id, uint256)
    return self._taken[id_ >> 8] & (1 << (id_ & 255)) != 0


@external
@view
def batch(batch_id: bytes32, root: bytes32) -> Batch:
    """
    @dev Returns the record of batch `batch_id` anchored with `root`;
         `anchored` is `False` (and every field zero) if there is none.
    @param batch_id The 32-byte batch id.
    @param root The 32-byte Merkle root.
    @return Batch The batch record.
    """
    return self._batch(batch_id, root)


@external
@view
def verify(batch_id: bytes32, leaf: bytes32, proof: DynArray[bytes32, _PROOF_BOUND]) -> bool:
    """
    @dev Returns `True` if `leaf` is in the tree anchored as `batch_id`.
    @param batch_id The 32-byte batch id.
    @param leaf The 32-byte leaf hash (double keccak, see PROTOCOL §3).
    @param proof The sibling hashes from the leaf up to the root.
    @return bool Whether the proof is valid.
    """
    return self._is_root(batch_id, merkle._process_proof(proof, leaf))


@external
@view
def verify_receipt(batch_id: bytes32, receipt: Receipt, proof: DynArray[bytes32, _PROOF_BOUND]) -> bool:
    """
    @dev Rebuilds the leaf of `receipt` on-chain and verifies it against
         batch `batch_id`. A receipt of a kind other than the batch's
         kind is never valid.
    @param batch_id The 32-byte batch id (placement or settlement kind).
    @param receipt The receipt fields.
    @param proof The sibling hashes from the leaf up to the root.
    @return bool Whether the receipt is in the batch.
    """
    if not self._kind_matches(batch_id, receipt.kind):
        return False
    return self._is_root(batch_id, merkle._process_proof(proof, self._receipt_leaf(receipt)))


@external
@view
def verify_multi(
    batch_id: bytes32,
    leaves: DynArray[bytes32, _MULTI_BOUND],
    proof: DynArray[bytes32, _MULTI_BOUND],
    proof_flags: DynArray[bool, _FLAGS_BOUND],
) -> bool:
    """
    @dev Verifies an OpenZeppelin multiproof (`getMultiProof`) of
         `leaves` against batch `batch_id`. An empty set of leaves is
         never valid, and neither is a proof whose lengths do not add
         up (`len(leaves) + len(proof) == len(proof_flags) + 1`).
    @param batch_id The 32-byte batch id.
    @param leaves The 32-byte leaf hashes, in the order of the multiproof.
    @param proof The 32-byte sibling hashes of the multiproof.
    @param proof_flags The multiproof flags.
    @return bool Whether all `leaves` are in the batch.
    """
    if len(leaves) == 0 or len(leaves) + len(proof) != len(proof_flags) + 1:
        return False
    return self._is_root(batch_id, merkle._process_multi_proof(proof, proof_flags, leaves))


@external
@view
def anchored_before_settlement(batch_id: bytes32, receipt: Receipt, proof: DynArray[bytes32, _PROOF_BOUND]) -> bool:
    """
    @dev Returns `True` if `receipt` is a placement receipt included in
         placement batch `batch_id` and that batch was anchored strictly
         before the receipt's round settled (`anchored_at < settles_at`).
    @param batch_id The 32-byte batch id of a placement batch.
    @param receipt The placement receipt fields.
    @param proof The sibling hashes from the leaf up to the root.
    @return bool Whether the placement provably predates settlement.
    """
    if receipt.kind != KIND_PLACEMENT or not self._kind_matches(batch_id, KIND_PLACEMENT):
        return False
    root: bytes32 = merkle._process_proof(proof, self._receipt_leaf(receipt))
    record: Batch = self._batch(batch_id, root)
    return record.anchored and record.anchored_at < receipt.settles_at


@external
@pure
def receipt_leaf(receipt: Receipt) -> bytes32:
    """
    @dev Returns the `StandardMerkleTree` leaf of `receipt`:
         `keccak256(keccak256(abi.encode(fields...)))`.
    @param receipt The receipt fields.
    @return bytes32 The 32-byte leaf hash.
    """
    return self._receipt_leaf(receipt)


@external
@pure
def is_settlement_time(timestamp: uint64) -> bool:
    """
    @dev Returns `True` if `timestamp` is a round settlement time,
         i.e. minute :09, :19, ..., :59 (`timestamp % 600 == 540`).
    @param timestamp The unix time in seconds.
    @return bool Whether it is a settlement time.
    """
    return timestamp % _ROUND_SECONDS == _SETTLEMENT_OFFSET


@internal
@pure
def _receipt_leaf(r: Receipt) -> bytes32:
    return keccak256(
        keccak256(
            abi_encode(
                r.version,
                r.kind,
                r.prediction_id,
                r.user_commitment,
                r.asset,
                r.direction,
                r.stake,
                r.placed_at,
                r.settles_at,
                r.entry_price,
                r.settlement_price,
                r.outcome,
                r.payout,
            )
        )
    )


@internal
@pure
def _kind_matches(batch_id: bytes32, kind: uint8) -> bool:
    return (convert(batch_id, uint256) >> 64) & 255 == convert(kind, uint256)


@internal
@view
def _is_root(batch_id: bytes32, root: bytes32) -> bool:
    return self._anchors[keccak256(concat(batch_id, root))] != 0


@internal
@view
def _batch(batch_id: bytes32, root: bytes32) -> Batch:
    packed: uint256 = self._anchors[keccak256(concat(batch_id, root))]
    if packed == 0:
        return empty(Batch)
    return Batch(
        anchored=True,
        kind=convert((packed >> 224) & 255, uint8),
        receipt_count=convert((packed >> 64) & convert(max_value(uint32), uint256), uint32),
        first_time=convert((packed >> 96) & convert(max_value(uint64), uint256), uint64),
        last_time=convert((packed >> 160) & convert(max_value(uint64), uint256), uint64),
        anchored_at=convert(packed & convert(max_value(uint64), uint256), uint64),
    )
